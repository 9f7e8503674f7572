"""What the SLA clocks and the rule context need from service management (services/service), handed in when
that package is imported.

Service contracts sit above the inquiry life-cycle (work orders move inquiries along their routes), yet a
covering contract's targets replace the topic's regulation when deadlines are computed (services/sla/sla) and
rules read `customer.entitlement` (registration, routing's rule context). The service package hands both in
here from its __init__, so nothing below it imports it statically (pyproject's acyclic_siblings contract);
asked before that, a port imports the package by dotted name. This module imports nothing of routing."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from crmterm.ports import Ports
from crmterm.workflow.coverage import Targets
from crmterm.workflow.rules import Deferred

PROVIDER = "crmterm.services.service"  # its __init__ calls provide() with both of NAMES
NAMES = ("contract_targets", "entitlement_kind")
_ports = Ports("coverage", dict.fromkeys(NAMES, PROVIDER))
provide, _provider = _ports.provide, _ports.get


def contract_targets(session: Session, party_id: int | None, path: Sequence[str]) -> Targets | None:
    """The targets of the contract covering the customer for this topic path today (None: none covers it)."""
    if party_id is None:
        return None
    return _provider("contract_targets")(session, party_id, list(path))


def entitlement_kind(session: Session, party_id: int | None, path: Sequence[str]) -> str:
    """contract | warranty | expired | none: what `customer.entitlement` reads in a rule."""
    if party_id is None:
        return "none"
    return _provider("entitlement_kind")(session, party_id, list(path))


def rule_fields(session: Session, party_id: int | None, path: Sequence[str]) -> dict[str, Deferred]:
    """`customer.entitlement` for a rule's context, assessed only when a rule reads it."""
    if not party_id:
        return {}
    return {"entitlement": Deferred(lambda: entitlement_kind(session, party_id, path))}
