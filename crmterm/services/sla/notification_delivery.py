"""Delivering queued e-mail: claim a batch, send each message, record the outcome — each step its own short
transaction, so the SMTP conversation never holds the database.

Claiming is one guarded UPDATE: rows that are pending and due get this run's token, one more attempt and a
lease (`next_attempt_at` moved past the time the batch may take). A second deliverer's UPDATE re-checks the
guard and finds nothing to take (PostgreSQL: the subquery skips rows another deliverer has locked, FOR
UPDATE SKIP LOCKED; SQLite: writers run one at a time). A row is marked sent only after the server accepted
it, and only by the run holding its token. A failure schedules the next attempt with exponential backoff
(settings.MailSettings) until the last attempt marks it failed; a run that dies mid-batch leaves its rows to
be picked up again when the lease ends. Nothing is lost while the server is down: rows wait in the outbox.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import SYSTEM, Actor, Permission, require
from crmterm.services.sla import notification_mail as mail_out
from crmterm.services.sla.notification_mail import Outgoing, SmtpTransport, Transport
from crmterm.settings import MailSettings, Settings
from crmterm.store import Notification, outbox, utcnow
from crmterm.store.db import in_transaction
from crmterm.store.notifications import NotificationChannel as Channel
from crmterm.store.notifications import NotificationState as State
from crmterm.store.tables import saved_id

log = logging.getLogger("crmterm.notifications")
BATCH = 20


class DeliveryReport(BaseModel):
    sent: int = 0
    retrying: int = 0  # failed this time, another attempt is scheduled
    failed: int = 0  # failed for good (last attempt, or a permanent refusal)
    errors: list[str] = []  # "#id address: error", for the log and the CLI


def backoff(mail: MailSettings, attempts: int) -> timedelta:
    return outbox.backoff(mail.backoff_seconds, mail.backoff_max_seconds, attempts)


def lease(mail: MailSettings, batch: int) -> timedelta:
    """Longer than a batch can take (every message up to its timeout, a few SMTP round trips each)."""
    return timedelta(seconds=mail.timeout * 3 * batch + 60)


def claim(session: Session, *, token: str, now: datetime, until: datetime, limit: int) -> list[Outgoing]:
    outbox.claim_due(session, Notification, pending=State.PENDING, token=token, now=now, until=until, limit=limit,
                     where=(Notification.channel == Channel.EMAIL,))
    rows = session.exec(select(Notification).where(Notification.claim_token == token,
                                                   Notification.state == State.PENDING)
                        .order_by(col(Notification.id))).all()
    return [Outgoing(saved_id(r), r.address or "", r.subject, r.body, r.body_html, r.dedupe_key, r.attempts)
            for r in rows]


def _finish(session: Session, item: Outgoing, token: str, values: dict) -> None:
    outbox.finish_claimed(session, Notification, item.id, pending=State.PENDING, token=token, values=values)


def _outcome(item: Outgoing, error: Exception | None, mail: MailSettings, now: datetime) -> dict:
    if error is None:
        return {"state": State.SENT, "sent_at": now, "next_attempt_at": None, "last_error": None}
    if mail_out.permanent(error) or item.attempts >= mail.max_attempts:
        return {"state": State.FAILED, "next_attempt_at": None, "last_error": mail_out.describe(error, mail)}
    return {"next_attempt_at": now + backoff(mail, item.attempts), "last_error": mail_out.describe(error, mail)}


def deliver(*, settings: Settings, now: datetime | None = None, actor: Actor = SYSTEM,
            transport: Callable[[MailSettings], Transport] = SmtpTransport, batch: int = BATCH) -> DeliveryReport:
    """Send every e-mail that is due now, batch by batch; returns what happened."""
    require(actor, Permission.NOTIFICATIONS_ADMIN)
    clock = (lambda: now) if now is not None else utcnow
    report = DeliveryReport()
    while True:
        token, started = uuid.uuid4().hex, clock()
        claimed = in_transaction(settings.database_url, lambda s: claim(
            s, token=token, now=started, until=started + lease(settings.mail, batch), limit=batch))
        if not claimed:
            return report
        _send_batch(settings, claimed, token, transport(settings.mail), clock, report)
        if len(claimed) < batch:
            return report


def _send_batch(settings: Settings, claimed: list[Outgoing], token: str, transport: Transport,
                clock: Callable[[], datetime], report: DeliveryReport) -> None:
    down: Exception | None = None  # the server could not be reached: the rest of the batch waits too
    try:
        for item in claimed:
            error = down
            if error is None:
                try:
                    transport.send(mail_out.build(item, settings.mail.sender))
                except OSError as failure:  # smtplib's errors included
                    error = failure
                    down = failure if mail_out.unreachable(failure) else None
            values = _outcome(item, error, settings.mail, clock())
            in_transaction(settings.database_url, lambda s: _finish(s, item, token, values))
            _count(report, item, values, error)
    finally:
        transport.close()


def _count(report: DeliveryReport, item: Outgoing, values: dict, error: Exception | None) -> None:
    if error is None:
        report.sent += 1
        log.info("notification %s sent to %s", item.id, item.address)
        return
    if values.get("state") == State.FAILED:
        report.failed += 1
    else:
        report.retrying += 1
    report.errors.append(f"#{item.id} {item.address}: {values['last_error']}")
    log.warning("notification %s to %s: attempt %s failed: %s", item.id, item.address, item.attempts,
                values["last_error"])
