"""The raw registration baseline: the rows one service registration writes, inserted through the DB-API
driver with nothing checked, one commit per registration.

Which rows: one registration per bench topic goes through the service first (the prototype), and what it
wrote is read back — the contact, the inquiry with its route and SLA fields, its values, its events
(created and routed, or created and closed for a consultation) and any webhook outbox rows (one per live
subscription). On the bench data set no automation rule or subscription fires; where one does, its rows are
copied too. Each raw registration then writes those rows for its own varied draft: its customer, channel,
direction, texts and values, with the prototype's times moved to now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table
from sqlmodel import Session, col, func, select

from crmterm.bench.registration_setup import TOPICS
from crmterm.services.accounts.permissions import Actor
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import AttributeDef, Channel, Contact, Inquiry, InquiryEvent, InquiryValue, utcnow
from crmterm.store.tables import table_of
from crmterm.store.webhooks import WebhookOutbox

_NOT_COPIED = {"id", "contact_id", "party_id", "text", "updated_by"}


@dataclass(frozen=True)
class Prototype:
    """What one topic's registration writes; datetimes as they were, shifted by `now - at` when copied."""

    at: datetime
    inquiry: dict[str, Any]
    events: list[dict[str, Any]]
    outbox: list[dict[str, Any]]


@dataclass(frozen=True)
class Plan:
    prototypes: dict[str, Prototype]  # topic code -> prototype
    attributes: dict[str, int]  # attribute code -> id
    channels: dict[str, int]  # channel code -> id


def plan(session: Session, actor: Actor, drafts: dict[str, ContactDraft]) -> Plan:
    """Register one draft per topic through the service (in the caller's transaction) and keep its rows."""
    prototypes = {}
    for topic, draft in drafts.items():
        last_outbox = session.exec(select(func.max(WebhookOutbox.id))).one() or 0
        at = utcnow()
        inquiry_id = register(session=session, actor=actor, draft=draft).inquiry_ids[0]
        session.flush()
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None, "the inquiry just registered"
        events = session.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id)
                              .order_by(col(InquiryEvent.id))).all()
        outbox = session.exec(select(WebhookOutbox).where(col(WebhookOutbox.id) > last_outbox)).all()
        prototypes[topic] = Prototype(
            at=at, inquiry={k: v for k, v in inquiry.model_dump().items() if k not in _NOT_COPIED},
            events=[e.model_dump(exclude={"id", "inquiry_id"}) for e in events],
            outbox=[o.model_dump(exclude={"id"}) for o in outbox])
    codes = [code for _k, attributes in TOPICS.values() for code, *_rest in attributes]
    attributes = dict(session.exec(select(AttributeDef.code, AttributeDef.id)
                                   .where(col(AttributeDef.code).in_(codes))).all())
    channels = dict(session.exec(select(Channel.code, Channel.id)).all())
    return Plan(prototypes=prototypes, attributes={k: int(v) for k, v in attributes.items() if v is not None},
                channels={k: int(v) for k, v in channels.items() if v is not None})


class RawWriter:
    """Statements built once from the tables' own columns, values bound by the columns' own converters
    (what the ORM hands the driver), executed on one DB-API connection."""

    def __init__(self, connection, dialect, plan_: Plan, actor: Actor) -> None:
        self.connection, self.dialect, self.plan, self.actor = connection, dialect, plan_, actor
        self.sqlite = dialect.name == "sqlite"
        self._converters: dict[tuple[str, str], Any] = {}

    def register(self, draft: ContactDraft) -> int:
        """One registration in its own transaction, committed; returns the inquiry id."""
        item = draft.inquiries[0]
        prototype = self.plan.prototypes[item.topic or ""]
        now = utcnow()
        shift = now - prototype.at
        cursor = self.connection.cursor()
        try:
            if self.sqlite:
                cursor.execute("BEGIN IMMEDIATE")  # a writer from the start: waits its turn by busy_timeout
            contact = self._insert(cursor, table_of(Contact), {
                "at": now, "operator_id": self.actor.id, "direction": draft.direction or "in",
                "channel_id": self.plan.channels.get(draft.channel or ""), "party_id": draft.customer,
                "caller": draft.caller, "text": draft.text})
            inquiry = self._insert(cursor, table_of(Inquiry), {
                **{k: _moved(v, shift) for k, v in prototype.inquiry.items()}, "contact_id": contact,
                "party_id": draft.customer, "text": item.text, "updated_by": self.actor.login})
            self._insert_many(cursor, table_of(InquiryValue), [
                {"inquiry_id": inquiry, "attribute_id": self.plan.attributes[code], "value": str(value)}
                for code, value in item.values.items()])
            self._insert_many(cursor, table_of(InquiryEvent), [
                {**event, "at": _moved(event["at"], shift), "inquiry_id": inquiry, "actor": self.actor.login,
                 "contact_id": contact if event["contact_id"] is not None else None}
                for event in prototype.events])
            self._insert_many(cursor, table_of(WebhookOutbox), [
                {k: _moved(v, shift) for k, v in row.items()} for row in prototype.outbox])
            self.connection.commit()
            return inquiry
        except BaseException:
            self.connection.rollback()
            raise
        finally:
            cursor.close()

    def _insert(self, cursor, table: Table, row: dict[str, Any]) -> int:
        names, values = self._bound(table, row)
        cursor.execute(self._sql(table, names) + " RETURNING id", values)
        return int(cursor.fetchone()[0])

    def _insert_many(self, cursor, table: Table, rows: list[dict[str, Any]]) -> None:
        if rows:
            names = list(rows[0])
            cursor.executemany(self._sql(table, names), [self._bound(table, row)[1] for row in rows])

    def _sql(self, table: Table, names: list[str]) -> str:
        mark = "?" if self.sqlite else "%s"
        return (f"INSERT INTO {table.name} ({', '.join(names)}) "
                f"VALUES ({', '.join([mark] * len(names))})")

    def _bound(self, table: Table, row: dict[str, Any]) -> tuple[list[str], tuple]:
        names, values = [], []
        for name, value in row.items():
            key = (table.name, name)
            if key not in self._converters:
                kind = table.c[name].type
                self._converters[key] = kind.dialect_impl(self.dialect).bind_processor(self.dialect)
            convert = self._converters[key]
            names.append(name)
            values.append(convert(value) if convert and value is not None else value)
        return names, tuple(values)


def _moved(value: Any, shift) -> Any:
    """A prototype's time moved to the copy's moment (the far-future 'no deadline' stays where it is)."""
    if isinstance(value, datetime) and value.year < 9000:
        return value + shift
    return value
