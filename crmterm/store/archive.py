"""Archive storage in the same database: closed inquiries past the configured age move here in batches
(services/platform/archive), so the live tables — and every index, queue page and report over them — stay small.

Each archive table is built from its live table, column for column (names, types, nullability), so the copy
is a plain INSERT … SELECT and cannot drift: a column added to a live table appears here as well, and the
models-match-migrations test then asks for it in the migration that adds it. Foreign keys are kept where
they point outside the inquiry (topics, users, queues, contacts, file content: rows that are never deleted),
point at `inquiry_archive` where they pointed at `inquiry`, and are dropped for `parent_id` (the parent of
an archived inquiry may still be live).

What does not move, and why:
- Contacts stay live. A contact may carry several inquiries of different fates (one archived, one still
  open), events of live inquiries refer to it (`contact_linked`), and the customer's contact history and the
  per-operator reports read contacts by period. It is one narrow row per call; archived inquiries keep
  their `contact_id`.
- Attachment rows move; their content (`attachment_blob`) stays. Content is stored once per sha256 and may be
  shared with live inquiries, and it is only ever read by key, so its size slows nothing else down;
  archived files stay downloadable.
- Bookkeeping rows that only matter while an inquiry is open are deleted with it (DROPPED_WITH_INQUIRY).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from sqlalchemy import Column, ForeignKey, Index, Table
from sqlmodel import SQLModel
from sqlmodel.sql.sqltypes import UTCDateTime

from crmterm.store.inquiries import Attachment, Inquiry, InquiryEvent, InquiryValue
from crmterm.store.tables import table_of
from crmterm.store.work_orders import WorkOrder


def _keys(column: Column) -> Iterator[ForeignKey]:
    for key in column.foreign_keys:
        if key.target_fullname.partition(".")[0] != "inquiry":  # by name: the target may not be loaded yet
            yield ForeignKey(key.target_fullname)
        elif column.name == "inquiry_id":
            yield ForeignKey("inquiry_archive.id")


def _mirror(live: Table, name: str, *extra) -> Table:
    columns = [Column(c.name, c.type, *_keys(c), primary_key=c.primary_key, nullable=c.nullable,
                      autoincrement=False) for c in live.columns]
    return Table(name, SQLModel.metadata, *columns, *extra)


inquiry_archive = _mirror(
    table_of(Inquiry), "inquiry_archive",
    Column("archived_at", UTCDateTime(), nullable=False),  # the one column the live table lacks
    Index("ix_inquiry_archive_party", "party_id", "id"),  # a customer's archived inquiries
    Index("ix_inquiry_archive_closed", "closed_at", "id"))
inquiry_value_archive = _mirror(table_of(InquiryValue), "inquiry_value_archive")
inquiry_event_archive = _mirror(table_of(InquiryEvent), "inquiry_event_archive",
                                Index("ix_inquiry_event_archive_inquiry", "inquiry_id", "id"))
attachment_archive = _mirror(table_of(Attachment), "attachment_archive",
                             Index("ix_attachment_archive_inquiry", "inquiry_id"))


@dataclass(frozen=True)
class Archived:
    live: Table
    archive: Table
    key: str  # the column holding the inquiry's id


# Parents first (the order of the copies); the deletes run in reverse.
ARCHIVED = (Archived(table_of(Inquiry), inquiry_archive, "id"),
            Archived(table_of(InquiryValue), inquiry_value_archive, "inquiry_id"),
            Archived(table_of(InquiryEvent), inquiry_event_archive, "inquiry_id"),
            Archived(table_of(Attachment), attachment_archive, "inquiry_id"))

# Tables whose rows reference an inquiry and are dropped when it is archived: the SLA scan's once-only marks
# (the warning or breach itself is in the inquiry's events, which move).
DROPPED_WITH_INQUIRY = ("sla_mark",)

# Tables whose rows keep their inquiry in the live tables, never archived: a field visit's time, materials and
# the customer's acceptance are the service's records (quality of service and visit costs read them there).
KEPT_LIVE_BY = (table_of(WorkOrder),)
