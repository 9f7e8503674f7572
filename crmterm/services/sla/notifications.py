"""Enqueue notifications: who gets what, rendered once per recipient in the recipient's language, written to
the outbox in the caller's transaction (so a notification exists exactly when the change that raised it
was committed). Delivery is services/sla/notification_delivery; the in-app inbox is services/sla/notification_inbox.

Recipients are strings: `user:LOGIN` (in-app), `group:CODE` (in-app, every active member of the user group),
`list:CODE` (a mailing list: an e-mail to each address, and in-app to each active user whose e-mail address
is on the list) and an e-mail address (`email:ADDR` or just `ADDR`).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _, current_language
from crmterm.services.routing import live
from crmterm.services.sla.notification_templates import render
from crmterm.store import MailingList, Notification, User, utcnow
from crmterm.store.notifications import NotificationChannel, NotificationState

KEY_LENGTH = 255


@dataclass(frozen=True)
class Target:
    channel: str  # NotificationChannel
    user_id: int | None
    address: str | None
    language: str
    name: str = ""
    login: str | None = None

    @property
    def who(self) -> str:
        if self.channel == NotificationChannel.IN_APP:
            return f"user:{self.user_id}"
        return f"email:{(self.address or '').casefold()}"


def notify(*, session: Session, event: str, recipients: list[str], data: dict, key: str | None = None,
           inquiry_id: int | None = None, language: str | None = None, now: datetime | None = None) -> list[int]:
    """Queue `event` for every recipient; returns the ids of the rows written. `key` names the occurrence
    (default: the event and its data), so enqueueing it again adds nothing. `language` is for addresses
    that belong to no user (default: the current UI language). The caller owns the transaction."""
    now = now or utcnow()
    data = json.loads(json.dumps(data, default=str))  # stored as JSON: render exactly what is stored
    key = key or f"{event}:{hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:32]}"
    created = []
    for target in resolve(session, recipients, language or current_language()):
        rendered = render(event, target.language, data,
                          recipient={"name": target.name, "login": target.login, "address": target.address})
        created += _insert_once(session, _row(target, event, rendered, data, key, inquiry_id, now))
    if any(created):
        live.announce(session, None, channel=live.NOTIFICATIONS)
    return created


def _row(target: Target, event: str, rendered, data: dict, key: str, inquiry_id: int | None,
         now: datetime) -> dict:
    in_app = target.channel == NotificationChannel.IN_APP
    dedupe = f"{key}|{target.who}"
    if len(dedupe) > KEY_LENGTH:
        dedupe = "sha256:" + hashlib.sha256(dedupe.encode()).hexdigest()
    return {"channel": target.channel, "user_id": target.user_id, "address": target.address,
            "language": target.language, "event": event, "template": rendered.template,
            "subject": rendered.subject, "body": rendered.text, "body_html": rendered.html, "data": data,
            "inquiry_id": inquiry_id, "created_at": now, "attempts": 0, "last_error": rendered.error,
            "state": NotificationState.SENT if in_app else NotificationState.PENDING,
            "sent_at": now if in_app else None, "next_attempt_at": None if in_app else now, "dedupe_key": dedupe}


def _insert_once(session: Session, row: dict) -> list[int]:
    """INSERT … ON CONFLICT (dedupe_key) DO NOTHING: a concurrent or repeated enqueue never fails or doubles."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(Notification).values(**row)
                 .on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(Notification.id))
    return list(session.execute(statement).scalars())


def resolve(session: Session, recipients: list[str], language: str) -> list[Target]:
    """Recipients → distinct targets (one per user in-app, one per address by e-mail), in the given order."""
    targets: dict[str, Target] = {}
    users = _Users(session)
    for recipient in recipients:
        kind, _sep, value = recipient.partition(":") if ":" in recipient else ("email", "", recipient)
        value = value.strip()
        if kind == "user":
            found = [users.by_login(value)]
        elif kind == "group":
            found = users.in_group(value)
        elif kind == "list":
            found = _mailing_list(session, users, value, language)
        elif kind == "email" and "@" in value:
            found = [users.owner_of(value, language)]
        else:
            raise ValidationError("recipients", _("not a recipient: '{r}' (user:LOGIN, group:CODE, list:CODE or "
                                                  "an e-mail address)").format(r=recipient))
        for target in found:
            targets.setdefault(target.who, target)
    return list(targets.values())


def _mailing_list(session: Session, users: _Users, code: str, language: str) -> list[Target]:
    found = session.exec(select(MailingList).where(MailingList.code == code)).first()
    if found is None:
        raise NotFound(_("Mailing list"), code)
    if not found.active:
        return []
    targets = []
    for address in found.emails:
        targets.append(users.owner_of(address, language))
        member = users.by_email(address)
        if member is not None:
            targets.append(member)
    return targets


class _Users:
    """Active users, read once per call (configuration-sized: hundreds, not millions)."""

    def __init__(self, session: Session) -> None:
        self._rows = session.execute(select_rows(col(User.id), col(User.login), col(User.display_name),
                                                 col(User.language), col(User.email), col(User.groups))
                                     .where(col(User.active).is_(True))).all()

    def _target(self, row) -> Target:
        return Target(NotificationChannel.IN_APP, row.id, None, row.language or current_language(),
                      row.display_name or row.login, row.login)

    def by_login(self, login: str) -> Target:
        row = next((r for r in self._rows if r.login == login), None)
        if row is None:
            raise NotFound(_("User"), login)
        return self._target(row)

    def in_group(self, code: str) -> list[Target]:
        return [self._target(r) for r in self._rows if code in (r.groups or [])]

    def by_email(self, address: str) -> Target | None:
        row = next((r for r in self._rows if r.email and r.email.casefold() == address.casefold()), None)
        return self._target(row) if row else None

    def owner_of(self, address: str, language: str) -> Target:
        """An e-mail target, in its owner's language when the address is a user's."""
        row = next((r for r in self._rows if r.email and r.email.casefold() == address.casefold()), None)
        return Target(NotificationChannel.EMAIL, None, address.strip(), (row.language if row else None) or language,
                      (row.display_name or row.login) if row else "", row.login if row else None)
