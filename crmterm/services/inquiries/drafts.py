"""What a client hands to registration: a contact and the inquiries raised in it, as typed (codes, numbers,
values as text). Kept apart from registration so the reference resolver can name it without a circle."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, StrictBool, StrictInt
from pydantic import Field as Default


class ScriptRunDraft(BaseModel):
    """A finished script walk to save on the new inquiry: replayed from the choices (answer numbers, "read"
    for statements, capture text as typed), so the score and decisions are the script's, never the client's."""

    model_config = ConfigDict(extra="forbid")
    script: StrictInt | str  # a version's id, or a code (its published version)
    choices: list[Any] = Default(default_factory=list)


class ArticleChoice(BaseModel):
    """An approved knowledge-base article to attach to the new inquiry."""

    model_config = ConfigDict(extra="forbid")
    article: StrictInt | str  # id or slug
    lang: str | None = None  # the version the agent read; default: the article's first


class InquiryDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")
    topic: str | None = None  # code, or the numeric path an agent types ("3.1.1" or "311")
    priority: str | None = None
    text: str = ""
    values: dict[str, Any] = Default(default_factory=dict)  # attribute code -> value as typed
    parent: StrictInt | None = None  # the inquiry this one is spawned from
    link_to: StrictInt | None = None  # add the contact to this open inquiry instead of opening a new one
    close: StrictBool | None = None  # None: consultations close at once, requests and complaints stay open
    files: list[str] = Default(default_factory=list)  # paths, attached in the same transaction
    problem: StrictInt | None = None  # link it to this open system problem (services/inquiries/problem_links)
    # written on the inquiry in the same transaction (services/inquiries/registration_extras)
    script_runs: list[ScriptRunDraft] = Default(default_factory=list)
    kb_articles: list[ArticleChoice] = Default(default_factory=list)


class ContactDraft(BaseModel):
    model_config = ConfigDict(extra="forbid")
    at: datetime | None = None
    template: str | None = None  # its place, direction, channel and client category fill what is missing
    place: str | None = None
    direction: str | None = None
    channel: str | None = None
    client_category: str | None = None
    customer: StrictInt | None = None  # strict: JSON `true` is no customer number (bool is an int in Python)
    subscriber: str | None = None  # service number (any format) or id
    contact_person: StrictInt | None = None
    caller: str = ""
    text: str = ""
    inquiries: list[InquiryDraft] = Default(default_factory=list)
