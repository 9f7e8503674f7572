"""What the SLA scan needs from the inquiry life-cycle, handed in when the inquiries package is imported.

The clocks (sla.sla) sit below the life-cycle: every move recomputes deadlines. The scan and its escalations
act on inquiries, though — load one, raise its priority, transfer it, log the warning or breach. Those
actions are handed in here by inquiries/__init__.py when it is imported, so sla never imports inquiries
statically (pyproject's acyclic_siblings contract); a port asked before that imports the package by dotted
name (PROVIDER). This module imports nothing of sla.
"""

from __future__ import annotations

from sqlmodel import Session

from crmterm.ports import Ports
from crmterm.services.accounts.permissions import Actor
from crmterm.store import Inquiry

NAMES = ("load_inquiry", "set_priority", "transfer", "record_event")
PROVIDER = "crmterm.services.inquiries"  # its __init__ calls provide() with every one of NAMES
_ports = Ports("sla", dict.fromkeys(NAMES, PROVIDER))
provide, _provider = _ports.provide, _ports.get


def load_inquiry(session: Session, inquiry_id: int, *, lock: bool = True) -> Inquiry:
    """The inquiry, locked for update unless told otherwise (inquiries.inquiry_actions.load)."""
    return _provider("load_inquiry")(session, inquiry_id, lock=lock)


def set_priority(*, session: Session, actor: Actor, inquiry_id: int, priority: str, text: str) -> None:
    """inquiries.inquiry_actions.set_priority: logged, deadlines recomputed, automation fired."""
    _provider("set_priority")(session=session, actor=actor, inquiry_id=inquiry_id, priority=priority, text=text)


def transfer(*, session: Session, actor: Actor, inquiry_id: int, queue: str, text: str) -> None:
    """inquiries.inquiry_actions.transfer: to another queue, logged, automation fired."""
    _provider("transfer")(session=session, actor=actor, inquiry_id=inquiry_id, queue=queue, text=text)


def record_event(session: Session, inquiry_id: int, actor: Actor, kind: str, *, data: dict | None = None) -> None:
    """Append an event to the inquiry's log (inquiries.inquiry_log.record)."""
    _provider("record_event")(session, inquiry_id, actor, kind, data=data)
