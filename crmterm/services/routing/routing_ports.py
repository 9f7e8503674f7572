"""What routing needs from the packages above it, handed in when those are imported.

Routing sits below the inquiry life-cycle and the SLA clocks: inquiries move through routes and SLA reads
route steps. Yet placing an inquiry on its route writes to the inquiry's log (owned by inquiries), computes
its deadlines (owned by sla), and a route or rule that calls a business function is checked against the
installed functions (inquiries' catalogue). Those are handed in here by inquiries/__init__.py and
sla/__init__.py when they are imported, so routing never imports the packages above it statically (pyproject's
acyclic_siblings contract). A port asked before its provider was imported imports it by dotted name (SOURCES):
a command that never moves an inquiry never loads the life-cycle. This module imports nothing of routing.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import datetime
from typing import Any

from sqlmodel import Session

from crmterm.ports import Ports
from crmterm.services.accounts.permissions import Actor
from crmterm.store import Inquiry
from crmterm.workflow.routes import StepDef

# Each port and the package whose import provides it
SOURCES = {"record_event": "crmterm.services.inquiries", "deadlines_on_route": "crmterm.services.sla",
           "function_names": "crmterm.services.inquiries", "load_function": "crmterm.services.inquiries",
           "typed_params": "crmterm.services.inquiries"}
_ports = Ports("routing", SOURCES)
NAMES, provide, _provider = _ports.names, _ports.provide, _ports.get


def record_event(session: Session, inquiry_id: int, actor: Actor, kind: str, *, data: dict | None = None) -> None:
    """Append an event to the inquiry's log (inquiries.inquiry_log.record)."""
    _provider("record_event")(session, inquiry_id, actor, kind, data=data)


def deadlines_on_route(session: Session, inquiry: Inquiry, step: StepDef, path: list[str],
                       now: datetime) -> dict:
    """The deadline columns of an inquiry entering its route's first step (sla.sla.on_route)."""
    return _provider("deadlines_on_route")(session, inquiry, step, path, now)


def function_names() -> Collection[str]:
    """The installed business functions (inquiries.functions.registered)."""
    return _provider("function_names")()


def load_function(name: str) -> Callable:
    return _provider("load_function")(name)


def typed_params(fn: Callable, params: dict[str, Any], *, computed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A function's parameters checked and typed (inquiries.functions.typed; ValidationError if wrong)."""
    return _provider("typed_params")(fn, params, computed=computed)
