"""The server's side of a push: a node's journal entries applied with the conflict rules, as the token's user.

- A field (customers, contact persons, inquiries) is applied when the server's value still equals the node's
  `old`; already equal to `new`: nothing to do ("same"); else the server keeps its value: "conflict" with theirs.
- An action (a note; take, start, return, a move along a transition, close; assign, transfer, reopen, cancel)
  goes through the inquiry services as the user: a refusal (someone reassigned it, the step cannot close, the
  guard does not hold, the role may not) is answered as "refused" with the server's message.
- A create (an offline registration, a new customer) is made like a new one; the answer carries the server's
  numbers (and a customer's version).
Idempotent: each change id is recorded with its answer in the same transaction as its effect; a resent change
gets the recorded answer. Each change runs in a savepoint, so one refusal never undoes the others."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import update
from sqlmodel import Session, select

from crmterm.errors import CrmError, PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import customers
from crmterm.services.inquiries import inquiries, inquiry_actions, inquiry_moves, registration
from crmterm.services.inquiries.drafts import ContactDraft
from crmterm.services.sync.changes import jsonable
from crmterm.services.sync.journal import COMMENTS, VALUE
from crmterm.services.sync.registrations import inquiry_values
from crmterm.store import ClientCategory, ContactPerson, Inquiry, Party, Priority, utcnow
from crmterm.store.sync import SyncChange
from crmterm.store.tables import table_of
from crmterm.text import one_line

MAX_BATCH = 1000
TABLES: dict[str, Any] = {"party": Party, "contact_person": ContactPerson, "inquiry": Inquiry}


class _Refused(Exception):
    """A change the server's rules refuse (not a conflict of values)."""


def _answer(change: dict, outcome: str, **more: Any) -> dict[str, Any]:
    return {"change_id": change["change_id"], "outcome": outcome, **more}


def _code(session: Session, model: Any, row_id: Any) -> str | None:
    return None if row_id is None else session.exec(select(model.code).where(model.id == row_id)).first()


def _write_party(session: Session, actor: Actor, row_id: int, field: str, value: Any) -> None:
    if field == "category_id":
        field, value = "category", _code(session, ClientCategory, value)
    customers.update_party(session=session, actor=actor, party_id=row_id, values={field: value},
                           expected_version=None, source="sync")


def _write_contact_person(session: Session, actor: Actor, row_id: int, field: str, value: Any) -> None:
    require(actor, Permission.CUSTOMERS_WRITE)
    columns = table_of(ContactPerson).c
    session.execute(update(ContactPerson).where(columns.id == row_id)
                    .values({field: value, "version": columns.version + 1, "updated_at": utcnow(),
                             "updated_by": actor.login}))


def _write_inquiry(session: Session, actor: Actor, row_id: int, field: str, value: Any) -> None:
    if field == "priority_id":
        inquiry_actions.set_priority(session=session, actor=actor, inquiry_id=row_id,
                                     priority=_code(session, Priority, value) or "")
        return
    require(actor, Permission.INQUIRIES_WRITE)
    inquiry = inquiry_actions.load(session, row_id)
    if inquiry.assignee_id not in (None, actor.id) and not actor.can(Permission.INQUIRIES_SUPERVISE):
        raise PermissionDenied(_("inquiry {n} is assigned to someone else").format(n=row_id))
    inquiry_actions.write(session, actor, inquiry, {field: value})


WRITERS = {"party": _write_party, "contact_person": _write_contact_person, "inquiry": _write_inquiry}


def _apply_value(session: Session, actor: Actor, change: dict) -> dict[str, Any]:
    """An inquiry's attribute value, through the service that checks the step lets the user edit it."""
    code = change["field"].removeprefix(VALUE)
    if session.get(Inquiry, change["row_id"]) is None:
        raise _Refused(_("{table} {id} is not on the server").format(table="inquiry", id=change["row_id"]))
    theirs = inquiry_values(session, change["row_id"]).get(code)
    if theirs == change["new"]:
        return _answer(change, "same", theirs=theirs)
    if theirs != change["old"]:
        return _answer(change, "conflict", theirs=theirs)
    inquiry_moves.update_values(session=session, actor=actor, inquiry_id=change["row_id"],
                                values={code: change["new"]}, expected_version=None)
    return _answer(change, "applied", theirs=change["new"])


def _apply_field(session: Session, actor: Actor, change: dict) -> dict[str, Any]:
    if change["table"] == "inquiry" and str(change["field"]).startswith(VALUE):
        return _apply_value(session, actor, change)
    model, field = TABLES.get(change["table"]), change["field"]
    if model is None or field not in table_of(model).c:
        raise _Refused(_("'{field}' of '{table}' is not synchronised").format(field=field, table=change["table"]))
    row = session.get(model, change["row_id"], populate_existing=True)
    if row is None:
        raise _Refused(_("{table} {id} is not on the server").format(table=change["table"], id=change["row_id"]))
    theirs = jsonable(getattr(row, field))
    if theirs == change["new"]:
        return _answer(change, "same", theirs=theirs)
    if theirs != change["old"]:
        return _answer(change, "conflict", theirs=theirs)
    WRITERS[change["table"]](session, actor, change["row_id"], field, change["new"])
    return _answer(change, "applied", theirs=change["new"])


