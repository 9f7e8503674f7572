"""The inquiries behind a report row. Every report fills `ReportTable.drill[i]` with a DrillKey as a plain
dict (JSON-safe, so a screen can keep it or a script can pass it back); `drill_down` turns it into the same
conditions the report counted with and reads one keyset page of inquiries, oldest first (created_at, id).

A key describes the same inquiries the row counted: for the operators report, the ones behind any of the
operator's figures (registered, taken, closed, overdue); for the SLA report, those with a deadline; for the
repeats report, the customer's inquiries on the topic from `days` before the period to its end."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from pydantic import Field as Default
from sqlalchemy import Select, exists, select, tuple_, union
from sqlalchemy.orm import Mapped
from sqlmodel import Session, col

from crmterm.errors import ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports.reports_categories import category_now, category_then
from crmterm.services.reports.reports_scope import (
    ReportFilters,
    ReportParams,
    Scope,
    inquiry_conditions,
    resolve,
    saved_filter_conditions,
)
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import NO_DEADLINE, Contact, Inquiry, InquiryEvent, Party, Queue, Topic, User, utcnow
from crmterm.workflow.engine import OPEN, State

PAGE = 50
WORK_KINDS = ("created", "taken", "closed")  # what the operators report counts as an operator's work
_WHERE: dict[str, Mapped[Any]] = {
    "topic_id": col(Inquiry.topic_id), "queue_id": col(Inquiry.queue_id), "step": col(Inquiry.step),
    "priority_id": col(Inquiry.priority_id), "party_id": col(Inquiry.party_id), "state": col(Inquiry.state),
    "assignee_id": col(Inquiry.assignee_id)}

_COMPUTED = {"category": category_now, "category_then": category_then}  # the custom report's category groups


class DrillKey(BaseModel):
    model_config = ConfigDict(extra="forbid")
    report: str
    start: datetime
    end: datetime
    filters: ReportFilters = ReportFilters()
    # equality on the inquiry's columns (_WHERE), and operator_id: the operator of its registering contact
    where: dict[str, int | str | None] = Default(default_factory=dict)
    deadline: bool = False  # only inquiries with a deadline that were not cancelled (the SLA report)
    worked_by: str | None = None  # login: registered, taken or closed by them, or overdue with them
    saved: InquiryFilter | None = None  # the custom report's saved filter
    now: datetime | None = None  # the moment "overdue" was judged at


class DrillRow(BaseModel):
    id: int
    created_at: datetime
    topic: str
    customer: str | None
    state: str
    queue: str | None
    step: str | None
    assignee: str | None
    due_at: datetime | None  # None: no deadline
    closed_at: datetime | None


class DrillPage(BaseModel):
    rows: list[DrillRow]
    cursor: list | None  # [created_at, id] to pass back as `after`; None: this was the last page


def drill_key(report: str, scope: Scope, **parts: Any) -> dict[str, Any]:
    """The JSON-safe dict a report stores for one row."""
    key = DrillKey(report=report, start=scope.start, end=scope.end, filters=scope.filters, **parts)
    return key.model_dump(mode="json", exclude_defaults=True) | {"report": report}


def drill_down(*, session: Session, actor: Actor, report_row_key: dict[str, Any], after: list | None = None,
               limit: int = PAGE) -> DrillPage:
    """One page of the inquiries behind a report row, oldest first, after the cursor `after` of the page
    before (keyset on created_at, id: the period index is read in order, whatever the period's size)."""
    require(actor, Permission.REPORTS_READ)
    try:
        key = DrillKey.model_validate(report_row_key)
    except ValueError as error:
        raise ValidationError("drill", _("not a report row key: {error}").format(error=error)) from None
    unknown = set(key.where) - set(_WHERE) - set(_COMPUTED) - {"operator_id"}
    if unknown:
        raise ValidationError("drill", _("cannot drill by {keys}").format(keys=", ".join(sorted(unknown))))
    scope = resolve(session, ReportParams(start=key.start, end=key.end, filters=key.filters))
    # the page's ids first (one index walk, nothing joined), then the rows shown for just those ids
    query = select(col(Inquiry.id)).select_from(Inquiry)
    if key.worked_by is not None:  # a small set of ids first, then their rows: no walk over every inquiry
        ids = _worked_by(key.worked_by, scope, key.now or utcnow())
        query = query.join(ids, ids.c.id == Inquiry.id)
    query = query.where(*_conditions(session, actor, key, scope))
    if after is not None:
        query = query.where(tuple_(Inquiry.created_at, Inquiry.id) > tuple_(*_typed(after)))
    found = session.execute(query.order_by(col(Inquiry.created_at), col(Inquiry.id)).limit(limit + 1)).scalars().all()
    page = drill_rows(session, list(found[:limit]))
    more = len(found) > limit
    return DrillPage(rows=page, cursor=[page[-1].created_at.isoformat(), page[-1].id] if more else None)


def drill_rows(session: Session, ids: list[int]) -> list[DrillRow]:
    """The rows shown for these inquiries, oldest first (also the quality-of-service breaches, reports_qos)."""
    rows = session.execute(_ROW.where(col(Inquiry.id).in_(ids)).order_by(col(Inquiry.created_at), col(Inquiry.id)))
    return [_row(r) for r in rows]


def _typed(after: list) -> tuple[datetime, int]:
    try:
        at, inquiry_id = datetime.fromisoformat(after[0]), int(after[1])
    except (ValueError, TypeError, IndexError):
        raise ValidationError("after", _("not a page cursor")) from None
    if at.utcoffset() is None:
        raise ValidationError("after", _("not a page cursor"))
    return at, inquiry_id


def _conditions(session: Session, actor: Actor, key: DrillKey, scope: Scope) -> list:
    conditions = inquiry_conditions(scope, period=key.worked_by is None)  # an operator's work: by event time
    for name, value in key.where.items():
        column = col(Contact.operator_id) if name == "operator_id" else (
            _COMPUTED[name]() if name in _COMPUTED else _WHERE[name])
        condition = column.is_(None) if value is None else column == value
        conditions.append(exists().where(col(Contact.id) == col(Inquiry.contact_id), condition)
                          if name == "operator_id" else condition)
    if key.deadline:
        conditions += [col(Inquiry.due_at) != NO_DEADLINE, col(Inquiry.state) != State.CANCELLED]
    if key.saved is not None:
        conditions += saved_filter_conditions(session, actor.login, key.saved, key.now or utcnow())
    return conditions


def _worked_by(login: str, scope: Scope, now: datetime):
    """The ids the operators report counts for one operator: inquiries they registered, took or closed in
    the period, and the open ones assigned to them whose deadline passed in the period."""
    events: Select[int] = select(col(InquiryEvent.inquiry_id).label("id")).where(
        col(InquiryEvent.kind).in_(WORK_KINDS), col(InquiryEvent.at) >= scope.start, col(InquiryEvent.at) < scope.end,
        col(InquiryEvent.actor) == login)
    overdue = select(col(Inquiry.id)).where(
        col(Inquiry.assignee_id) == select(col(User.id)).where(col(User.login) == login).scalar_subquery(),
        col(Inquiry.state).in_(sorted(OPEN)), col(Inquiry.due_at) >= scope.start,
        col(Inquiry.due_at) < min(now, scope.end))
    return union(events, overdue).subquery("worked")


_ROW = (select(col(Inquiry.id), col(Inquiry.created_at), col(Topic.code), col(Topic.labels), col(Party.display_name),
               col(Inquiry.state), col(Queue.code), col(Inquiry.step), col(User.login), col(Inquiry.due_at),
               col(Inquiry.closed_at))
        .select_from(Inquiry).join(Topic, col(Topic.id) == Inquiry.topic_id)
        .outerjoin(Party, col(Party.id) == Inquiry.party_id).outerjoin(Queue, col(Queue.id) == Inquiry.queue_id)
        .outerjoin(User, col(User.id) == Inquiry.assignee_id))


def _row(r) -> DrillRow:
    return DrillRow(id=r[0], created_at=r[1], topic=pick(r[3], r[2]), customer=r[4], state=r[5], queue=r[6],
                    step=r[7], assignee=r[8], due_at=None if r[9] >= NO_DEADLINE else r[9], closed_at=r[10])
