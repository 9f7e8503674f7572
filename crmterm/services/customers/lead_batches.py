"""Incremental lead export (issue 28, item 6): what each export sent to billing and what billing answered.

Each export is a batch; every lead in it gets a state row: the batch, when it was sent, a fingerprint of the
row sent, and billing's answer — sent (no answer yet), accepted, or rejected with a reason. The next export
sends only leads never sent and leads whose row changed since (a new fingerprint); a lead sent and not yet
answered is not sent again. `--resend-failed` adds the rejected ones as they are, `--all` sends every lead.
Billing answers with an acknowledgement file (CSV `id,status,reason[,batch]` or a JSON list of the same
objects); an answer naming an older batch than the lead's last one is stale and skipped."""

from __future__ import annotations

import csv
import hashlib
import json
from datetime import datetime
from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import ConfigError
from crmterm.i18n import N_, _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import LeadExportBatch, LeadExportState, utcnow
from crmterm.store.tables import saved_id

STATUSES = {"sent": N_("sent, no answer yet"), "accepted": N_("accepted"), "rejected": N_("rejected")}


class LeadExportRead(BaseModel):
    """A lead's last export, for its card."""

    batch_id: int
    sent_at: datetime
    status: str
    reason: str
    answered_at: datetime | None

    def text(self) -> str:
        reason = f": {self.reason}" if self.reason else ""
        return _("exported to billing in batch {batch}: {status}{reason}").format(
            batch=self.batch_id, status=_(STATUSES.get(self.status, self.status)), reason=reason)


class AckReport(BaseModel):
    accepted: int = 0
    rejected: int = 0
    stale: int = 0
    errors: list[tuple[int, str]] = []  # (line, message)


def fingerprint(row: dict) -> str:
    return hashlib.sha256(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str).encode()).hexdigest()


def due(session: Session, rows: list[dict], *, resend_failed: bool, everything: bool) -> list[dict]:
    """The rows the next export sends (see the module's text)."""
    if everything:
        return rows
    states = _states(session, [r["id"] for r in rows])
    return [row for row in rows if (state := states.get(row["id"])) is None
            or state.fingerprint != fingerprint(row) or (resend_failed and state.status == "rejected")]


def _states(session: Session, party_ids: list[int], chunk: int = 1_000) -> dict[int, LeadExportState]:
    """The leads' states, asked for `chunk` ids at a time (a parameter list stays within every backend's limit)."""
    found: dict[int, LeadExportState] = {}
    for start in range(0, len(party_ids), chunk):
        found |= {s.party_id: s for s in session.exec(select(LeadExportState).where(
            col(LeadExportState.party_id).in_(party_ids[start:start + chunk])))}
    return found


def start_batch(session: Session, login: str, path: Path) -> int:
    batch = LeadExportBatch(file=str(path)[:500], exported_by=login)
    session.add(batch)
    session.flush()
    return saved_id(batch)


def mark_sent(session: Session, batch_id: int, rows: list[dict]) -> None:
    """Each row's lead as sent in `batch_id` (the row without its batch column: that is what changes are
    measured against)."""
    now = utcnow()
    states = _states(session, [r["id"] for r in rows])
    for row in rows:
        state = states.get(row["id"]) or LeadExportState(party_id=row["id"], batch_id=batch_id, sent_at=now,
                                                         fingerprint="")
        state.batch_id, state.sent_at, state.status, state.reason, state.answered_at = batch_id, now, "sent", "", None
        state.fingerprint = fingerprint({k: v for k, v in row.items() if k != "batch"})
        session.add(state)
    batch = session.get(LeadExportBatch, batch_id)
    if batch is not None:
        batch.leads = len(rows)
        session.add(batch)
    session.flush()


def acknowledge(*, session: Session, actor: Actor, path: Path, source: str = "cli") -> AckReport:
    """Billing's answers from an acknowledgement file: each lead accepted, or rejected with a reason."""
    require(actor, Permission.CUSTOMERS_WRITE)
    report, now = AckReport(), utcnow()
    for line, answer in _answers(path):
        problem = _apply(session, answer, now, report)
        if problem:
            report.errors.append((line, problem))
    session.flush()
    audit.record(session, actor, "import", "lead_acks", str(path), source=source,
                 after=report.model_dump(include={"accepted", "rejected", "stale"}))
    return report


def _apply(session: Session, answer: dict, now: datetime, report: AckReport) -> str | None:
    """One answer applied to its lead's state; the problem with it, or None."""
    status = str(answer.get("status") or "").strip().lower()
    if status not in ("accepted", "rejected"):
        return _("status must be accepted or rejected")
    raw_id, raw_batch = (str(answer.get(key) if answer.get(key) is not None else "").strip() for key in ("id", "batch"))
    state = session.get(LeadExportState, int(raw_id)) if raw_id.isdecimal() else None
    if state is None:
        return _("lead {id} was never exported").format(id=raw_id)
    if raw_batch and (not raw_batch.isdecimal() or int(raw_batch) < state.batch_id):
        report.stale += 1
        return None
    state.status, state.answered_at = status, now
    state.reason = str(answer.get("reason") or "").strip()[:500] if status == "rejected" else ""
    session.add(state)
    setattr(report, status, getattr(report, status) + 1)
    return None


def _answers(path: Path) -> list[tuple[int, dict]]:
    try:
        if path.suffix.lower() == ".json":
            document = json.loads(path.read_text(encoding="utf-8-sig"))
            if not isinstance(document, list) or not all(isinstance(item, dict) for item in document):
                raise ConfigError(_("expected a list of objects with id, status and reason"), file=str(path))
            return list(enumerate(document, start=1))
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [(number, row) for number, row in enumerate(csv.DictReader(handle), start=2)]
    except OSError as error:
        raise ConfigError(error.strerror or str(error), file=str(path)) from None
    except (ValueError, csv.Error) as error:
        raise ConfigError(str(error).splitlines()[0], file=str(path)) from None


def state_of(session: Session, party_id: int) -> LeadExportRead | None:
    """The lead's last export and billing's answer (None: never exported). The caller has checked."""
    state = session.get(LeadExportState, party_id)
    if state is None:
        return None
    return LeadExportRead(batch_id=state.batch_id, sent_at=state.sent_at, status=state.status,
                          reason=state.reason, answered_at=state.answered_at)