def _apply_comment(session: Session, actor: Actor, change: dict) -> dict[str, Any]:
    note = change.get("new") or {}
    inquiries.comment(session=session, actor=actor, inquiry_id=int(note.get("inquiry") or 0),
                      text=str(note.get("text") or ""), public=bool(note.get("public")))
    return _answer(change, "applied")


def _route_action(session: Session, actor: Actor, change: dict) -> dict[str, Any]:
    """Through the inquiry action services, which check state, role, queue and guard again."""
    name, inquiry_id, detail = change["field"], change["row_id"], change.get("new") or {}
    inquiry = session.get(Inquiry, inquiry_id, populate_existing=True)
    if inquiry is None:
        raise _Refused(_("{table} {id} is not on the server").format(table="inquiry", id=inquiry_id))
    if name in _ALREADY and inquiry.state == _ALREADY[name] and inquiry.assignee_id == actor.id:
        return _answer(change, "same", theirs=inquiry.state)
    moved = ROUTE_ACTIONS[name](session=session, actor=actor, inquiry_id=inquiry_id, detail=detail)
    return _answer(change, "applied", theirs=moved.state)


def _text(detail: dict) -> str:
    return str(detail.get("text") or "")


_ALREADY = {"take": "taken", "start": "in_progress"}  # done already by the user (on the server, say)
ROUTE_ACTIONS: dict[str, Callable[..., inquiry_actions.Moved]] = {
    "take": lambda detail, **call: inquiry_actions.take(**call),
    "start": lambda detail, **call: inquiry_actions.start(**call),
    "return": lambda detail, **call: inquiry_actions.return_to_queue(**call, text=_text(detail)),
    "move": lambda detail, **call: inquiry_actions.move(**call, transition=str(detail.get("transition") or ""),
                                                        text=_text(detail)),
    "assign": lambda detail, **call: inquiry_actions.assign(**call, login=str(detail.get("to") or ""),
                                                            text=_text(detail)),
    "transfer": lambda detail, **call: inquiry_actions.transfer(**call, queue=str(detail.get("to") or ""),
                                                                text=_text(detail)),
    "reopen": lambda detail, **call: inquiry_actions.reopen(**call, text=_text(detail)),
    "cancel": lambda detail, **call: inquiry_actions.cancel(**call, text=_text(detail) or _("cancelled offline")),
}


def _apply_action(session: Session, actor: Actor, change: dict) -> dict[str, Any]:
    if change["field"] == "comment" and change["table"] in (COMMENTS, "inquiry"):
        return _apply_comment(session, actor, change)
    if change["table"] == "inquiry" and change["field"] in ROUTE_ACTIONS:
        return _route_action(session, actor, change)
    if change["table"] != "inquiry" or change["field"] != "close":
        raise _Refused(_("unknown action '{name}'").format(name=change["field"]))
    inquiry = session.get(Inquiry, change["row_id"], populate_existing=True)
    if inquiry is not None and inquiry.state == "closed":
        return _answer(change, "same", theirs="closed")
    resolution = (change.get("new") or {}).get("resolution") or _("closed offline")
    moved = inquiry_actions.close(session=session, actor=actor, inquiry_id=change["row_id"], resolution=resolution)
    return _answer(change, "applied", theirs=moved.state)


def _apply_create(session: Session, actor: Actor, change: dict) -> dict[str, Any]:
    if change["table"] == "party":
        party = customers.create_party(session=session, actor=actor, values=dict(change.get("new") or {}),
                                       source="sync")
        return _answer(change, "applied", server_id=party.id, version=party.version)
    if change["table"] != "contact":
        raise _Refused(_("'{table}' is not created by a sync").format(table=change["table"]))
    draft = ContactDraft.model_validate(change["new"])
    made = registration.register(session=session, actor=actor, draft=draft)
    return _answer(change, "applied", server_id=made.contact_id, inquiry_ids=made.inquiry_ids)


APPLIERS = {"update": _apply_field, "action": _apply_action, "create": _apply_create}


def _apply_one(session: Session, actor: Actor, change: dict) -> dict[str, Any]:
    applier = APPLIERS.get(change.get("op", ""))
    try:
        with session.begin_nested():
            if applier is None:
                raise _Refused(_("unknown change '{op}'").format(op=change.get("op")))
            return applier(session, actor, change)
    except (CrmError, _Refused) as error:
        return _answer(change, "refused", message=str(error))
    except (ValueError, TypeError) as error:  # a value of the wrong shape from the client (pydantic's too)
        return _answer(change, "refused", message=one_line(str(error)))


def push(*, session: Session, actor: Actor, changes: list[dict]) -> list[dict[str, Any]]:
    """The answer to each change, in order (a change id seen before: its recorded answer)."""
    require(actor, Permission.SYNC_USE)
    if len(changes) > MAX_BATCH:
        raise ValidationError("changes", _("at most {n} changes in one push").format(n=MAX_BATCH))
    answers = []
    for change in changes:
        seen = session.get(SyncChange, change["change_id"])
        if seen is not None:
            answers.append(seen.answer)
            continue
        answer = _apply_one(session, actor, change)
        session.add(SyncChange(change_id=change["change_id"], login=actor.login, answer=answer))
        session.flush()
        answers.append(answer)
    return answers

