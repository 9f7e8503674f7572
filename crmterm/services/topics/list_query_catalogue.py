"""What a configured list query may read: a fixed catalogue of entities, each with the fields it offers.

An admin names an entity and fields; nothing else reaches SQL. Each field is a column expression chosen here,
with the type its filter values are read as, so a definition is compiled (list_query_compiler) rather than
interpreted. An entity's rows are crmterm's own: a customer's subscribers, contracts, contact persons,
inquiries and the parties below it in its structures. (There is no equipment table yet: when one comes, it is
one more entry here.)"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import col

from crmterm.i18n import N_
from crmterm.store import ContactPerson, Contract, Inquiry, Party, Structure, StructureLink, Subscriber, Topic

# Values a filter may bind from the form's context instead of a constant (the Register form, a preview)
PARAMETERS = {"customer_id": N_("the chosen customer"), "topic": N_("the inquiry's topic code"),
              "channel": N_("the contact's channel code"), "place": N_("the contact's place code"),
              "operator": N_("the agent's login")}
FIELD_TYPES = ("int", "str", "date", "datetime")


@dataclass(frozen=True)
class EntityField:
    column: Callable[[], ColumnElement[Any]]  # built on use: the aliases of a join are made per query
    type: str  # one of FIELD_TYPES: how a filter's value is read


@dataclass(frozen=True)
class Entity:
    name: str
    label: str  # marked with N_
    base: Callable[[], Select[Any]]  # the FROM with its joins, no columns chosen yet
    fields: dict[str, EntityField]


def _c(column: Any, type_: str) -> EntityField:
    return EntityField(lambda: column, type_)


def _subscribers() -> Select[Any]:
    return select().select_from(Subscriber).join(Contract, col(Contract.id) == col(Subscriber.contract_id))


def _contracts() -> Select[Any]:
    return select().select_from(Contract)


def _contact_persons() -> Select[Any]:
    return select().select_from(ContactPerson)


def _inquiries() -> Select[Any]:
    return select().select_from(Inquiry).join(Topic, col(Topic.id) == col(Inquiry.topic_id))


_CHILD = aliased(Party, name="child_party")


def _structure_children() -> Select[Any]:
    return (select().select_from(StructureLink).join(_CHILD, col(_CHILD.id) == col(StructureLink.child_id))
            .join(Structure, col(Structure.id) == col(StructureLink.structure_id)))


ENTITIES: dict[str, Entity] = {e.name: e for e in (
    Entity("subscribers", N_("Subscribers"), _subscribers, {
        "id": _c(Subscriber.id, "int"), "number": _c(Subscriber.number, "str"),
        "service": _c(Subscriber.service, "str"), "status": _c(Subscriber.status, "str"),
        "contract": _c(Contract.number, "str"), "contract_status": _c(Contract.status, "str"),
        "customer_id": _c(Contract.payer_party_id, "int")}),
    Entity("contracts", N_("Contracts"), _contracts, {
        "id": _c(Contract.id, "int"), "number": _c(Contract.number, "str"), "status": _c(Contract.status, "str"),
        "start_date": _c(Contract.start_date, "date"), "end_date": _c(Contract.end_date, "date"),
        "customer_id": _c(Contract.payer_party_id, "int")}),
    Entity("contact_persons", N_("Contact persons"), _contact_persons, {
        "id": _c(ContactPerson.id, "int"), "name": _c(ContactPerson.name, "str"),
        "role": _c(ContactPerson.role, "str"), "customer_id": _c(ContactPerson.party_id, "int")}),
    Entity("inquiries", N_("Inquiries"), _inquiries, {
        "id": _c(Inquiry.id, "int"), "state": _c(Inquiry.state, "str"), "type": _c(Inquiry.type, "str"),
        "topic": _c(Topic.code, "str"), "text": _c(Inquiry.text, "str"),
        "created_at": _c(Inquiry.created_at, "datetime"), "customer_id": _c(Inquiry.party_id, "int")}),
    Entity("structure_children", N_("Parties below the customer in its structures"), _structure_children, {
        "id": _c(_CHILD.id, "int"), "name": _c(_CHILD.display_name, "str"), "status": _c(_CHILD.status, "str"),
        "structure": _c(Structure.code, "str"), "valid_from": _c(StructureLink.valid_from, "date"),
        "valid_to": _c(StructureLink.valid_to, "date"), "customer_id": _c(StructureLink.parent_id, "int")}),
)}


def read_value(type_: str, raw: Any) -> Any:
    """A filter's constant or bound parameter as the column's type; ValueError when it is not one."""
    if type_ == "int":
        if isinstance(raw, bool):
            raise ValueError(raw)
        return int(raw)
    if type_ == "date":
        return raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    if type_ == "datetime":  # stored in UTC: a time typed without a zone is read as UTC
        moment = raw if isinstance(raw, datetime) else datetime.fromisoformat(str(raw))
        return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return str(raw)
