"""Customers created offline: a party made on a node (its id from LOCAL_BASE up) is pushed as one "create"
carrying its fields (the category by code: the server resolves and checks them again), created on the server
by the customers service as the token's user, and renumbered here to the server's id.

Renumbered in place rather than dropped for the pull to bring back (as registrations are): a new customer with
no work yet is outside the user's pull scope, and would vanish from the laptop. The row is copied under the
server's id, everything that points at it (contacts, inquiries, contact persons, …) re-pointed, the old row
deleted (the search index follows by its triggers); the node then writes its shadow at the server's version
(journal.adopt), so later edits are pushed as fields. A registration for the new customer, journalled with the
local id, is rewritten to the server's before it is sent: creates of customers go in a batch of their own, first."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, literal, update
from sqlmodel import Session, col, select

from crmterm.services.sync.changes import Change, local_ref
from crmterm.services.sync.registrations import CONTACT, referring
from crmterm.store import ClientCategory, Party
from crmterm.store.sync import LOCAL_BASE, SyncJournal
from crmterm.store.tables import table_of

PARTY = "party"
DRAFT_FIELDS = ("kind", "is_lead", "display_name", "names", "status", "email", "phone")


def is_new_customer(entry: SyncJournal) -> bool:
    return entry.table_name == PARTY and entry.op == "create"


def _draft(session: Session, party: Party) -> dict[str, Any]:
    """The customer as the server's create_party takes it."""
    category = None if party.category_id is None else session.exec(
        select(ClientCategory.code).where(ClientCategory.id == party.category_id)).first()
    return {**{name: getattr(party, name) for name in DRAFT_FIELDS}, "names": dict(party.names or {}),
            "category": category}


def offline_customers(session: Session) -> list[Change]:
    """One create per customer made here and not numbered by the server yet."""
    parties = session.exec(select(Party).where(col(Party.id) >= LOCAL_BASE).order_by(col(Party.id)))
    return [Change(PARTY, party.id or 0, "create", None, None, _draft(session, party), None, local_ref(party.id or 0))
            for party in parties]


def renumber(session: Session, entry: SyncJournal, server_id: int) -> None:
    """The local customer becomes the server's `server_id`, with all that points at it."""
    old_id, party = entry.row_id, table_of(Party)
    copied = [column.key for column in party.columns if column.key != "id"]
    session.execute(insert(party).from_select(
        ["id", *copied], select(literal(server_id), *[party.c[key] for key in copied]).where(party.c.id == old_id)))
    for other, column in referring(PARTY):
        session.execute(update(other).where(other.c[column] == old_id).values({column: server_id}))
    session.execute(update(party).where(party.c.merged_into_id == old_id).values(merged_into_id=server_id))
    session.execute(delete(party).where(party.c.id == old_id))
    _point_drafts_at(session, old_id, server_id)


def sent_values(session: Session, entry: SyncJournal) -> dict[str, Any]:
    """What the server created the customer from, as the node's columns (for its shadow)."""
    sent = dict(entry.new or {})
    code = sent.pop("category", None)
    sent["category_id"] = None if code is None else session.exec(
        select(ClientCategory.id).where(ClientCategory.code == code)).first()
    return sent


def _point_drafts_at(session: Session, old_id: int, server_id: int) -> None:
    """Registrations waiting to be pushed name the customer by the server's id from now on."""
    for waiting in session.exec(select(SyncJournal).where(SyncJournal.table_name == CONTACT,
                                                          SyncJournal.op == "create",
                                                          col(SyncJournal.pushed_at).is_(None))):
        if (waiting.new or {}).get("customer") == old_id:
            waiting.new = {**waiting.new, "customer": server_id}
            session.add(waiting)
