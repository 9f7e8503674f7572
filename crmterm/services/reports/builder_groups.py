"""What the report builder groups by: each grouping is an SQL value per inquiry (grouped in the database), how
its values are shown and in which order. A grouping is named by a short text, so the CLI, the TUI and saved
definitions say the same:

- `topic` the inquiry's topic; `topic:N` its ancestor at level N of the tree (1 = the top groups; a topic
  higher up than N stands for itself);
- `queue` (where the inquiry is now), `assignee`, and of the contact that registered it `operator`, `place`,
  `channel`, `category` (the contact's client category, else its customer's, as the report filters mean it);
- `day`, `week` (starting on Monday), `month` of creation, in the time zone the period was given in;
- `attr:CODE` the value of a topic attribute (a dictionary item's label for dictionary attributes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import String, case, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import N_, _, pick
from crmterm.services.reports.report_table import ColumnKind
from crmterm.services.reports.reports_scope import topic_names
from crmterm.services.reports.reports_sql import local_day
from crmterm.store import (
    AttributeDef,
    Channel,
    ClientCategory,
    Contact,
    DictionaryItem,
    Inquiry,
    InquiryValue,
    Party,
    Place,
    Queue,
    Topic,
    User,
)

NONE_SHOWN = "—"
MAX_LEVEL = 9
CUSTOMER = aliased(Party, name="builder_customer")  # the contact's customer, for the category fallback


class local_week(FunctionElement):  # noqa: N801 - used like a SQL function
    """The Monday of a UTC timestamp's week, shifted by a fixed offset in minutes, as 'YYYY-MM-DD' text."""

    type = String()
    inherit_cache = True
    name = "local_week"


@compiles(local_week)
def _week_postgresql(element, compiler, **kw):
    column, minutes = (compiler.process(arg, **kw) for arg in element.clauses)
    return (f"to_char(date_trunc('week', ({column}) AT TIME ZONE 'UTC' + ({minutes}) * INTERVAL '1 minute'), "
            "'YYYY-MM-DD')")


@compiles(local_week, "sqlite")
def _week_sqlite(element, compiler, **kw):
    # 'weekday 0' moves to the coming Sunday (a Sunday stays), six days back is that week's Monday
    column, minutes = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({column}, ({minutes}) || ' minutes', 'weekday 0', '-6 days')"


@dataclass(frozen=True)
class Grouping:
    key: str  # as named: "queue", "topic:2", "attr:tariff"
    label: str  # translated
    value: Any  # SQL expression over Inquiry (and Contact / the customer when `joins` say so)
    names: dict[Any, tuple] = field(default_factory=dict)  # value -> (sort key, shown)
    kind: ColumnKind = ColumnKind.TEXT
    joins: tuple[str, ...] = ()  # "contact", "customer"
    # how a row's inquiries are found again (report_builder's drill-down): ("where", DrillKey.where key),
    # ("filter", report filter key; `codes` turns the value into its code), ("period", day|week|month); None: no way
    drill: tuple[str, str] | None = None
    codes: dict[Any, str] = field(default_factory=dict)

    def shown(self, value) -> Any:
        if value is None:
            return NONE_SHOWN
        if self.kind == ColumnKind.DATE:
            return date.fromisoformat(value)
        return self.names.get(value, (None, str(value)))[1]

    def order(self, value) -> tuple:
        if value is None:  # "no queue", "nobody": last
            return (1, ())
        return (0, self.names.get(value, ((), str(value)))[0], str(value))


def _labelled(session: Session, model) -> dict[Any, tuple]:
    return {r.id: ((r.sort_order, pick(r.labels, r.code)), pick(r.labels, r.code))
            for r in session.execute(select(model)).scalars()}


def _users(session: Session) -> dict[Any, tuple]:
    return {u.id: ((), u.display_name or u.login) for u in session.execute(select(User)).scalars()}


def _codes(session: Session, model) -> dict[Any, str]:
    return {row.id: row.code for row in session.execute(select(model.id, model.code))}


def _of_contact(model, column_of: Callable[[], Any], filter_key: str) -> Callable:
    def build(session: Session, key: str, label: str, offset: int) -> Grouping:
        return Grouping(key, label, column_of(), _labelled(session, model), joins=("contact",),
                        drill=("filter", filter_key), codes=_codes(session, model))
    return build


def _plain(column_of: Callable[[], Any], names: Callable[[Session], dict], where: str,
           joins: tuple[str, ...] = ()) -> Callable:
    def build(session: Session, key: str, label: str, offset: int) -> Grouping:
        return Grouping(key, label, column_of(), names(session), joins=joins, drill=("where", where))
    return build


def _period(function: Callable[[Any, int], Any], kind: ColumnKind) -> Callable:
    def build(session: Session, key: str, label: str, offset: int) -> Grouping:
        return Grouping(key, label, function(Inquiry.created_at, offset), kind=kind, drill=("period", key))
    return build


