"""A raw message as intake reads it: who sent it to which address, subject, the plain-text body, the
attached files and the inquiry token a reply carries in its subject (`[#1234]`, as replies.subject_with_token
writes it). Parsing never fails: a mail too broken to read still becomes something an agent can look at."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr

TOKEN = re.compile(r"\[#(\d{1,12})\]")
MAX_TEXT = 4000  # what a contact's and an inquiry's text column hold
HEADER_LENGTH = 300  # what the subject columns hold (mail_message, notification)


def one_line(value: str) -> str:
    """A header value as stored and shown: one line (a line break would start a new header when it is sent
    again), no control characters, within the subject columns' length."""
    text = "".join(ch if ch.isprintable() else " " for ch in str(value))
    return re.sub(r"\s+", " ", text).strip()[:HEADER_LENGTH]


@dataclass(frozen=True)
class ParsedMail:
    message_id: str
    sender: str  # the address alone, lower case
    sender_name: str
    recipient: str  # the first To/Delivered-To address, lower case
    subject: str
    body: str
    attachments: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def token(self) -> int | None:
        """The inquiry a reply belongs to, as its subject names it."""
        found = TOKEN.search(self.subject)
        return int(found.group(1)) if found else None


def parse(raw: bytes) -> ParsedMail:
    try:
        return _parse(raw)
    except Exception:  # noqa: BLE001 - the email package has many ways to fail on broken mail; keep it readable
        text = raw.decode("utf-8", "replace")
        return ParsedMail(message_id=_message_id_of(raw), sender="", sender_name="", recipient="",
                          subject="", body="".join(ch for ch in text if ch.isprintable() or ch in "\n\t")[:MAX_TEXT])


def _message_id_of(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def _parse(raw: bytes) -> ParsedMail:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)  # policy.default builds EmailMessage
    name, sender = parseaddr(_header(message, "From"))
    recipients = getaddresses([_header(message, "To"), _header(message, "Delivered-To")])
    return ParsedMail(message_id=_message_id(message, raw), sender=sender.strip().lower()[:254],
                      sender_name=one_line(name)[:200],
                      recipient=next((a.lower() for _n, a in recipients if a), "")[:254],
                      subject=one_line(_header(message, "Subject")), body=_body(message)[:MAX_TEXT],
                      attachments=_attachments(message))


def _header(message: EmailMessage, name: str) -> str:
    try:
        return str(message.get(name) or "")
    except (ValueError, TypeError, IndexError):  # a header the parser cannot decode
        return ""


def _message_id(message: EmailMessage, raw: bytes) -> str:
    """The Message-ID, or a digest of the whole mail when it has none (the same mail read twice is one)."""
    given = _header(message, "Message-ID").strip()
    if given and len(given) <= 255:
        return given
    return "sha256:" + hashlib.sha256(given.encode()).hexdigest() if given else _message_id_of(raw)


def _body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        text = part.get_content()
    except (LookupError, ValueError):  # an unknown charset: the bytes as well as they decode
        payload = part.get_payload(decode=True)
        text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    if part.get_content_subtype() == "html":
        text = re.sub(r"<[^>]+>", " ", str(text))
    return "".join(ch for ch in str(text) if ch.isprintable() or ch in "\n\t").strip()


def _attachments(message: EmailMessage) -> list[tuple[str, bytes]]:
    found = []
    for part in message.iter_attachments():
        data = part.get_payload(decode=True)
        if isinstance(data, bytes):
            found.append((part.get_filename() or "attachment", data))
    return found
