"""Mail for the intake tests: messages built with the standard library, dropped into a Maildir."""

from __future__ import annotations

import uuid
from email.message import EmailMessage
from pathlib import Path

from crmterm.settings import MailboxSettings, Settings


def message(*, sender: str, to: str = "support@telenova.example", subject: str, body: str = "Hello",
            files: dict[str, bytes] | None = None, message_id: str | None = None) -> bytes:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, to, subject
    mail["Message-ID"] = message_id or f"<{uuid.uuid4().hex}@customer.example>"
    mail.set_content(body)
    for name, data in (files or {}).items():
        mail.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return mail.as_bytes()


def maildir(root: Path) -> Path:
    for sub in ("new", "cur", "tmp"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    return root


def drop(box: Path, raw: bytes) -> str:
    name = f"{uuid.uuid4().hex}.test"
    (box / "new" / name).write_bytes(raw)
    return name


def maildir_settings(url: str, box: Path, **mailbox) -> Settings:
    return Settings(database_url=url, mailbox=MailboxSettings(maildir=str(box), **mailbox))
