"""Offline work (services/sync): a laptop's SQLite file is a *node* of the central server.

Ids: the server's ids are the global ids. A node stores the rows it pulls under the server's ids; a row it makes
offline gets an id from LOCAL_BASE upwards (far above any server id) and a local reference "L-<id>", and is
replaced by the server's row when its push gets a server number. So no big table needs a new id column.

Node side: `sync_node` (one row: this database is a node, of which server, as whom, the watermarks),
`sync_shadow` (the server's copy of every pulled customer/inquiry row as last seen: the base of the field-level
merge), `sync_journal` (the changes waiting to be pushed, one per field, action or registration, each with
a change id), `sync_conflict` (what the server did not take: a field both sides changed, or a refused action)
and `sync_run` (the sync log). Server side: `sync_change` (the change ids already applied and their answers:
a resent push batch gets the same answers and changes nothing twice)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index
from sqlmodel import Field, SQLModel

from crmterm.store.base import utcnow
from crmterm.store.sync_ids import LOCAL_BASE

__all__ = ["LOCAL_BASE", "NODE_ID", "SyncChange", "SyncConflict", "SyncJournal", "SyncNode", "SyncRun", "SyncShadow"]
NODE_ID = 1  # sync_node holds one row


class SyncNode(SQLModel, table=True):
    """This database is a node of `server_url`, synchronised as `login` (the token's user)."""

    __tablename__ = "sync_node"
    id: int | None = Field(default=None, primary_key=True)
    server_url: str = Field(max_length=500, nullable=False)
    # The API token lives in the node's file, which is the user's own (created 0600, store/db.create_private)
    token: str = Field(max_length=200, nullable=False)
    login: str = Field(default="", max_length=64, nullable=False)
    scope: str = Field(default="mine", max_length=16, nullable=False)  # mine | territory
    row_limit: int = Field(default=20_000, nullable=False)
    watermarks: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # per feed: where pull stopped
    online: bool | None = None  # None: never tried
    last_sync_at: datetime | None = None
    last_error: str | None = Field(default=None, max_length=1000)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)


class SyncShadow(SQLModel, table=True):
    """The server's version of a pulled row: a field whose local value differs from it is a local change."""

    __tablename__ = "sync_shadow"
    table_name: str = Field(max_length=32, primary_key=True)
    row_id: int = Field(primary_key=True)
    version: int = Field(nullable=False)
    data: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)


class SyncJournal(SQLModel, table=True):
    """One local change to push: `op` update (a field: old → new), action (a route action such as close) or
    create (an offline registration). Pushed entries stay as the record of what happened to them."""

    __tablename__ = "sync_journal"
    __table_args__ = (Index("ix_sync_journal_pending", "pushed_at", "id"),
                      Index("ix_sync_journal_row", "table_name", "row_id"))
    id: int | None = Field(default=None, primary_key=True)
    change_id: str = Field(max_length=36, nullable=False, unique=True)
    table_name: str = Field(max_length=32, nullable=False)
    row_id: int = Field(nullable=False)  # the node's id (a server id, or LOCAL_BASE+ for an offline row)
    local_ref: str | None = Field(default=None, max_length=40)  # "L-…" of an offline registration
    op: str = Field(max_length=8, nullable=False)  # update | action | create
    field: str | None = Field(default=None, max_length=64)  # the field, or the action's name
    old: Any = Field(default=None, sa_type=JSON, nullable=True)
    new: Any = Field(default=None, sa_type=JSON, nullable=True)
    base_version: int | None = None  # the server's version the change was made on
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    pushed_at: datetime | None = None
    outcome: str | None = Field(default=None, max_length=16)  # applied | conflict | refused | same
    server_id: int | None = None  # a registration's server number
    message: str | None = Field(default=None, max_length=1000)


class SyncConflict(SQLModel, table=True):
    """What a push could not apply: `kind` field (both sides changed it; the server kept `theirs`) or refused
    (the server's rules refused the action; `message` says why). Resolved ones stay, with the choice."""

    __tablename__ = "sync_conflict"
    __table_args__ = (Index("ix_sync_conflict_open", "resolved_at", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    change_id: str = Field(max_length=36, nullable=False)
    kind: str = Field(default="field", max_length=8, nullable=False)  # field | refused
    table_name: str = Field(max_length=32, nullable=False)
    row_id: int = Field(nullable=False)
    label: str = Field(default="", max_length=200, nullable=False)  # "Customer Ivanov", "Inquiry 123"
    field: str | None = Field(default=None, max_length=64)
    ours: Any = Field(default=None, sa_type=JSON, nullable=True)
    theirs: Any = Field(default=None, sa_type=JSON, nullable=True)
    base: Any = Field(default=None, sa_type=JSON, nullable=True)
    message: str = Field(default="", max_length=1000, nullable=False)
    created_at: datetime = Field(default_factory=utcnow, nullable=False)
    resolved_at: datetime | None = None
    resolution: str | None = Field(default=None, max_length=8)  # ours | theirs | edit


class SyncRun(SQLModel, table=True):
    """One synchronisation (the sync log)."""

    __tablename__ = "sync_run"
    id: int | None = Field(default=None, primary_key=True)
    started_at: datetime = Field(default_factory=utcnow, nullable=False, index=True)
    finished_at: datetime | None = None
    pushed: int = Field(default=0, nullable=False)
    pulled: int = Field(default=0, nullable=False)
    conflicts: int = Field(default=0, nullable=False)
    refused: int = Field(default=0, nullable=False)
    bytes_up: int = Field(default=0, nullable=False)
    bytes_down: int = Field(default=0, nullable=False)
    error: str | None = Field(default=None, max_length=1000)


class SyncChange(SQLModel, table=True):
    """Server side: a change id a node pushed, and the answer it got (sent again on a resend)."""

    __tablename__ = "sync_change"
    change_id: str = Field(max_length=36, primary_key=True)
    login: str = Field(max_length=64, nullable=False)
    answer: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    applied_at: datetime = Field(default_factory=utcnow, nullable=False)
