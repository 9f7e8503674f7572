"""A laptop node made by hand for the TUI side of offline sync (issue 30): the node row, the shadows of two
customers as last pulled, local edits the push found conflicting (journalled as pushed, answered "conflict"),
one refused close, one more local edit waiting to be pushed, and a short sync log. The values are what a
push would have left behind (services/sync/journal.py, docs/sync.md), written through h1's models."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlmodel import Session, col, select

from crmterm.services.sync.journal import shadow_data
from crmterm.store import Party
from crmterm.store.db import unit_of_work
from crmterm.store.sync import NODE_ID, SyncConflict, SyncJournal, SyncNode, SyncRun, SyncShadow

SYNCED_AT = datetime(2026, 3, 2, 10, 42, tzinfo=UTC)


@dataclass(frozen=True)
class Node:
    phone: int  # the conflict on the first customer's phone
    email: int  # the conflict on the second customer's e-mail
    refused: int  # the refused close of an inquiry
    parties: tuple[int, int, int]


def make_node(url: str, *, online: bool = False) -> Node:
    with unit_of_work(url) as session:
        first, second, third = _parties(session)  # as pulled: server ids (a node numbers its own from LOCAL_BASE)
        session.add(SyncNode(id=NODE_ID, server_url="http://127.0.0.1:9", token="secret", login="agent",
                             online=online, last_sync_at=SYNCED_AT))
        phone = _field_conflict(session, first, "phone", base="+74950000001", ours="+79161234567",
                                theirs="+74951112233")
        email = _field_conflict(session, second, "email", base="old@example.com", ours="mine@example.com",
                                theirs="theirs@example.com")
        _shadowed(session, third)
        third.display_name, third.version = third.display_name + " (laptop)", third.version + 1  # waits for a push
        session.add(third)
        refused = SyncConflict(change_id=str(uuid.uuid4()), kind="refused", table_name="inquiry", row_id=123,
                               label="Inquiry 123", field="close",
                               message="the inquiry was reassigned to supervisor meanwhile")
        session.add(refused)
        _runs(session)
        session.flush()
        return Node(phone=phone, email=email, refused=refused.id or 0, parties=(first.id, second.id, third.id))


def _parties(session: Session) -> list[Party]:
    found = list(session.exec(select(Party).order_by(col(Party.id)).limit(3)))
    while len(found) < 3:  # an empty database: customers of its own
        party = Party(display_name=f"Customer {len(found) + 1}")
        session.add(party)
        session.flush()
        found.append(party)
    return found


def _shadowed(session: Session, party: Party) -> SyncShadow:
    shadow = SyncShadow(table_name="party", row_id=party.id, version=party.version, data=shadow_data("party", party))
    session.add(shadow)
    return shadow


def _field_conflict(session: Session, party: Party, field: str, *, base: str, ours: str, theirs: str) -> int:
    """The customer pulled with `base`, changed here to `ours`, pushed and refused: the server had `theirs`."""
    setattr(party, field, base)
    shadow = _shadowed(session, party)
    shadow.data = {**shadow.data, field: base}
    setattr(party, field, ours)
    party.version += 1
    session.add(party)
    change = str(uuid.uuid4())
    session.add(SyncJournal(change_id=change, table_name="party", row_id=party.id, op="update", field=field, old=base,
                            new=ours, base_version=shadow.version, pushed_at=SYNCED_AT, outcome="conflict"))
    conflict = SyncConflict(change_id=change, table_name="party", row_id=party.id, field=field,
                            label=f"Customer {party.display_name}", ours=ours, theirs=theirs, base=base,
                            created_at=SYNCED_AT)
    session.add(conflict)
    session.flush()
    return conflict.id or 0


def _runs(session: Session) -> None:
    session.add(SyncRun(started_at=SYNCED_AT - timedelta(hours=1), finished_at=SYNCED_AT - timedelta(minutes=59),
                        pushed=4, pulled=120, bytes_up=2_310, bytes_down=48_200))
    session.add(SyncRun(started_at=SYNCED_AT - timedelta(minutes=30), pushed=0, pulled=0,
                        error="server unreachable: connection refused"))
    session.add(SyncRun(started_at=SYNCED_AT, finished_at=SYNCED_AT + timedelta(seconds=2), pushed=3, pulled=17,
                        conflicts=2, refused=1, bytes_up=1_024, bytes_down=9_870))
