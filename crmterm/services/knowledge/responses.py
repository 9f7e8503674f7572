"""The response library: canned answers per topic and language that an agent inserts into a comment, a reply
or a new inquiry's text, with variables filled from the inquiry and the agent, and a count of their use.

Admins manage the answers as a directory area (`responses`: the admin screen, `crmterm config` and the
functions below all go through the directory service, so the same checks and audit apply); agents find them
by words, their inquiry's topic and their language first, and insert them (`insert`, `render_response`)."""

from __future__ import annotations

import re
from datetime import datetime

from babel.dates import format_datetime
from pydantic import BaseModel
from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _, current_language
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import directory
from crmterm.services.directory.directory import EntryRead
from crmterm.services.inquiries import inquiries
from crmterm.services.knowledge import kb_search
from crmterm.services.knowledge.response_kinds import environment
from crmterm.store import CannedResponse, Party, Topic, User, utcnow

KIND = "responses"
_WORD = re.compile(r"\w+", re.UNICODE)


class ResponseRead(BaseModel):
    code: str
    label: str
    labels: dict[str, str]
    topic: str | None
    language: str
    body: str
    active: bool
    used_count: int
    last_used_at: datetime | None
    version: int


def _read(entry: EntryRead, row: CannedResponse) -> ResponseRead:
    values = entry.values
    return ResponseRead(code=values["code"], label=entry.label, labels=values["labels"], topic=values["topic"],
                        language=values["language"], body=values["body"], active=values["active"],
                        used_count=row.used_count, last_used_at=row.last_used_at, version=entry.version)


def _counts(session: Session) -> dict[str, CannedResponse]:
    return {row.code: row for row in session.exec(select(CannedResponse))}


def list_responses(*, session: Session, actor: Actor, search: str = "", topic: str | None = None,
                   language: str | None = None, active_only: bool = False, limit: int = 50) -> list[ResponseRead]:
    """Responses whose text, name or code hold every word of `search` (word beginnings; case and Russian
    endings ignored): those of `topic` (or a group above it) first, then the ones for any topic, then the
    rest; within each, `language` (default: the interface's) first, then the most used."""
    entries = directory.list_entries(session=session, actor=actor, kind=KIND, active_only=active_only,
                                     limit=directory.MAX_ROWS)
    rows, typed = _counts(session), [_stem(w) for w in kb_search.words(search)]
    found = [_read(e, rows[e.values["code"]]) for e in entries if _has_words(e.values, typed)]
    family, language = _topic_and_groups(session, topic), language or current_language()

    def rank(response: ResponseRead) -> tuple:
        place = 0 if response.topic in family else 1 if response.topic is None else 2
        return place, response.language != language, -response.used_count

    return sorted(found, key=rank)[:limit]  # stable: the directory's sort order breaks the ties


def _stem(word: str) -> str:
    """Russian words lose a short ending, so "тарифа" finds "тариф" and "тарифы"."""
    return word[:-2] if len(word) >= 6 and re.search(r"[\u0400-\u04ff]", word) else word


def _has_words(values: dict, typed: list[str]) -> bool:
    text = " ".join([values["code"], *values["labels"].values(), values["body"]]).casefold()
    present = _WORD.findall(text)
    return all(any(word.startswith(stem) for word in present) for stem in typed)


def _topic_and_groups(session: Session, code: str | None) -> set[str]:
    """The topic's code with the codes of the groups above it (an answer on a group serves its topics)."""
    parents = {row.code: row.parent_id for row in session.exec(select(Topic))}
    codes = {row.id: row.code for row in session.exec(select(Topic))}
    family: set[str] = set()
    while code is not None and code not in family:
        family.add(code)
        parent = parents.get(code)
        code = codes.get(parent) if parent is not None else None
    return family


def get_response(*, session: Session, actor: Actor, code: str) -> ResponseRead:
    entry = directory.get_entry(session=session, actor=actor, kind=KIND, key=code)
    return _read(entry, _row(session, code))


