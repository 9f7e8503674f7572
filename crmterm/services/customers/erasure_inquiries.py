"""The inquiry half of an erasure (services/customers/erasure): the same steps on the live tables and on their archive
mirrors (store/archive), so an archived inquiry forgets exactly what a live one does.

Per inquiry of the erased parties: text and resolution are cleared; values of attributes marked `personal`
are deleted; event texts are cleared and the free text some events carry in their data (changed personal
values, script captures, notes of external events) is removed; attachments are deleted, and their content
with them unless another inquiry still carries the same file; notifications about the inquiry lose subject
details, body and data; script runs lose their captured values. States, topics, dates, queues, assignees and the
events themselves stay. Callbacks to the erased parties lose their number and note (a scheduled one is
cancelled: there is nobody to call), tasks about them their title, and the overdue-callback notifications
their details (services/work)."""

from __future__ import annotations

from sqlalchemy import Table, delete, exists, select, update
from sqlmodel import Session, col

from crmterm.store import AttachmentBlob, AttributeDef, Callback, Note, Notification, ScriptRun, WorkTask
from crmterm.store.archive import ARCHIVED
from crmterm.store.tables import rowcount, table_of

_PRIVATE_DATA = {"script": ("captures",), "external": ("note",)}  # event kind -> data keys with free text


def erase_inquiries(session: Session, parties: list[int]) -> dict[str, int]:
    personal = set(session.execute(select(col(AttributeDef.id)).where(col(AttributeDef.personal).is_(True))).scalars())
    codes = set(session.execute(select(col(AttributeDef.code)).where(col(AttributeDef.personal).is_(True))).scalars())
    tables = {spec.archive.name if archived else spec.live.name: spec.archive if archived else spec.live
              for spec in ARCHIVED for archived in (False, True)}
    counts: dict[str, int] = {}
    files: set[str] = set()
    for suffix in ("", "_archive"):
        inquiry, value, event, attachment = (tables[f"{name}{suffix}"] for name in
                                             ("inquiry", "inquiry_value", "inquiry_event", "attachment"))
        ids = list(session.execute(select(inquiry.c.id).where(inquiry.c.party_id.in_(parties))).scalars())
        counts[f"inquiries{suffix}"] = len(ids)
        if not ids:
            continue
        _run(session, update(inquiry).where(inquiry.c.id.in_(ids)).values(text="", resolution=""))
        _run(session, delete(value).where(value.c.inquiry_id.in_(ids), value.c.attribute_id.in_(personal)))
        _erase_events(session, event, ids, codes)
        files |= set(session.execute(select(attachment.c.sha256).where(attachment.c.inquiry_id.in_(ids))).scalars())
        counts[f"attachments{suffix}"] = _run(session, delete(attachment).where(attachment.c.inquiry_id.in_(ids)))
        _erase_notifications(session, ids)
        _run(session, update(ScriptRun).where(col(ScriptRun.inquiry_id).in_(ids)).values(captures={}))
        # notes on the inquiries (services/customers/notes) are free text about the customer
        counts[f"inquiry_notes{suffix}"] = _run(session, delete(Note).where(col(Note.entity) == "inquiry",
                                                                   col(Note.entity_id).in_(ids)))
    _drop_orphan_blobs(session, files, tables["attachment"], tables["attachment_archive"])
    return counts


def erase_work(session: Session, parties: list[int]) -> dict[str, int]:
    ids = list(session.execute(select(col(Callback.id)).where(col(Callback.party_id).in_(parties))).scalars())
    _run(session, update(Callback).where(col(Callback.id).in_(ids), col(Callback.state) == "scheduled")
         .values(state="cancelled"))
    _run(session, update(Callback).where(col(Callback.id).in_(ids)).values(number="", note=""))
    tasks = _run(session, update(WorkTask).where(col(WorkTask.party_id).in_(parties)).values(title="—"))
    notices = session.execute(select(col(Notification.id), col(Notification.data))
                              .where(col(Notification.event) == "callback_overdue")).all()
    told = [notice_id for notice_id, data in notices if (data or {}).get("callback_id") in ids]
    _run(session, update(Notification).where(col(Notification.id).in_(told))
         .values(subject="—", body="", body_html=None, data={}))
    return {"callbacks": len(ids), "tasks": tasks}


def _erase_events(session: Session, event: Table, ids: list[int], codes: set[str]) -> None:
    _run(session, update(event).where(event.c.inquiry_id.in_(ids)).values(text=""))
    rows = session.execute(select(event.c.id, event.c.kind, event.c.data).where(
        event.c.inquiry_id.in_(ids), event.c.kind.in_(["values_changed", *_PRIVATE_DATA]))).all()
    for event_id, kind, data in rows:
        hidden = codes if kind == "values_changed" else set(_PRIVATE_DATA[kind])
        kept = {key: item for key, item in (data or {}).items() if key not in hidden}
        if kept != data:
            _run(session, update(event).where(event.c.id == event_id).values(data=kept))


def _erase_notifications(session: Session, ids: list[int]) -> None:
    _run(session, update(Notification).where(col(Notification.inquiry_id).in_(ids))
         .values(subject="—", body="", body_html=None, data={}))


def _drop_orphan_blobs(session: Session, files: set[str], live: Table, archive: Table) -> None:
    """The erased files' content, unless another attachment row still points at it (stored once per sha256)."""
    blob = table_of(AttachmentBlob)
    _run(session, delete(blob).where(blob.c.sha256.in_(files), ~exists().where(live.c.sha256 == blob.c.sha256),
                                     ~exists().where(archive.c.sha256 == blob.c.sha256)))


def _run(session: Session, statement) -> int:
    return rowcount(session.execute(statement.execution_options(synchronize_session=False)))
