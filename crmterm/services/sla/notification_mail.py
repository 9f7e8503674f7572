"""E-mail out: the message built from an outbox row, and an SMTP connection (smtplib) configured by
settings.MailSettings. Which failures are worth another attempt is decided here: a server that is down,
busy (4xx) or refusing our credentials may recover; a 5xx refusal of the recipient or the message will not."""

from __future__ import annotations

import hashlib
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate
from typing import Protocol

from crmterm.settings import MailSettings


@dataclass(frozen=True)
class Outgoing:
    """One claimed e-mail: plain data, safe to use outside the transaction that claimed it."""

    id: int
    address: str
    subject: str
    body: str
    body_html: str | None
    dedupe_key: str
    attempts: int  # including the one about to be made


def build(item: Outgoing, sender: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = item.address
    message["Subject"] = item.subject
    message["Date"] = formatdate(usegmt=True)
    # Stable per notification: if a send is ever repeated (a deliverer died after the server accepted the
    # message), receiving systems can recognise the duplicate.
    digest = hashlib.sha256(item.dedupe_key.encode()).hexdigest()[:16]
    message["Message-ID"] = f"<crmterm.{item.id}.{digest}@{sender.rpartition('@')[2] or 'localhost'}>"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies to a robot
    message.set_content(item.body)
    if item.body_html:
        message.add_alternative(item.body_html, subtype="html")
    return message


class Transport(Protocol):
    def send(self, message: EmailMessage) -> None: ...

    def close(self) -> None: ...


class SmtpTransport:
    """One SMTP session for a batch: connected on the first message, reconnected if the server dropped it."""

    def __init__(self, mail: MailSettings) -> None:
        self.mail = mail
        self._smtp: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        mail = self.mail
        smtp: smtplib.SMTP
        if mail.ssl:
            smtp = smtplib.SMTP_SSL(mail.host, mail.port, timeout=mail.timeout,
                                    context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(mail.host, mail.port, timeout=mail.timeout)
        try:
            if mail.starttls and not mail.ssl:
                smtp.starttls(context=ssl.create_default_context())
            if mail.username:
                smtp.login(mail.username, mail.password or "")
        except BaseException:
            smtp.close()
            raise
        return smtp

    def send(self, message: EmailMessage) -> None:
        if self._smtp is None:
            self._smtp = self._connect()
        try:
            refused = self._smtp.send_message(message)
        except smtplib.SMTPServerDisconnected:
            self._smtp = None  # the next message connects again
            raise
        if refused:  # only some recipients refused: we send one recipient per message, so this is a refusal
            raise smtplib.SMTPRecipientsRefused(refused)

    def close(self) -> None:
        smtp, self._smtp = self._smtp, None
        if smtp is not None:
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()


def permanent(error: Exception) -> bool:
    """A refusal that another attempt will not change (5xx for this recipient or this message)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(500 <= code < 600 for code, _text in error.recipients.values())
    return isinstance(error, smtplib.SMTPDataError) and 500 <= error.smtp_code < 600


def unreachable(error: Exception) -> bool:
    """The server cannot take any message now (down, or refusing our session): the rest of a batch waits too.
    (smtplib's errors are OSErrors as well: socket errors are the OSErrors that are not SMTP replies.)"""
    session = (smtplib.SMTPConnectError, smtplib.SMTPHeloError, smtplib.SMTPAuthenticationError,
               smtplib.SMTPNotSupportedError)
    return isinstance(error, session) or not isinstance(error, smtplib.SMTPException)


def describe(error: Exception, mail: MailSettings) -> str:
    """The error as stored and shown to admins; never the password, whatever a server echoes back."""
    text = f"{type(error).__name__}: {error}".strip()
    if mail.password:
        text = text.replace(mail.password, "***")
    return text[:1000]
