"""The role matrix's declared table, callbacks, tasks and My work (services/work): scheduling, keeping,
cancelling and rescheduling callbacks and adding and finishing tasks need inquiries.write (the work the
builder makes is the caller's own); lists need inquiries.read; the overdue-callback scan, like the SLA scan,
inquiries.supervise. See role_matrix_calls.py for what an entry is."""

from __future__ import annotations

from datetime import timedelta

from role_matrix_calls import Entry, World
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.work import callback_done, callback_scan, callbacks, my_work, tasks
from crmterm.store import utcnow


def _window(hours: int = 1) -> dict:
    now = utcnow()
    return {"window_from": now - timedelta(hours=hours), "window_to": now + timedelta(hours=hours)}


def _callback(session: Session, world: World, actor: Actor | None) -> int:
    """A due callback given to the caller (anonymous: to agent) by the supervisor."""
    return callbacks.schedule(session=session, actor=world.supervisor, customer=world.party,
                              number="+7 916 100-00-01", agent=actor.login if actor else "agent",
                              **_window()).id


def _task(session: Session, world: World, actor: Actor | None) -> int:
    return tasks.add_task(session=session, actor=world.supervisor, title="Matrix task",
                          agent=actor.login if actor else "agent").id


WORK_LIST_ENTRIES: list[Entry] = [
    Entry(callbacks.schedule, P.INQUIRIES_WRITE,
          lambda s, w, a: {"customer": w.party, "number": "+7 916 100-00-01", **_window()}),
    Entry(callbacks.callbacks, P.INQUIRIES_READ),
    Entry(callbacks.get, P.INQUIRIES_READ, lambda s, w, a: {"callback_id": _callback(s, w, a)}),
    Entry(callbacks.cancel, P.INQUIRIES_WRITE, lambda s, w, a: {"callback_id": _callback(s, w, a)}),
    Entry(callbacks.reschedule, P.INQUIRIES_WRITE,
          lambda s, w, a: {"callback_id": _callback(s, w, a), **_window(2)}),
    Entry(callback_done.complete, P.INQUIRIES_WRITE,
          lambda s, w, a: {"callback_id": _callback(s, w, a), "topic": "tariff_info"}),
    Entry(callback_scan.scan_overdue, P.INQUIRIES_SUPERVISE),
    Entry(tasks.add_task, P.INQUIRIES_WRITE, lambda s, w, a: {"title": "Matrix task"}),
    Entry(tasks.tasks, P.INQUIRIES_READ),
    Entry(tasks.finish_task, P.INQUIRIES_WRITE, lambda s, w, a: {"task_id": _task(s, w, a)}),
    Entry(my_work.my_work, P.INQUIRIES_READ),
]
