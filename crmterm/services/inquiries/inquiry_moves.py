"""What the inquiry screen offers: the moves the actor may make now (transitions whose guard passes among
them), which attributes the current step shows and lets edit, and saving edited values under a version
check. Group operations on a selection, applied all or nothing with a result per row."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import CrmError, PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import can_supervise, can_work
from crmterm.services.inquiries import inquiry_actions, inquiry_log, write_rules
from crmterm.services.inquiries.inquiry_values import store_value
from crmterm.services.routing import automation, routing
from crmterm.services.topics.attribute_forms import effective_attributes
from crmterm.services.topics.attribute_values import AMOUNT, BadValue, is_empty, parse, to_cel, to_text
from crmterm.store import AttributeDef, InquiryValue, Queue, Topic
from crmterm.store.tables import saved_id
from crmterm.workflow import engine
from crmterm.workflow.engine import ALLOWED, MOVE_LABELS, Move, State


class MoveOption(BaseModel):
    move: str  # a Move value
    transition: str | None = None  # for "move": the transition's code
    label: str
    closes: bool = False


class StepView(BaseModel):
    step: str | None
    show: list[str] | None  # attribute codes shown; None: all
    edit: list[str]  # attribute codes the actor may edit now


def available(*, session: Session, actor: Actor, inquiry_id: int) -> list[MoveOption]:
    require(actor, Permission.INQUIRIES_READ)
    inquiry = inquiry_actions.load(session, inquiry_id, lock=False)
    state = State(inquiry.state)
    queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
    supervisor = can_supervise(actor, queue)
    mine = inquiry.assignee_id is not None and inquiry.assignee_id == actor.id
    options: list[MoveOption] = []
    if not actor.can(Permission.INQUIRIES_WRITE):
        return options
    if Move.TAKE in ALLOWED[state] and can_work(session, actor, queue) and actor.id is not None:
        options.append(MoveOption(move=Move.TAKE, label=_(MOVE_LABELS[Move.TAKE])))
    if state in engine.ASSIGNED and (mine or supervisor):
        if state == State.TAKEN:
            options.append(MoveOption(move=Move.START, label=_(MOVE_LABELS[Move.START])))
        options += _transitions(session, actor, inquiry)
        options.append(MoveOption(move=Move.RETURN, label=_(MOVE_LABELS[Move.RETURN])))
    if Move.CLOSE in ALLOWED[state] and (supervisor or (mine and inquiry.route_revision_id is None)):
        options.append(MoveOption(move=Move.CLOSE, label=_(MOVE_LABELS[Move.CLOSE]), closes=True))
    if supervisor:
        options += [MoveOption(move=m, label=_(MOVE_LABELS[m])) for m in (Move.ASSIGN, Move.TRANSFER, Move.REOPEN,
                                                                          Move.CANCEL) if m in ALLOWED[state]]
    return options


def _transitions(session: Session, actor: Actor, inquiry) -> list[MoveOption]:
    if inquiry.route_revision_id is None:
        return []
    route = routing.revision(session, inquiry.route_revision_id).definition
    context = routing.context_of(session, inquiry, actor)
    return [MoveOption(move=Move.MOVE, transition=t.code, label=t.label(), closes=route.known_step(t.target).final)
            for t in engine.passing(route, inquiry.step, context)]


def step_view(*, session: Session, actor: Actor, inquiry_id: int) -> StepView:
    require(actor, Permission.INQUIRIES_READ)
    inquiry = inquiry_actions.load(session, inquiry_id, lock=False)
    if inquiry.route_revision_id is None:
        return StepView(step=None, show=None, edit=[])
    step = routing.revision(session, inquiry.route_revision_id).definition.step(inquiry.step)
    if step is None:
        return StepView(step=inquiry.step, show=None, edit=[])
    mine = inquiry.assignee_id is not None and inquiry.assignee_id == actor.id
    editable = inquiry.state in engine.ASSIGNED and (
        mine or can_supervise(actor, session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None))
    edit = (["*"] if "*" in step.edit else list(step.edit)) if editable else []
    return StepView(step=inquiry.step, show=step.show, edit=edit)


def update_values(*, session: Session, actor: Actor, inquiry_id: int, values: dict[str, Any],
                  expected_version: int | None) -> inquiry_actions.Moved:
    """Only what the current step lets edit; each value typed like at registration; logged before/after."""
    require(actor, Permission.INQUIRIES_WRITE)  # step_view checks reading only: an auditor must not edit
    view = step_view(session=session, actor=actor, inquiry_id=inquiry_id)
    inquiry = inquiry_actions.load(session, inquiry_id)
    inquiry_actions.saw(inquiry, expected_version)
    queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
    if inquiry.assignee_id not in (None, actor.id) and not can_supervise(actor, queue):
        raise PermissionDenied(_("inquiry {n} is assigned to someone else").format(n=inquiry.id))
    defs = {d.code: d for d in session.exec(select(AttributeDef).where(col(AttributeDef.code).in_(list(values))))}
    changes: dict[str, list] = {}
    form, flags = _form_and_flags(session, actor, inquiry, values) if values else (None, {})
    for code, raw in values.items():
        if code not in defs or not ("*" in view.edit or code in view.edit):
            raise ValidationError(code, _("not editable in this step"))
        write_rules.check_step_edit(form, flags, view.show, code)
        try:
            text = None if is_empty(raw) else to_text(parse(defs[code].type, raw, pattern=defs[code].pattern,
                                                            max_length=defs[code].max_length, decimals=AMOUNT))
        except BadValue as error:
            raise ValidationError(code, str(error)) from None
        row = session.get(InquiryValue, (inquiry_id, defs[code].id))
        before = row.value if row else None
        if before == text:
            continue
        changes[code] = [before, text]
        store_value(session, inquiry_id, saved_id(defs[code]), text)
    if changes:
        inquiry_actions.write(session, actor, inquiry, {})
        inquiry_log.record(session, inquiry_id, actor, "values_changed", data=changes)
        automation.fire(session, actor, inquiry_id, "attribute_changed", {"changes": changes})
    return inquiry_actions.moved(session, inquiry_id)


def _form_and_flags(session: Session, actor: Actor, inquiry, values: dict[str, Any]) -> tuple:
    """The inquiry's attribute form and its flags over the stored values with the edited ones (the inquiry
    screen evaluates them over what is typed: ticking a box may show the field typed in the same save)."""
    topic = session.exec(select(Topic.code).where(Topic.id == inquiry.topic_id)).one()
    form = effective_attributes(session=session, actor=actor, topic=topic)
    context = routing.context_of(session, inquiry, actor)
    attrs = context["inquiry"]["attrs"]
    for code, raw in values.items():
        field = form.field(code)
        try:
            typed = parse(field.type, raw, pattern=field.pattern, max_length=field.max_length, decimals=AMOUNT) \
                if field else None
        except BadValue:
            continue  # refused below with its message
        attrs.pop(code, None)
        if typed is not None:
            attrs[code] = to_cel(typed)
    return form, form.flags(context)


class RowResult(BaseModel):
    id: int
    ok: bool
    message: str = ""


class BulkFailed(CrmError):
    """Some rows could not be changed: nothing was; `results` says which and why."""

    def __init__(self, results: list[RowResult]) -> None:
        failed = [r for r in results if not r.ok]
        super().__init__(_("{n} of {total} inquiries could not be changed, so none was: #{id}: {msg}").format(
            n=len(failed), total=len(results), id=failed[0].id, msg=failed[0].message))
        self.results = results


BULK: dict[str, Callable[..., inquiry_actions.Moved]] = {
    "assign": inquiry_actions.assign, "transfer": inquiry_actions.transfer, "close": inquiry_actions.close,
    "deadline": inquiry_actions.set_deadline, "priority": inquiry_actions.set_priority}


def bulk(*, session: Session, actor: Actor, operation: str, ids: list[int], **params: Any) -> list[RowResult]:
    """One operation on every selected inquiry, each in a savepoint; if any row fails, every row is
    undone (the caller rolls back on the raised BulkFailed) and the results name each row's outcome."""
    require(actor, Permission.INQUIRIES_WRITE)  # each row's action checks the rest
    if operation not in BULK:
        raise ValidationError("operation", _("one of: {choices}").format(choices=", ".join(BULK)))
    results = []
    for inquiry_id in ids:
        try:
            with session.begin_nested():
                BULK[operation](session=session, actor=actor, inquiry_id=inquiry_id, **params)
            results.append(RowResult(id=inquiry_id, ok=True))
        except CrmError as error:
            results.append(RowResult(id=inquiry_id, ok=False, message=str(error)))
    if not all(r.ok for r in results):
        raise BulkFailed(results)
    audit.record(session, actor, "bulk", "inquiry", operation, source="tui",
                 after={"ids": list(ids), "params": {k: _plain(v) for k, v in params.items()}})
    return results


def _plain(value: Any) -> Any:
    """A bulk parameter as the audit log's JSON keeps it (deadlines as ISO text)."""
    return value if value is None or isinstance(value, bool | int | float | str) else str(value)
