"""Reading the mailbox (settings.MailboxSettings): a Maildir folder or an IMAP server, each mail taken in its
own transaction and only then marked as read — moved from new/ to cur/ (Maildir) or flagged \\Seen (IMAP).
A run that dies between the two finds the mail again next time, and intake ignores it as a duplicate by its
Message-ID: a mail is never lost and never taken twice."""

from __future__ import annotations

import imaplib
import logging
import os
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries.attachments import limits_of
from crmterm.services.mail import intake
from crmterm.settings import MailboxSettings, Settings
from crmterm.store.db import in_transaction

log = logging.getLogger("crmterm.mail")


class FetchReport(BaseModel):
    mailbox: str
    inquiries: list[int] = []  # new inquiries
    replies: list[int] = []  # inquiries a reply was added to
    duplicates: int = 0
    unmatched: int = 0
    failed: list[str] = []  # "Message-ID: why"


class Mailbox(Protocol):
    name: str

    def unseen(self) -> Iterator[tuple[str, bytes]]: ...  # (key, raw message)

    def done(self, key: str) -> None: ...


class MaildirBox:
    def __init__(self, path: str) -> None:
        self.root = Path(path).expanduser()
        if not (self.root / "new").is_dir() or not (self.root / "cur").is_dir():
            raise ConfigError(_("mailbox: {path} is not a Maildir folder (it needs new/ and cur/)").format(path=path))
        self.name = f"maildir:{self.root}"

    def unseen(self) -> Iterator[tuple[str, bytes]]:
        for file in sorted((self.root / "new").iterdir()):
            if file.is_file() and not file.name.startswith("."):
                yield file.name, file.read_bytes()

    def done(self, key: str) -> None:
        """Maildir's protocol: a message that has been seen lives in cur/ with the S flag."""
        os.replace(self.root / "new" / key, self.root / "cur" / f"{key.split(':', 1)[0]}:2,S")


class ImapBox:
    def __init__(self, box: MailboxSettings) -> None:
        self.name = f"imap://{box.username or ''}@{box.imap_host}:{box.imap_port}/{box.folder}"
        self.imap = _connect(box)
        try:
            self.imap.login(box.username or "", box.password or "")
            status, _data = self.imap.select(_quoted(box.folder))
            if status != "OK":
                raise ConfigError(_("mailbox: no folder {folder} on the server").format(folder=box.folder))
        except BaseException:
            self.close()
            raise

    def unseen(self) -> Iterator[tuple[str, bytes]]:
        _status, found = self.imap.uid("SEARCH", "UNSEEN")
        for uid in (found[0] or b"").decode().split():
            _status, parts = self.imap.uid("FETCH", uid, "(BODY.PEEK[])")  # PEEK: not \Seen until taken in
            raw = next((p[1] for p in parts if isinstance(p, tuple)), None)
            if isinstance(raw, bytes):
                yield uid, raw

    def done(self, key: str) -> None:
        self.imap.uid("STORE", key, "+FLAGS", "(\\Seen)")

    def close(self) -> None:
        try:
            self.imap.logout()
        except (imaplib.IMAP4.error, OSError):
            pass


def _connect(box: MailboxSettings) -> imaplib.IMAP4:
    try:
        if box.plain or box.starttls:
            imap = imaplib.IMAP4(box.imap_host or "", box.imap_port, timeout=box.timeout)
            if box.starttls:
                imap.starttls(ssl_context=ssl.create_default_context())
            return imap
        return imaplib.IMAP4_SSL(box.imap_host or "", box.imap_port, ssl_context=ssl.create_default_context(),
                                 timeout=box.timeout)
    except (imaplib.IMAP4.error, OSError) as error:
        raise ConfigError(_("mailbox: cannot reach {host}:{port}: {error}").format(
            host=box.imap_host, port=box.imap_port, error=error)) from None


def _quoted(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


@contextmanager
def opened(box: MailboxSettings) -> Iterator[Mailbox]:
    if box.maildir:
        yield MaildirBox(box.maildir)
        return
    if not box.imap_host:
        raise ConfigError(_("mailbox: set maildir or imap_host (config.yaml `mailbox:` or CRMTERM_MAILBOX_*)"))
    imap = ImapBox(box)
    try:
        yield imap
    except imaplib.IMAP4.error as error:
        raise ConfigError(_("mailbox: the server refused: {error}").format(error=error)) from None
    finally:
        imap.close()


def fetch(*, settings: Settings, actor: Actor) -> FetchReport:
    """Take in every unread mail of the configured mailbox, each in its own transaction."""
    require(actor, Permission.INQUIRIES_WRITE)
    limits = limits_of(settings)
    with opened(settings.mailbox) as box:
        report = FetchReport(mailbox=box.name)
        for key, raw in box.unseen():
            try:
                taken = in_transaction(settings.database_url, lambda s: intake.take_in(
                    session=s, actor=actor, raw=raw, mailbox=box.name, limits=limits,
                    reopen_days=settings.mailbox.reopen_days))
            except SQLAlchemyError as error:
                # One mail that breaks its transaction must not block the mailbox for good: it is kept as
                # failed, with the error, in a transaction of its own. If that fails too (the database is
                # down), the run stops here and the mail stays unread for the next one.
                log.exception("mail %s could not be taken in", key)
                why = f"{type(error).__name__}: {error}"
                taken = in_transaction(settings.database_url, lambda s: intake.keep_failed(
                    session=s, actor=actor, raw=raw, mailbox=box.name, error=why))
            box.done(key)
            _count(report, taken)
    return report


def _count(report: FetchReport, taken: intake.Taken) -> None:
    if taken.outcome == "inquiry" and taken.inquiry_id:
        report.inquiries.append(taken.inquiry_id)
    elif taken.outcome == "reply" and taken.inquiry_id:
        report.replies.append(taken.inquiry_id)
    elif taken.outcome == "duplicate":
        report.duplicates += 1
    elif taken.outcome == "unmatched":
        report.unmatched += 1
    else:
        report.failed.append(f"{taken.message_id}: {taken.error}")

