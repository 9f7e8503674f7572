"""The external API's use cases (DESIGN.md §7, `crmterm inquiry event` and `crmterm contact register`):
other systems register contacts with inquiries and push events onto inquiries, each call idempotent by
the caller's external id (services/inquiries/external_requests).

An event moves the inquiry along the first transition out of its current step that names the event
(`on_event`) and whose guard holds — the guard reads `event.name` and `event.data`. Otherwise the event is
logged on the inquiry (kind `external`) and handed to automation; an event is a fact from another system,
so a closed inquiry or a guard that does not hold records it rather than refusing it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import external_requests, inquiry_actions, inquiry_log, registration, system_moves
from crmterm.services.inquiries.attachments import AttachmentLimits
from crmterm.services.inquiries.registration import ContactDraft, Registered
from crmterm.services.routing import automation, routing
from crmterm.store import Inquiry
from crmterm.workflow.engine import OPEN, state_label

EVENT_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]{0,63}$")
DATA_LIMIT = 64 * 1024  # bytes of JSON


class EventResult(BaseModel):
    inquiry_id: int
    event: str
    moved: bool
    transition: str | None = None
    note: str = ""  # why it did not move
    state: str
    step: str | None
    queue: str | None
    version: int
    replayed: bool = False  # a repeat of an external id: this is the first call's result, nothing was done


class RegisteredOnce(Registered):
    replayed: bool = False


def push(*, session: Session, actor: Actor, inquiry_id: int, name: str, data: Any = None,
         external_id: str | None = None, source: str | None = None) -> EventResult:
    require(actor, Permission.INQUIRIES_WRITE)
    name, data = _checked_name(name), _checked_data(data)
    outcome = external_requests.once(
        session, actor, external_id=external_id, source=source, kind="event",
        request={"inquiry_id": inquiry_id, "name": name, "data": data},
        work=lambda: (_push(session, actor, inquiry_id, name, data, external_id).model_dump(), inquiry_id))
    return EventResult(**{**outcome.result, "replayed": outcome.replayed})


def register(*, session: Session, actor: Actor, draft: ContactDraft, limits: AttachmentLimits = AttachmentLimits(),
             external_id: str | None = None, source: str | None = None,
             max_inquiries: int = registration.MAX_INQUIRIES) -> RegisteredOnce:
    """`registration.register`, done once per external id."""
    require(actor, Permission.INQUIRIES_WRITE)

    def work() -> tuple[dict, int | None]:
        done = registration.register(session=session, actor=actor, draft=draft, limits=limits,
                                     max_inquiries=max_inquiries)
        return done.model_dump(), done.inquiry_ids[0] if done.inquiry_ids else None

    outcome = external_requests.once(session, actor, external_id=external_id, source=source, kind="register",
                                     request=draft.model_dump(mode="json"), work=work)
    return RegisteredOnce(**{**outcome.result, "replayed": outcome.replayed})


def _checked_name(name: str) -> str:
    name = str(name).strip()
    if not EVENT_NAME.match(name):
        raise ValidationError("event", _("use Latin letters, digits, '_', '-' or '.', starting with a letter"))
    return name


def _checked_data(data: Any) -> dict:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValidationError("data", _("expected a JSON object"))
    if len(json.dumps(data, default=str)) > DATA_LIMIT:  # it is stored on the inquiry's timeline
        raise ValidationError("data", _("at most {n} KB").format(n=DATA_LIMIT // 1024))
    return external_requests.plain(data)


def _push(session: Session, actor: Actor, inquiry_id: int, name: str, data: dict,
          external_id: str | None) -> EventResult:
    inquiry = inquiry_actions.load(session, inquiry_id)
    event = {"name": name, "data": data}
    route, named = system_moves.candidates(session, inquiry, lambda t: t.on_event == name)
    cause = {"event": name, "event_data": data} | ({"external_id": external_id} if external_id else {})
    if named and route is not None:  # a transition found means a route (candidates)
        context = {**routing.context_of(session, inquiry, actor), "event": event}
        chosen = system_moves.first_passing(named, context)
        if chosen is not None:
            moved = system_moves.move_along(session, actor, inquiry, route, chosen, context, cause=cause)
            return _result(moved, name, chosen.code)
        note = _("the condition of {codes} does not hold").format(codes=", ".join(t.code for t in named))
    else:
        note = _why_not(inquiry, route is not None)
    inquiry_log.record(session, inquiry_id, actor, "external", text=name, data={**cause, "note": note})
    automation.fire(session, actor, inquiry_id, "external", data, name=name)
    return _result(inquiry_actions.moved(session, inquiry_id), name, None, note)


def _why_not(inquiry: Inquiry, on_route: bool) -> str:
    if on_route:
        return _("no transition from step '{step}' waits for it").format(step=inquiry.step)
    if inquiry.state not in OPEN:
        return _("inquiry {n} is {state}").format(n=inquiry.id, state=state_label(inquiry.state))
    return _("inquiry {n} is not on a route").format(n=inquiry.id)


def _result(moved: inquiry_actions.Moved, name: str, transition: str | None, note: str = "") -> EventResult:
    return EventResult(inquiry_id=moved.id, event=name, moved=transition is not None, transition=transition,
                       note=note, state=moved.state, step=moved.step, queue=moved.queue, version=moved.version)
