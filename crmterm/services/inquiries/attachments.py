"""Files on an inquiry: type and size checked (the topic's limit, never above the global one), content
stored once per sha256 however many inquiries carry it."""

from __future__ import annotations

import hashlib
import mimetypes
from dataclasses import dataclass
from pathlib import Path

from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import inquiry_log
from crmterm.store import Attachment, AttachmentBlob, Inquiry, Topic
from crmterm.store.tables import saved_id
from crmterm.text import one_line

DEFAULT_TYPES = ("pdf", "png", "jpg", "jpeg", "gif", "txt", "csv", "doc", "docx", "xls", "xlsx", "odt", "ods",
                 "rtf", "eml", "msg", "wav", "mp3", "zip")


@dataclass(frozen=True)
class AttachmentLimits:
    max_kb: int = 10 * 1024
    types: tuple[str, ...] = DEFAULT_TYPES  # file name extensions, lower case


def _human(kb: int) -> str:
    return _("{n} MB").format(n=kb // 1024) if kb >= 1024 and kb % 1024 == 0 else _("{n} KB").format(n=kb)


def check_file(session: Session, inquiry_id: int, name: str, size: int, limits: AttachmentLimits) -> None:
    """Refuse before reading the content: unknown inquiry, a type not allowed, a file above the limit."""
    row = session.exec(select(Inquiry.id, Topic.attachment_max_kb).join(Topic, col(Topic.id) == Inquiry.topic_id)
                       .where(Inquiry.id == inquiry_id)).first()
    if row is None:
        raise NotFound(_("Inquiry"), inquiry_id)
    _inquiry_id, topic_max_kb = row
    problem = file_problem(name, size, topic_max_kb, limits)
    if problem:
        raise ValidationError("file", problem)


def file_problem(name: str, size: int, topic_max_kb: int | None, limits: AttachmentLimits) -> str | None:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in limits.types:
        return _("files of type '{t}' are not accepted (allowed: {a})").format(
            t=one_line(suffix) or _("no extension"), a=", ".join(limits.types))
    limit = min(limits.max_kb, topic_max_kb or limits.max_kb)
    if size > limit * 1024:
        return _("{name} is {size} KB; the limit for this topic is {limit}").format(
            name=one_line(name), size=-(-size // 1024), limit=_human(limit))
    if size == 0:
        return _("{name} is empty").format(name=one_line(name))
    return None


def path_problem(path: str, topic_max_kb: int | None, limits: AttachmentLimits) -> str | None:
    """For a file chosen before its inquiry exists (registration): what would refuse it, or None."""
    file = Path(path).expanduser()
    if not file.is_file():
        return _("no file {path}").format(path=one_line(path))
    return file_problem(file.name, file.stat().st_size, topic_max_kb, limits)


def attach(*, session: Session, actor: Actor, inquiry_id: int, name: str, data: bytes,
           limits: AttachmentLimits = AttachmentLimits()) -> int:
    require(actor, Permission.INQUIRIES_WRITE)
    name = safe_name(name)
    check_file(session, inquiry_id, name, len(data), limits)
    digest = hashlib.sha256(data).hexdigest()
    if session.get(AttachmentBlob, digest) is None:
        session.add(AttachmentBlob(sha256=digest, size=len(data), data=data))
        session.flush()
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    attachment = Attachment(inquiry_id=inquiry_id, name=name, mime=mime, size=len(data), sha256=digest,
                            created_by=actor.login)
    session.add(attachment)
    session.flush()
    inquiry_log.record(session, inquiry_id, actor, "attached", text=name, data={"attachment": attachment.id})
    return saved_id(attachment)


MAX_NAME = 255  # the column's length


def safe_name(name: str) -> str:
    """The file's own name, whatever path came with it (`../../x.pdf`, `C:\\dir\\x.pdf`), without control
    characters (NUL, escape sequences); refused when nothing usable is left or it is too long to store."""
    base = str(name).replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    if base in ("", ".", ".."):
        raise ValidationError("file", _("not a usable file name: '{n}'").format(n=one_line(str(name)[:80])))
    if len(base) > MAX_NAME:
        raise ValidationError("file", _("a file name may be at most {n} characters").format(n=MAX_NAME))
    return base


def attach_path(*, session: Session, actor: Actor, inquiry_id: int, path: str,
                limits: AttachmentLimits = AttachmentLimits()) -> int:
    """A file given by path (prompt or CLI): size and type checked before the content is read."""
    require(actor, Permission.INQUIRIES_WRITE)
    file = Path(path).expanduser()
    if not file.is_file():
        raise ValidationError("file", _("no file {path}").format(path=one_line(path)))
    check_file(session, inquiry_id, safe_name(file.name), file.stat().st_size, limits)  # before reading it
    return attach(session=session, actor=actor, inquiry_id=inquiry_id, name=file.name, data=file.read_bytes(),
                  limits=limits)


def content(*, session: Session, actor: Actor, attachment_id: int) -> tuple[str, bytes]:
    require(actor, Permission.INQUIRIES_READ)
    row = session.exec(select(Attachment.name, AttachmentBlob.data)
                       .join(AttachmentBlob, col(AttachmentBlob.sha256) == Attachment.sha256)
                       .where(Attachment.id == attachment_id)).first()
    if row is None:
        raise NotFound(_("Attachment"), attachment_id)
    name, data = row
    return name, data


def limits_of(settings) -> AttachmentLimits:
    """The limits a deployment configured (config file keys attachment_max_kb, attachment_types)."""
    return AttachmentLimits(max_kb=settings.attachment_max_kb, types=settings.attachment_types or DEFAULT_TYPES)
