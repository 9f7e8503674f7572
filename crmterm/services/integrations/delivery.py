"""The webhook deliverer (`crmterm webhook deliver`): claim due outbox rows, POST each as signed JSON, record
the attempt — each step its own short transaction, so a slow receiver never holds the database.

Claiming is one guarded UPDATE: due pending rows get this run's token, one more attempt and a lease (the next
attempt moved past the time the batch may take). A second deliverer finds nothing to take: on PostgreSQL the
subquery skips rows another has locked (FOR UPDATE SKIP LOCKED) and the guard re-checks; on SQLite writers
run one at a time. Only the holder of the token records the outcome; a deliverer that dies leaves its rows
to be taken again when the lease ends. A 2xx answer delivers; anything else (another status, a refused
connection, a timeout) schedules the next attempt with exponential backoff until the last one fails the row.
Receivers de-duplicate by `X-Crmterm-Delivery` (the outbox id): a row may be posted again after a lease ran
out, never by two deliverers at once."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import SYSTEM, Actor, Permission, require
from crmterm.settings import Settings, WebhookSettings
from crmterm.store import WebhookAttempt, WebhookOutbox, WebhookState, WebhookSubscription, outbox, utcnow
from crmterm.store.db import in_transaction

log = logging.getLogger("crmterm.webhooks")
BATCH = 20
USER_AGENT = "crmterm-webhooks"


class DeliveryReport(BaseModel):
    delivered: int = 0
    retrying: int = 0  # failed this time, another attempt is scheduled
    failed: int = 0  # failed for good (the last attempt)
    errors: list[str] = []  # "#id url: error", for the log and the CLI


@dataclass(frozen=True)
class _Claimed:
    id: int
    kind: str
    url: str
    secret: str
    body: bytes
    attempts: int


def sign(secret: str, body: bytes) -> str:
    """The `X-Crmterm-Signature` header: receivers compute the same over the raw body and compare."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def backoff(policy: WebhookSettings, attempts: int) -> timedelta:
    return outbox.backoff(policy.backoff_seconds, policy.backoff_max_seconds, attempts)


def _lease(policy: WebhookSettings, batch: int) -> timedelta:
    return timedelta(seconds=policy.timeout * batch + 60)  # longer than a batch of timeouts can take


def claim(session: Session, *, token: str, now: datetime, until: datetime, limit: int) -> list[_Claimed]:
    outbox.claim_due(session, WebhookOutbox, pending=WebhookState.PENDING, token=token, now=now, until=until,
                     limit=limit)
    rows = session.exec(select(WebhookOutbox, WebhookSubscription.url, WebhookSubscription.secret)
                        .join(WebhookSubscription, col(WebhookSubscription.id) == WebhookOutbox.subscription_id)
                        .where(WebhookOutbox.claim_token == token, WebhookOutbox.state == WebhookState.PENDING)
                        .order_by(col(WebhookOutbox.id))).all()
    return [_Claimed(row.id or 0, row.kind, url, secret, _body(row.payload), row.attempts)
            for row, url, secret in rows]


def _body(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def deliver(*, settings: Settings, actor: Actor = SYSTEM, batch: int = BATCH,
            clock: Callable[[], datetime] = utcnow) -> DeliveryReport:
    """Post everything that is due now, batch by batch; returns what happened."""
    require(actor, Permission.WEBHOOKS_ADMIN)
    report, policy = DeliveryReport(), settings.webhooks
    with httpx.Client(timeout=policy.timeout, follow_redirects=False,
                      headers={"User-Agent": USER_AGENT}) as client:
        while True:
            token, started = uuid.uuid4().hex, clock()
            claimed = in_transaction(settings.database_url, lambda s: claim(
                s, token=token, now=started, until=started + _lease(policy, batch), limit=batch))
            for item in claimed:
                status, error = _post(client, item)
                at = clock()
                values = _outcome(item, error, policy, at) | {"last_status": status, "last_error": error}
                if in_transaction(settings.database_url, lambda s: _finish(s, item, token, at, values)):
                    _count(report, item, values, error)
            if len(claimed) < batch:
                return report


def _post(client: httpx.Client, item: _Claimed) -> tuple[int | None, str | None]:
    headers = {"Content-Type": "application/json", "X-Crmterm-Event": item.kind,
               "X-Crmterm-Delivery": str(item.id), "X-Crmterm-Signature": sign(item.secret, item.body)}
    try:
        response = client.post(item.url, content=item.body, headers=headers)
    except (httpx.HTTPError, httpx.InvalidURL) as failure:  # refused, unreachable, timed out, a broken answer
        return None, f"{type(failure).__name__}: {failure}"[:1000]
    if response.is_success:
        return response.status_code, None
    return response.status_code, f"HTTP {response.status_code}"


def _finish(session: Session, item: _Claimed, token: str, at: datetime, values: dict) -> bool:
    if not outbox.finish_claimed(session, WebhookOutbox, item.id, pending=WebhookState.PENDING, token=token,
                                 values=values):
        return False
    error = values["last_error"]
    session.add(WebhookAttempt(outbox_id=item.id, at=at, status=values["last_status"], error=error,
                               delivered=error is None))
    return True


def _outcome(item: _Claimed, error: str | None, policy: WebhookSettings, now: datetime) -> dict:
    if error is None:
        return {"state": WebhookState.DELIVERED, "delivered_at": now}
    if item.attempts >= policy.max_attempts:
        return {"state": WebhookState.FAILED}
    return {"next_attempt_at": now + backoff(policy, item.attempts)}


def _count(report: DeliveryReport, item: _Claimed, values: dict, error: str | None) -> None:
    if error is None:
        report.delivered += 1
        log.info("webhook %s (%s) delivered to %s", item.id, item.kind, item.url)
        return
    if values.get("state") == WebhookState.FAILED:
        report.failed += 1
    else:
        report.retrying += 1
    report.errors.append(f"#{item.id} {item.url}: {error}")
    log.warning("webhook %s to %s: attempt %s failed: %s", item.id, item.url, item.attempts, error)
