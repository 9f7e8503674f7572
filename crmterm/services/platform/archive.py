"""Auto-archiving: finished inquiries (closed or cancelled) older than a configurable age move to the archive
tables (store/archive.py), so the live tables stay small. `crmterm archive` runs it, by hand or on a timer.

One batch is one transaction, set-based: pick up to N ids (keyset by id, newest first), copy the inquiries,
their values, events and attachment rows with INSERT … SELECT … WHERE id IN (batch), delete the bookkeeping
rows, then the live rows, children first. A kill at any moment therefore leaves every inquiry exactly once,
live or archived (the batch committed or it did not), and a re-run simply continues: the live table only
holds what is left.

A family moves together: an inquiry stays live while one of its children does (the parent foreign key);
children have higher ids, so newest-first they are in the same batch as their parent or an earlier one.
On SQLite the row holding a table's highest id stays live too: SQLite hands out MAX(id) + 1, and an id
must never come back for a new inquiry while the archive keeps it. On PostgreSQL the batch's rows are
locked (FOR UPDATE SKIP LOCKED), so a reopen racing the archiver either waits and then finds the inquiry
gone, or is skipped by it and stays live.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import ColumnElement, delete, exists, false, func, insert, literal, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, SQLModel, col, select
from sqlmodel.sql.sqltypes import UTCDateTime

from crmterm.errors import Conflict, ValidationError
from crmterm.i18n import _
from crmterm.moments import days_before
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import Inquiry, load_all, utcnow
from crmterm.store.archive import ARCHIVED, DROPPED_WITH_INQUIRY, KEPT_LIVE_BY, Archived, inquiry_archive
from crmterm.store.db import in_transaction
from crmterm.store.tables import rowcount
from crmterm.workflow.engine import State

FINISHED = (State.CLOSED, State.CANCELLED)
DEFAULT_DAYS = 365
DEFAULT_BATCH = 1000
MAX_BATCH = 10_000  # ids travel as bound parameters (SQLite allows 32 766 per statement)


class Batch(BaseModel):
    moved: int
    below: int | None  # where the next batch starts (ids below this); None: nothing is left to look at


class ArchiveReport(BaseModel):
    cutoff: datetime
    archived: int = 0
    batches: int = 0
    seconds: float = 0.0


def cutoff(days: int, now: datetime | None = None) -> datetime:
    if days < 0:
        raise ValidationError("older_than", _("give a number of days, 0 or more"))
    return days_before(now or utcnow(), days, "older_than")


def _finished_before(inquiry, before: datetime):
    return inquiry.state.in_(FINISHED) & (inquiry.closed_at < before)


def _eligible(session: Session, before: datetime):
    """Finished before `before` with every child too (and on SQLite: owning no table's newest row)."""
    child = aliased(Inquiry)
    conditions = [_finished_before(Inquiry, before),
                  ~exists().where(col(child.parent_id) == col(Inquiry.id), ~_finished_before(child, before)),
                  *(~exists().where(kept.c.inquiry_id == col(Inquiry.id)) for kept in KEPT_LIVE_BY)]
    if session.get_bind().dialect.name == "sqlite":
        conditions += [col(Inquiry.id).not_in(_newest_owner(spec)) for spec in ARCHIVED if _has_own_id(spec)]
    return conditions


def _has_own_id(spec: Archived) -> bool:
    return [c.name for c in spec.live.primary_key.columns] == ["id"]


def _newest_owner(spec: Archived):
    table = spec.live
    return select(table.c[spec.key]).where(table.c.id == select(func.max(table.c.id)).scalar_subquery())


def count_eligible(*, session: Session, actor: Actor, before: datetime) -> int:
    require(actor, Permission.INQUIRIES_ARCHIVE)
    return session.exec(select(func.count()).select_from(Inquiry).where(*_eligible(session, before))).one()


def archive_batch(*, session: Session, actor: Actor, before: datetime, below: int | None = None,
                  size: int = DEFAULT_BATCH) -> Batch:
    """Move up to `size` eligible inquiries with ids below `below` (None: from the newest) to the archive."""
    require(actor, Permission.INQUIRIES_ARCHIVE)
    if not 1 <= size <= MAX_BATCH:
        raise ValidationError("batch", _("between 1 and {n}").format(n=MAX_BATCH))
    sqlite = session.get_bind().dialect.name == "sqlite"
    if sqlite:  # take the write lock before reading (see services/routing/queues.take_next)
        session.execute(update(Inquiry).where(false()).values(version=Inquiry.version))
    found = sorted((i for state in FINISHED for i in _candidates(session, state, before, below, size, sqlite)),
                   reverse=True)[:size]
    if not found:
        return Batch(moved=0, below=None)
    ids = _whole_families(session, found)
    if ids:
        _move(session, ids)
        audit.record(session, actor, "archive", "inquiry", f"{ids[0]}..{ids[-1]}", source="cli",
                     after={"count": len(ids), "first": ids[0], "last": ids[-1], "cutoff": before.isoformat()})
    return Batch(moved=len(ids), below=min(found))


def _candidates(session: Session, state: str, before: datetime, below: int | None, size: int,
                sqlite: bool) -> list[int]:
    """One state at a time: an index walk on (state, id) newest first, never a sort of every finished row."""
    query = (select(Inquiry.id).where(Inquiry.state == state, *_eligible(session, before))
             .order_by(col(Inquiry.id).desc()).limit(size))
    if below is not None:
        query = query.where(col(Inquiry.id) < below)
    if not sqlite:
        query = query.with_for_update(skip_locked=True)
    return [found for found in session.exec(query) if found is not None]  # typed Optional, never None when read


def _whole_families(session: Session, ids: list[int]) -> list[int]:
    """Leave out every inquiry with a live child outside the batch (a child skipped for its own reasons),
    and so on upwards: the parent foreign key never points into the archive."""
    chosen = set(ids)
    pairs = session.exec(select(Inquiry.parent_id, Inquiry.id).where(col(Inquiry.parent_id).in_(ids))).all()
    while blocked := {parent for parent, child in pairs if parent in chosen and child not in chosen}:
        chosen -= blocked
    return sorted(chosen)


def _move(session: Session, ids: list[int]) -> None:
    stamp = literal(utcnow(), UTCDateTime())
    for spec in ARCHIVED:  # parents first
        names = [c.name for c in spec.archive.columns if c.name in spec.live.c]
        columns: list[ColumnElement[Any]] = [spec.live.c[name] for name in names]
        if spec.archive is inquiry_archive:
            names, columns = names + ["archived_at"], columns + [stamp.label("archived_at")]
        copied = session.execute(insert(spec.archive).from_select(
            names, select(*columns).where(spec.live.c[spec.key].in_(ids))).execution_options(preserve_rowcount=True))
        if spec.archive is inquiry_archive:
            _expect(rowcount(copied), len(ids))
    load_all()  # the tables are named, not imported (store/__init__.py loads models on first use)
    for name in DROPPED_WITH_INQUIRY:
        table = SQLModel.metadata.tables[name]
        session.execute(delete(table).where(table.c.inquiry_id.in_(ids)))
    for spec in reversed(ARCHIVED):  # children first
        deleted = session.execute(delete(spec.live).where(spec.live.c[spec.key].in_(ids)))
    _expect(rowcount(deleted), len(ids))  # the last delete: the inquiries themselves


def _expect(rows: int, wanted: int) -> None:
    """Belt and braces: the batch's rows are locked, so a difference means something is badly wrong — the
    whole batch rolls back rather than leave an inquiry in both places or in neither."""
    if rows != wanted:
        raise Conflict(_("inquiries changed while being archived ({rows} of {wanted}); run again").format(
            rows=rows, wanted=wanted))


def run(*, url: str, actor: Actor, before: datetime, size: int = DEFAULT_BATCH, pause: float = 0.0,
        progress: Callable[[int], None] | None = None) -> ArchiveReport:
    """Every eligible inquiry, batch after batch, each in its own transaction (a batch is run again when
    SQLite was busy; each try rolls back whole). `pause` seconds between batches leave room for the live
    work of a busy server (on SQLite: for the other writers)."""
    require(actor, Permission.INQUIRIES_ARCHIVE)  # before the database is opened
    report, started, below = ArchiveReport(cutoff=before), time.monotonic(), None
    while True:
        batch = in_transaction(url, lambda session: archive_batch(session=session, actor=actor, before=before,
                                                                  below=below, size=size))
        if batch.below is None:
            break
        report.archived, report.batches, below = report.archived + batch.moved, report.batches + 1, batch.below
        if progress:
            progress(batch.moved)
        if pause:
            time.sleep(pause)
    report.seconds = round(time.monotonic() - started, 3)
    return report
