"""Webhook subscriptions: one event kind to one http(s) URL, signed with a secret that is shown once, when
the subscription is made (admins only)."""

from __future__ import annotations

import secrets
from datetime import datetime
from urllib.parse import urlsplit

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import WebhookOutbox, WebhookState, WebhookSubscription, utcnow
from crmterm.store.tables import saved_id

EVENT_KINDS = ("inquiry.created", "inquiry.moved", "inquiry.closed", "sla.warning", "sla.breach",
               "problem.opened", "problem.closed", "collections.reminder")
SECRET_MIN = 16  # a shorter secret could be guessed by whoever wants to forge an event


class SubscriptionRead(BaseModel):
    id: int
    kind: str
    url: str
    created_at: datetime
    created_by: str


class SubscriptionAdded(SubscriptionRead):
    secret: str  # returned once: it is never listed again


def add_subscription(*, session: Session, actor: Actor, kind: str, url: str,
                     secret: str | None = None) -> SubscriptionAdded:
    require(actor, Permission.WEBHOOKS_ADMIN)
    row = WebhookSubscription(kind=_kind(kind), url=_url(url), secret=_secret(secret), created_by=actor.login)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", "webhooks", str(row.id), after={"kind": row.kind, "url": row.url},
                 source="cli")
    return SubscriptionAdded(**_read(row).model_dump(), secret=row.secret)


def list_subscriptions(*, session: Session, actor: Actor) -> list[SubscriptionRead]:
    require(actor, Permission.WEBHOOKS_ADMIN)
    rows = session.exec(select(WebhookSubscription).where(col(WebhookSubscription.removed_at).is_(None))
                        .order_by(col(WebhookSubscription.id))).all()
    return [_read(row) for row in rows]


def remove_subscription(*, session: Session, actor: Actor, subscription_id: int) -> SubscriptionRead:
    """The row stays (the delivery log names it); what still waits for it will not be sent."""
    require(actor, Permission.WEBHOOKS_ADMIN)
    row = session.get(WebhookSubscription, subscription_id)
    if row is None or row.removed_at is not None:
        raise NotFound(_("Webhook"), subscription_id)
    row.removed_at, row.removed_by = utcnow(), actor.login
    session.add(row)
    waiting = session.exec(select(WebhookOutbox).where(WebhookOutbox.subscription_id == subscription_id,
                                                       WebhookOutbox.state == WebhookState.PENDING)).all()
    for item in waiting:
        item.state, item.last_error, item.claim_token = WebhookState.FAILED, _("the webhook was removed"), None
        session.add(item)
    audit.record(session, actor, "delete", "webhooks", str(subscription_id),
                 before={"kind": row.kind, "url": row.url}, source="cli")
    return _read(row)


def _read(row: WebhookSubscription) -> SubscriptionRead:
    return SubscriptionRead(id=saved_id(row), kind=row.kind, url=row.url, created_at=row.created_at,
                            created_by=row.created_by)


def _kind(kind: str) -> str:
    if kind not in EVENT_KINDS:
        raise ValidationError("kind", _("one of: {choices}").format(choices=", ".join(EVENT_KINDS)))
    return kind


def _url(url: str) -> str:
    url = url.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        host = None
        parts = None
    if parts is None or parts.scheme.lower() not in ("http", "https") or not host:
        raise ValidationError("url", _("an http:// or https:// address is expected, not {url}").format(url=url))
    if len(url) > 2000 or any(ch.isspace() or ord(ch) < 32 for ch in url):
        raise ValidationError("url", _("the address is too long or holds spaces or control characters"))
    return url


def _secret(secret: str | None) -> str:
    if secret is None:
        return secrets.token_hex(32)
    if not SECRET_MIN <= len(secret) <= 128 or not secret.isprintable() or secret != secret.strip():
        raise ValidationError("secret", _("a secret is {least} to 128 printable characters, without spaces "
                                          "around").format(least=SECRET_MIN))
    return secret
