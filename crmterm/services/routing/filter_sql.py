"""The parameters of an InquiryFilter beyond queue, state, assignee, priority, exact topic and customer, as SQL
conditions on the live inquiries or the archive (the same column names).

Codes are resolved to ids first (an unknown one is a ValidationError of its field, for the editor to show),
so every condition is on an indexed column or an EXISTS by primary key: the contact (channel, place) by its
id, an attribute value by (inquiry, attribute). A queue page still walks its queue's index in order and
checks these per row it reads; no row is loaded twice and nothing is counted."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Integer, Numeric, and_, case, cast, exists, literal, not_, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.routing.inquiry_filter import OPERATORS_BY_KIND, AttributeCondition, InquiryFilter
from crmterm.services.topics import attribute_values
from crmterm.services.topics.topic_checks import with_descendants
from crmterm.store import (
    NO_DEADLINE,
    AttributeDef,
    Channel,
    Contact,
    Inquiry,
    InquiryValue,
    Place,
    Structure,
    StructureLink,
    Topic,
)
from crmterm.store.tables import id_column, table_of

Wrap = Callable[[Any], Any]  # reports wrap id columns so the period index stays their plan (reports_scope.unindexed)
_NUMERIC = ("integer", "decimal")


def extra_conditions(session: Session, where: InquiryFilter, columns: Any = Inquiry, values: Any = None,
                     wrap: Wrap = lambda c: c) -> list[ColumnElement[bool]]:
    """`columns`: Inquiry, or the archive table's columns with `values` the archived attribute values' table.
    EXISTS subqueries read aliases: a report that joins contacts itself must not have them correlated."""
    values = table_of(InquiryValue) if values is None else values
    conditions: list[ColumnElement[bool]] = []
    if where.topic and where.subtopics:
        conditions.append(wrap(columns.topic_id).in_(topic_subtree(session, where.topic)))
    if where.structure_node is not None:
        conditions.append(wrap(columns.party_id).in_(_below(session, where.structure_node, where.structure)))
    conditions += _periods(where, columns)
    contact = aliased(Contact)
    on_contact = _contact_conditions(session, where, contact)
    if on_contact:
        conditions.append(exists().where(col(contact.id) == columns.contact_id, *on_contact))
    for condition in where.attributes:
        conditions.append(_attribute(session, condition, columns, values))
    return conditions


def topic_subtree(session: Session, code: str) -> list[int]:
    rows = session.execute(select(col(Topic.id), col(Topic.parent_id), col(Topic.code))).all()
    root = next((r for r in rows if r.code == code), None)
    if root is None:
        raise ValidationError("topic", str(NotFound(_("Topic"), code)))
    return sorted(with_descendants(rows, root.id))


def _below(session: Session, party_id: int, structure: str | None):
    """The customer and everyone below it today, in one structure or in all: a recursive CTE (UNION, not UNION
    ALL: across structures a customer may sit above its own parent, and the union stops that cycle)."""
    today = date.today()
    link = table_of(StructureLink).c
    active = [link.valid_from <= today, or_(link.valid_to.is_(None), link.valid_to > today)]
    if structure is not None:
        found = session.execute(select(col(Structure.id)).where(col(Structure.code) == structure)).scalar()
        if found is None:
            raise ValidationError("structure", str(NotFound(_("Structure"), structure)))
        active.append(link.structure_id == found)
    below = select(cast(literal(party_id), Integer).label("id")).cte("below", recursive=True)
    below = below.union(select(link.child_id).join(below, link.parent_id == below.c.id).where(*active))
    return select(below.c.id)


def _periods(where: InquiryFilter, columns: Any) -> list[ColumnElement[bool]]:
    conditions = []
    if where.created_from is not None:
        conditions.append(columns.created_at >= where.created_from)
    if where.created_to is not None:
        conditions.append(columns.created_at < where.created_to)
    if where.due_from is not None:
        conditions.append(columns.due_at >= where.due_from)
    if where.due_to is not None or where.due_from is not None:  # "no deadline" is stored as the far future
        conditions.append(columns.due_at < min(where.due_to or NO_DEADLINE, NO_DEADLINE))
    return conditions


def _contact_conditions(session: Session, where: InquiryFilter, contact: Any) -> list[ColumnElement[bool]]:
    conditions = []
    for code, model, column, label, field in ((where.channel, Channel, contact.channel_id, _("Channel"), "channel"),
                                              (where.place, Place, contact.place_id, _("Place"), "place")):
        if code is None:
            continue
        found = session.execute(select(id_column(model)).where(table_of(model).c.code == code)).scalar()
        if found is None:
            raise ValidationError(field, str(NotFound(label, code)))
        conditions.append(column == found)
    return conditions


def attribute_kind(session: Session, condition: AttributeCondition) -> tuple[int, str]:
    """The attribute's id and kind; ValidationError (field "attributes") when the operator does not fit it."""
    found = session.execute(select(col(AttributeDef.id), col(AttributeDef.type))
                            .where(col(AttributeDef.code) == condition.code)).first()
    if found is None:
        raise ValidationError("attributes", str(NotFound(_("Attribute"), condition.code)))
    allowed = OPERATORS_BY_KIND.get(found.type, ("=", "!="))
    if condition.op not in allowed:
        raise ValidationError("attributes", _("{code} is a {kind} attribute: '{op}' does not fit it (use {ops})")
                              .format(code=condition.code, kind=found.type, op=condition.op, ops=" ".join(allowed)))
    return found.id, found.type


def _attribute(session: Session, condition: AttributeCondition, columns: Any, values: Any) -> ColumnElement[bool]:
    attribute_id, kind = attribute_kind(session, condition)
    text = _stored_text(kind, condition)
    values = values.alias().c
    stored = values.value
    if kind in _NUMERIC:  # the CASE keeps PostgreSQL from casting another attribute's text, whatever its plan
        typed = cast(case((values.attribute_id == attribute_id, stored)), Numeric)
        wanted: Any = cast(literal(text), Numeric)
    else:  # ISO dates and times, true/false and codes compare as the text they are stored as
        typed, wanted = stored, text
    this_value = [values.inquiry_id == columns.id, values.attribute_id == attribute_id]
    if condition.op == "!=":
        return not_(exists().where(*this_value, typed == wanted))
    compare = {"=": typed == wanted, "<": typed < wanted, "<=": typed <= wanted, ">": typed > wanted,
               ">=": typed >= wanted}.get(condition.op)
    if compare is None:  # contains
        compare = stored.icontains(text, autoescape=True)
    return exists().where(and_(*this_value, compare))


def _stored_text(kind: str, condition: AttributeCondition) -> str:
    """The value typed as the attribute stores it (topics/attribute_values.to_text); BadValue names the field."""
    if condition.op == "contains":
        return condition.value
    try:
        value = attribute_values.parse(kind, condition.value)
    except attribute_values.BadValue as error:
        raise ValidationError("attributes", f"{condition.code}: {error}") from None
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
    text = attribute_values.to_text(value)
    if text is None:
        raise ValidationError("attributes", _("{code}: a value to compare with").format(code=condition.code))
    return text