def _category(session: Session, key: str, label: str, offset: int) -> Grouping:
    value = func.coalesce(Contact.client_category_id, CUSTOMER.category_id)
    return Grouping(key, label, value, _labelled(session, ClientCategory), joins=("contact", "customer"),
                    drill=("filter", "category"), codes=_codes(session, ClientCategory))


def _month(column, offset: int):
    return func.substr(local_day(column, offset), 1, 7)


SIMPLE: dict[str, tuple[str, Callable]] = {  # name -> (label for _(), builder)
    "topic": (N_("Topic"), lambda s, k, label, o: _topic(s, k, label, None)),
    "queue": (N_("Queue"), _plain(lambda: Inquiry.queue_id, lambda s: _labelled(s, Queue), "queue_id")),
    "assignee": (N_("Assignee"), _plain(lambda: Inquiry.assignee_id, _users, "assignee_id")),
    "operator": (N_("Operator"), _plain(lambda: Contact.operator_id, _users, "operator_id", ("contact",))),
    "place": (N_("Place"), _of_contact(Place, lambda: Contact.place_id, "place")),
    "channel": (N_("Channel"), _of_contact(Channel, lambda: Contact.channel_id, "channel")),
    "category": (N_("Client category"), _category),
    "day": (N_("Day"), _period(local_day, ColumnKind.DATE)),
    "week": (N_("Week"), _period(local_week, ColumnKind.DATE)),
    "month": (N_("Month"), _period(_month, ColumnKind.TEXT)),
}
KNOWN = (*SIMPLE, "topic:N", "attr:CODE")


def grouping(session: Session, key: str, offset_minutes: int) -> Grouping:
    """The grouping named `key` (see the module's docstring); ValidationError for an unknown one."""
    name, _sep, argument = key.partition(":")
    if name == "topic" and argument:
        if not argument.isdecimal() or not 1 <= int(argument) <= MAX_LEVEL:
            raise ValidationError("group", _("a topic level from 1 to {n}, as in topic:2").format(n=MAX_LEVEL))
        return _topic(session, key, _("Topic, level {n}").format(n=int(argument)), int(argument))
    if name == "attr" and argument:
        return _attribute(session, key, argument)
    if name not in SIMPLE or argument:
        raise ValidationError("group", _("unknown grouping '{key}'; known: {choices}").format(
            key=key, choices=", ".join(KNOWN)))
    label, build = SIMPLE[name]
    return build(session, key, _(label), offset_minutes)


def _topic(session: Session, key: str, label: str, level: int | None) -> Grouping:
    named = topic_names(session)  # id -> (code, "Group › Topic", tree order)
    names = {topic_id: (order, shown) for topic_id, (_code, shown, order) in named.items()}
    if level is None:
        return Grouping(key, label, Inquiry.topic_id, names, drill=("where", "topic_id"))
    parents = {row.id: row.parent_id for row in session.execute(select(col(Topic.id), col(Topic.parent_id)))}
    at_level = {topic_id: _ancestor(parents, topic_id, level) for topic_id in parents}
    moved = {topic_id: ancestor for topic_id, ancestor in at_level.items() if ancestor != topic_id}
    # the tree is configuration (small): one CASE maps each topic to its ancestor inside the grouped query
    value = case(moved, value=Inquiry.topic_id, else_=Inquiry.topic_id) if moved else Inquiry.topic_id
    return Grouping(key, label, value, names, drill=("filter", "topic"), codes=_codes(session, Topic))


def _ancestor(parents: dict[int, int | None], topic_id: int, level: int) -> int:
    chain = [topic_id]
    while (parent := parents.get(chain[-1])) is not None and len(chain) <= 32:  # the bound guards a cycle
        chain.append(parent)
    chain.reverse()  # root first
    return chain[level - 1] if len(chain) >= level else topic_id


def _attribute(session: Session, key: str, code: str) -> Grouping:
    attribute = session.execute(select(AttributeDef).where(col(AttributeDef.code) == code)).scalars().first()
    if attribute is None:
        raise NotFound(_("Attribute"), code)
    value = (select(col(InquiryValue.value)).where(col(InquiryValue.inquiry_id) == Inquiry.id,
                                                   col(InquiryValue.attribute_id) == attribute.id)
             .scalar_subquery())
    names: dict[Any, tuple] = {}
    if attribute.dictionary_id is not None:
        items = session.execute(select(DictionaryItem).where(
            col(DictionaryItem.dictionary_id) == attribute.dictionary_id)).scalars()
        names = {i.code: ((i.sort_order, pick(i.labels, i.code)), pick(i.labels, i.code)) for i in items}
    return Grouping(key, pick(attribute.labels, attribute.code), value, names)


def joined(query, groupings: list[Grouping]):
    """The query with the contact (and its customer) joined when a grouping reads them."""
    needs = {need for g in groupings for need in g.joins}
    if "contact" in needs:
        query = query.join(Contact, col(Contact.id) == Inquiry.contact_id)
    if "customer" in needs:
        query = query.outerjoin(CUSTOMER, col(CUSTOMER.id) == Contact.party_id)
    return query
