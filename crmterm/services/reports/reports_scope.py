"""What every report is computed over: a period [start, end) of inquiry creation (of contact time, for
contacts) and optional filters given by code, resolved once into ids, and the SQL conditions they put on
inquiries and contacts.

Filter meanings: `topic` is a topic or a group with its whole subtree; `queue` is the queue an inquiry is in
now; `place`, `channel` and `operator` are those of the contact that registered the inquiry (the operator is
the one who registered it); `category` is that contact's client category, else the customer's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict, model_validator
from sqlalchemy import Integer, and_, exists, or_, select, text
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement, Select
from sqlmodel import Session, col

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import N_, _, fmt_date, fmt_datetime, pick
from crmterm.services.routing.filter_sql import extra_conditions
from crmterm.services.routing.inquiry_filter import InquiryFilter, check_periods
from crmterm.services.topics.topic_checks import with_descendants
from crmterm.store import Channel, ClientCategory, Contact, Inquiry, Party, Place, Priority, Queue, Topic, User
from crmterm.workflow.engine import ASSIGNED, OPEN

FILTER_LABELS = {"place": N_("Place"), "channel": N_("Channel"), "topic": N_("Topic"), "queue": N_("Queue"),
                 "operator": N_("Operator"), "category": N_("Client category")}
FILTER_KEYS = tuple(FILTER_LABELS)
_CONTACT_LEVEL = ("place", "channel", "operator", "category")


class ReportFilters(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    place: str | None = None
    channel: str | None = None
    topic: str | None = None
    queue: str | None = None
    operator: str | None = None  # login
    category: str | None = None


class ReportParams(BaseModel):
    """The period is [start, end): start included, end not. Both must carry a time zone."""

    model_config = ConfigDict(frozen=True)
    start: datetime
    end: datetime
    filters: ReportFilters = ReportFilters()

    @model_validator(mode="after")
    def _ordered(self) -> ReportParams:
        if self.start.utcoffset() is None or self.end.utcoffset() is None:
            raise ValueError("report periods need time zones")
        return self


def offset_minutes(moment: datetime) -> int:
    """The moment's UTC offset in whole minutes: the local day reports count in."""
    offset = moment.utcoffset()
    if offset is None:  # ReportParams refuses a period without a time zone, so only a caller's bug gets here
        raise ValueError("report periods need time zones")
    return int(offset.total_seconds() // 60)


def filters_from_pairs(pairs: list[str]) -> ReportFilters:
    """`key=value` strings as typed on the command line; an unknown or repeated key is an error."""
    found: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key, value = key.strip().lower().replace("-", "_"), value.strip()
        key = "category" if key == "client_category" else key
        if not sep or not value:
            raise ValidationError("filter", _("expected KEY=VALUE, got '{pair}'").format(pair=pair))
        if key not in FILTER_KEYS:
            raise ValidationError("filter", _("unknown filter '{key}'; known: {keys}").format(
                key=key, keys=", ".join(FILTER_KEYS)))
        if key in found:
            raise ValidationError("filter", _("filter '{key}' given twice").format(key=key))
        found[key] = value
    return ReportFilters(**found)


def check_period(start: datetime, end: datetime) -> None:
    if start >= end:
        raise ValidationError("to", _("the period ends before it starts ({start} – {end})").format(
            start=fmt_datetime(start), end=fmt_datetime(end)))


@dataclass(frozen=True)
class Scope:
    """ReportParams with every code resolved to ids (NotFound for an unknown one) and a label to show."""

    start: datetime
    end: datetime
    filters: ReportFilters
    ids: dict[str, int] = field(default_factory=dict)  # place/channel/queue/operator/category -> id
    topic_ids: tuple[int, ...] | None = None
    shown: dict[str, str] = field(default_factory=dict)  # filter key -> label in the user's language

    @property
    def contact_level(self) -> bool:
        return any(key in self.ids for key in _CONTACT_LEVEL)

    def during(self, start: datetime, end: datetime) -> Scope:
        return Scope(start, end, self.filters, self.ids, self.topic_ids, self.shown)

    def without(self, key: str) -> Scope:
        """The same scope with one filter dropped."""
        ids = {k: v for k, v in self.ids.items() if k != key}
        topic_ids = None if key == "topic" else self.topic_ids
        return Scope(self.start, self.end, self.filters.model_copy(update={key: None}), ids, topic_ids,
                     {k: v for k, v in self.shown.items() if k != key})


_LOOKUPS = {"place": (Place, Place.code), "channel": (Channel, Channel.code), "queue": (Queue, Queue.code),
            "category": (ClientCategory, ClientCategory.code), "operator": (User, User.login)}


def resolve(session: Session, params: ReportParams) -> Scope:
    check_period(params.start, params.end)
    if session.get_bind().dialect.name == "postgresql":
        # a report's statements are large one-offs: JIT compiling them took longer (0.7 s) than running them,
        # and a month's sort (percentiles, grouping) spilled to disk at the default 4 MB of work memory
        session.execute(text("SET LOCAL jit = off"))
        session.execute(text("SET LOCAL work_mem = '64MB'"))
    ids, shown = {}, {}
    for key, (model, column) in _LOOKUPS.items():
        code = getattr(params.filters, key)
        if code is None:
            continue
        row = session.execute(select(model).where(column == code)).scalars().first()
        if row is None:
            raise NotFound(_(FILTER_LABELS[key]), code)
        ids[key] = row.id
        shown[key] = (row.display_name or row.login) if key == "operator" else pick(row.labels, row.code)
    topic_ids = None
    if params.filters.topic is not None:
        topic_ids, shown["topic"] = _subtree(session, params.filters.topic)
    return Scope(params.start, params.end, params.filters, ids, topic_ids, shown)


def _subtree(session: Session, code: str) -> tuple[tuple[int, ...], str]:
    """The topic and everything below it (the topic tree is configuration: small, read whole)."""
    rows = session.execute(select(col(Topic.id), col(Topic.parent_id), col(Topic.code), col(Topic.labels))).all()
    root = next((r for r in rows if r.code == code), None)
    if root is None:
        raise NotFound(_("Topic"), code)
    return tuple(sorted(with_descendants(rows, root.id))), pick(root.labels, root.code)


def contact_conditions(scope: Scope, contact=Contact) -> list[ColumnElement]:
    """Conditions on a contact (`contact` may be an alias) from the contact-level filters."""
    conditions = []
    for key, column in (("place", contact.place_id), ("channel", contact.channel_id),
                        ("operator", contact.operator_id)):
        if key in scope.ids:
            conditions.append(column == scope.ids[key])
    if "category" in scope.ids:  # the contact's category, else its customer's
        category = scope.ids["category"]
        # the customers of the category as one set (read once, hashed) rather than a lookup per contact
        customers = select(col(Party.id)).where(col(Party.category_id) == category)
        conditions.append(or_(contact.client_category_id == category,
                              and_(contact.client_category_id.is_(None), contact.party_id.in_(customers))))
    return conditions


def unindexed(column) -> ColumnElement:
    """The column as an expression no index serves (x + 0, x || ''). Reports read the period's range of the
    period index and filter inside it; offered an index on the filter's column (topic, queue, state), a
    planner without statistics would rather walk that value's whole history."""
    return column + 0 if isinstance(column.type, Integer) else column.concat("")


def inquiry_conditions(scope: Scope, *, period: bool = True) -> list[ColumnElement]:
    """Conditions on Inquiry; contact-level filters as an EXISTS on its contact, so no join is needed."""
    conditions: list[ColumnElement[bool]] = (
        [col(Inquiry.created_at) >= scope.start, col(Inquiry.created_at) < scope.end] if period else [])
    if scope.topic_ids is not None:
        conditions.append(unindexed(col(Inquiry.topic_id)).in_(scope.topic_ids))
    if "queue" in scope.ids:
        conditions.append(unindexed(col(Inquiry.queue_id)) == scope.ids["queue"])
    if scope.contact_level:  # an alias: a query that joins contacts itself must not capture this one
        contact = aliased(Contact)
        conditions.append(exists().where(and_(col(contact.id) == col(Inquiry.contact_id),
                                              *contact_conditions(scope, contact))))
    return conditions


def inquiries(scope: Scope, *columns) -> Select:
    """SELECT columns FROM inquiry WHERE the period and filters hold."""
    return select(*columns).select_from(Inquiry).where(*inquiry_conditions(scope))


def described(scope: Scope) -> dict[str, str]:
    """The period and the filters, as labels in the user's language, for the lines above the table."""
    shown = {_("Period"): period_text(scope.start, scope.end)}
    for key in FILTER_KEYS:
        if key in scope.shown:
            shown[_(FILTER_LABELS[key])] = scope.shown[key]
    return shown


def period_text(start: datetime, end: datetime) -> str:
    """Whole days as "1 Mar 2026 – 31 Mar 2026" (the last day included), otherwise the two moments."""
    local_start, local_end = start.astimezone(), end.astimezone()
    if local_start.time() == local_end.time() == datetime.min.time():
        return f"{fmt_date(local_start.date())} – {fmt_date((local_end - timedelta(days=1)).date())}"
    return f"{fmt_datetime(local_start)} – {fmt_datetime(local_end)}"


_SAVED_LABELS = {"queue": N_("Queue"), "priority": N_("Priority"), "topic": N_("Topic")}


def saved_filter_conditions(session: Session, actor_login: str, where: InquiryFilter,
                            now: datetime) -> list[ColumnElement]:
    """A saved queue filter (services/routing/queues.InquiryFilter) as conditions, with the meanings the Queues tab
    gives it: state groups open/assigned, assignee 'me', topic code (with subtopics: the subtree), overdue =
    deadline passed, and every further parameter as services/routing/filter_sql builds it."""
    check_periods(where)
    states = {"open": sorted(OPEN), "assigned": sorted(ASSIGNED)}.get(where.state, [where.state])
    conditions: list[ColumnElement[bool]] = [unindexed(Inquiry.state).in_(states)]
    for key, ident, column, target in (("queue", col(Queue.id), col(Queue.code), Inquiry.queue_id),
                                       ("priority", col(Priority.id), col(Priority.code), Inquiry.priority_id),
                                       ("topic", col(Topic.id), col(Topic.code), Inquiry.topic_id)):
        code = getattr(where, key)
        if code is not None and not (key == "topic" and where.subtopics):
            found = session.execute(select(ident).where(column == code)).scalars().first()
            if found is None:
                raise NotFound(_(_SAVED_LABELS[key]), code)
            conditions.append(unindexed(target) == found)
    if where.assignee:
        login = actor_login if where.assignee == "me" else where.assignee
        conditions.append(unindexed(col(Inquiry.assignee_id)) == select(col(User.id)).where(col(User.login) == login)
                          .scalar_subquery())
    if where.customer is not None:
        conditions.append(unindexed(col(Inquiry.party_id)) == where.customer)
    if where.overdue:
        conditions.append(col(Inquiry.due_at) < now)
    return conditions + extra_conditions(session, where, wrap=unindexed)


def topic_names(session: Session) -> dict[int, tuple[str, str, tuple]]:
    """topic id -> (code, "Group › Topic" in the user's language, a key that sorts in tree order)."""
    rows = {r.id: r for r in session.execute(select(col(Topic.id), col(Topic.parent_id), col(Topic.code),
                                                    col(Topic.labels), col(Topic.sort_order),
                                                    col(Topic.short_code))).all()}
    names = {}
    for topic_id, row in rows.items():
        chain, current = [row], rows.get(row.parent_id)
        while current is not None and len(chain) < 32:  # the depth bound guards against a cycle
            chain.append(current)
            current = rows.get(current.parent_id)
        chain.reverse()
        names[topic_id] = (row.code, " › ".join(pick(t.labels, t.code) for t in chain),
                           tuple((t.sort_order, t.short_code, t.code) for t in chain))
    return names


Progress = Callable[[int, int, str], None]


@dataclass
class Phases:
    """Honest progress: a report announces each SQL statement before it runs (done, total, what)."""

    progress: Progress | None
    total: int
    done: int = 0

    def step(self, label: str) -> None:
        if self.progress is not None:
            self.progress(self.done, self.total, label)
        self.done += 1

    def finish(self) -> None:
        if self.progress is not None:
            self.progress(self.total, self.total, "")
