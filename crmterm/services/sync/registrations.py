"""Offline registrations: a contact and its inquiries registered on a node (ids from LOCAL_BASE up) are pushed
as one "create" change carrying the registration draft (codes, not ids: the server resolves them again and its
rules check them again), and replaced by the server's rows once the server answers their numbers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Table, delete
from sqlmodel import Session, SQLModel, col, select

from crmterm.services.sync import state_actions
from crmterm.services.sync.changes import Change, local_ref
from crmterm.store import (
    AttributeDef,
    Channel,
    Contact,
    Inquiry,
    InquiryEvent,
    InquiryValue,
    Place,
    Priority,
    Topic,
    load_all,
)
from crmterm.store.sync import LOCAL_BASE, SyncShadow

CONTACT = "contact"


def _code(session: Session, model: Any, row_id: int | None) -> str | None:
    return None if row_id is None else session.exec(select(model.code).where(model.id == row_id)).first()


def inquiry_values(session: Session, inquiry_id: int | None) -> dict[str, str]:
    """An inquiry's attribute values as stored (text), by attribute code."""
    values = session.exec(select(AttributeDef.code, InquiryValue.value)
                          .join(AttributeDef, col(AttributeDef.id) == InquiryValue.attribute_id)
                          .where(InquiryValue.inquiry_id == inquiry_id))
    return dict(values.all())


def _inquiry_draft(session: Session, inquiry: Inquiry) -> dict[str, Any]:
    return {"topic": _code(session, Topic, inquiry.topic_id), "priority": _code(session, Priority, inquiry.priority_id),
            "text": inquiry.text, "values": inquiry_values(session, inquiry.id), "close": inquiry.state == "closed"}


def contact_draft(session: Session, contact: Contact) -> dict[str, Any]:
    """The registration as the server's register() takes it (services/inquiries/drafts.ContactDraft)."""
    inquiries = session.exec(select(Inquiry).where(Inquiry.contact_id == contact.id).order_by(col(Inquiry.id)))
    return {"at": contact.at.isoformat(), "place": _code(session, Place, contact.place_id),
            "direction": contact.direction, "channel": _code(session, Channel, contact.channel_id),
            "customer": contact.party_id, "contact_person": contact.contact_person_id,
            "caller": contact.caller, "text": contact.text,
            "inquiries": [_inquiry_draft(session, inquiry) for inquiry in inquiries]}


def offline_registrations(session: Session) -> list[Change]:
    """One create per contact registered offline (a contact with no inquiry is not a registration)."""
    contacts = session.exec(select(Contact).where(col(Contact.id) >= LOCAL_BASE).order_by(col(Contact.id)))
    found = []
    for contact in contacts:
        draft = contact_draft(session, contact)
        if draft["inquiries"]:
            found.append(Change(CONTACT, contact.id or 0, "create", None, None, draft, None,
                                local_ref(contact.id or 0)))
    return found


def referring(table: str) -> list[tuple[Table, str]]:
    """Every (table, column) with a foreign key to `table`.id, other than `table` itself."""
    load_all()
    return [(other, fk.parent.key) for other in SQLModel.metadata.sorted_tables for fk in other.foreign_keys
            if fk.column.table.name == table and other.name != table]


def _drop(session: Session, table: str, ids: list[int]) -> None:
    for other, column in referring(table):
        if other.name not in ("inquiry", "inquiry_archive", "inquiry_event_archive"):
            session.execute(delete(other).where(other.c[column].in_(ids)))
    target = SQLModel.metadata.tables[table]
    session.execute(delete(target).where(target.c.id.in_(ids)))


def carried_events(session: Session, contact_id: int, server_inquiry_ids: list[int]) -> list[Change]:
    """The notes and route actions made here on a registration's inquiries, in the order they were made and
    addressed to the inquiries the server made of them (in the draft's order): pushed once it numbered them, as
    the local events are dropped with the registration. An inquiry closed here was closed by the registration
    itself: only its notes follow."""
    local = {row.id: row.state for row in session.exec(select(Inquiry).where(Inquiry.contact_id == contact_id)
                                                         .order_by(col(Inquiry.id)))}
    numbers = dict(zip(local, server_inquiry_ids, strict=False))
    kinds = ["commented", *state_actions.ACTIONS]
    events = session.exec(select(InquiryEvent).where(col(InquiryEvent.kind).in_(kinds),
                                                     col(InquiryEvent.inquiry_id).in_(list(numbers)))
                          .order_by(col(InquiryEvent.id)))
    return [_note(event, numbers[event.inquiry_id]) if event.kind == "commented"
            else state_actions.action_of(event, numbers[event.inquiry_id])
            for event in events if event.kind == "commented" or local[event.inquiry_id] != "closed"]


def _note(event: InquiryEvent, inquiry_id: int) -> Change:
    return Change("inquiry", inquiry_id, "action", "comment", None,
                  {"inquiry": inquiry_id, "text": event.text, "public": bool((event.data or {}).get("public"))}, None)


def replace_with_server_rows(session: Session, contact_id: int) -> list[int]:
    """Drop the offline rows of a registration the server numbered, and what hangs on them here (events,
    values, SLA marks: the server made its own); the next pull brings the server's. The local inquiry ids
    dropped, so the caller can say which local reference became which number."""
    inquiry_ids = [i for i in session.exec(select(Inquiry.id).where(Inquiry.contact_id == contact_id)) if i]
    session.execute(delete(SyncShadow).where(col(SyncShadow.table_name) == "inquiry",
                                             col(SyncShadow.row_id).in_(inquiry_ids)))
    _drop(session, "inquiry", inquiry_ids)
    _drop(session, "contact", [contact_id])
    return inquiry_ids
