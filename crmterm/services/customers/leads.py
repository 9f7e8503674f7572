"""Leads (potential customers) exported for the billing system as CSV (UTF-8 with BOM) or JSON; incrementally:
each export is a batch, and the next sends only new and changed leads (lead_batches)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from sqlmodel import Session, col, select

from crmterm.errors import ConfigError
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import lead_batches
from crmterm.services.customers.customers import read
from crmterm.store import Party
from crmterm.store.tables import saved_id

COLUMNS = ("id", "kind", "display_name", "name_en", "name_ru", "category", "email", "phone", "batch")


def export_leads(*, session: Session, actor: Actor, path: Path, batch: int = 5_000, resend_failed: bool = False,
                 everything: bool = False) -> int:
    """The leads new or changed since the last export (with `resend_failed` the ones billing rejected too,
    with `everything` all) into `path`, marked as sent in a new batch whose id each row carries. Reads leads
    in id order (keyset batches of `batch`). customers.write: the export records what it sent."""
    require(actor, Permission.CUSTOMERS_WRITE)
    rows = lead_batches.due(session, list(_rows(session, batch)), resend_failed=resend_failed, everything=everything)
    batch_id = lead_batches.start_batch(session, actor.login, path)
    rows = [row | {"batch": batch_id} for row in rows]
    try:
        if path.suffix.lower() == ".json":
            path.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=COLUMNS)
                writer.writeheader()
                writer.writerows(rows)
    except OSError as error:
        raise ConfigError(error.strerror or str(error), file=str(path)) from None
    lead_batches.mark_sent(session, batch_id, rows)
    audit.record(session, actor, "export", "leads", str(path), after={"rows": len(rows), "batch": batch_id},
                 source="cli")
    return len(rows)


def _rows(session: Session, batch: int):
    last = 0
    while True:
        parties = session.exec(select(Party).where(col(Party.is_lead).is_(True), Party.status == "active",
                                                   col(Party.id) > last).order_by(col(Party.id)).limit(batch)).all()
        if not parties:
            return
        for party in parties:
            lead = read(session, party)
            yield {"id": lead.id, "kind": lead.kind, "display_name": lead.display_name,
                   "name_en": lead.names.get("en", ""), "name_ru": lead.names.get("ru", ""),
                   "category": lead.category or "", "email": lead.email or "", "phone": lead.phone or ""}
        last = saved_id(parties[-1])