def _row(session: Session, code: str) -> CannedResponse:
    row = session.exec(select(CannedResponse).where(col(CannedResponse.code) == code)).first()
    if row is None:
        raise NotFound(_("Response"), code)
    return row


def create_response(*, session: Session, actor: Actor, values: dict, source: str = "cli") -> ResponseRead:
    """A new response; an unknown variable or a broken template is refused here, not when it is used."""
    entry = directory.create_entry(session=session, actor=actor, kind=KIND, values=values, source=source)
    return _read(entry, _row(session, entry.key))


def update_response(*, session: Session, actor: Actor, code: str, values: dict, expected_version: int | None,
                    source: str = "cli") -> ResponseRead:
    entry = directory.update_entry(session=session, actor=actor, kind=KIND, key=code, values=values,
                                   expected_version=expected_version, source=source)
    return _read(entry, _row(session, entry.key))


def delete_response(*, session: Session, actor: Actor, code: str, expected_version: int | None = None,
                    source: str = "cli") -> None:
    directory.delete_entry(session=session, actor=actor, kind=KIND, key=code, expected_version=expected_version,
                           source=source)


def preview(*, session: Session, actor: Actor, code: str, inquiry_id: int | None = None,
            customer_id: int | None = None) -> str:
    """The text as it would be inserted (without counting a use)."""
    require(actor, Permission.INQUIRIES_READ)
    response = get_response(session=session, actor=actor, code=code)
    return _render(response, _context(session, actor, response.language, inquiry_id, customer_id))


def insert(*, session: Session, actor: Actor, code: str, inquiry_id: int | None = None,
           customer_id: int | None = None) -> str:
    """The text to insert into a comment, a reply or a new inquiry (Register: no inquiry yet, the customer
    on the form), counted as one use. Variables nothing fills (an inquiry's number on Register) are empty."""
    require(actor, Permission.INQUIRIES_WRITE)
    text = preview(session=session, actor=actor, code=code, inquiry_id=inquiry_id, customer_id=customer_id)
    session.execute(update(CannedResponse).where(col(CannedResponse.code) == code).values(
        used_count=col(CannedResponse.used_count) + 1, last_used_at=utcnow()))
    return text


def render_response(session: Session, actor: Actor, response_code: str, inquiry_id: int) -> str:
    """The response filled in for an inquiry, counted as one use: what the reply form inserts. (Positional
    arguments allowed: the reply form's contract names this signature.)"""
    return insert(session=session, actor=actor, code=response_code, inquiry_id=inquiry_id)


def _context(session: Session, actor: Actor, language: str, inquiry_id: int | None,
             customer_id: int | None) -> dict[str, str]:
    context = {"agent": _agent_name(session, actor), "customer": "", "inquiry": "", "topic": "", "deadline": ""}
    if inquiry_id is not None:
        inquiry = inquiries.get_inquiry(session=session, actor=actor, inquiry_id=inquiry_id)
        topic = session.exec(select(Topic).where(col(Topic.code) == inquiry.topic)).one()
        context.update(customer=inquiry.customer or "", inquiry=str(inquiry.id),
                       topic=topic.labels.get(language) or inquiry.topic_label,
                       deadline=_when(inquiry.due_at, language))
    elif customer_id is not None:
        party = session.get(Party, customer_id)
        context["customer"] = party.display_name if party else ""
    return context


def _agent_name(session: Session, actor: Actor) -> str:
    user = session.get(User, actor.id) if actor.id is not None else None
    return (user.display_name if user else actor.display_name) or actor.login


def _when(value: datetime | None, language: str) -> str:
    """In the response's language and the workstation's time zone, like every screen's times."""
    if value is None:
        return ""
    return format_datetime(value.astimezone(), format="short", locale=language)


def _render(response: ResponseRead, context: dict[str, str]) -> str:
    from jinja2 import TemplateError

    try:
        return environment().from_string(response.body).render(context).strip()
    except TemplateError as error:  # saved before the check existed, or changed in the database by hand
        raise ValidationError("body", _("response '{code}' cannot be filled in: {error}").format(
            code=response.code, error=error)) from None
