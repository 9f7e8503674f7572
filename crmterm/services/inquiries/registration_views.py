"""What the registration screen reads: its choices (topics, places, channels, categories) in one call, the
caller looked up from a number or any search text, and a topic's form with the repeats of the customer."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session, select

from crmterm.errors import ValidationError
from crmterm.i18n import pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import blacklist
from crmterm.services.customers import customer_search
from crmterm.services.customers.customer_search import SearchHit
from crmterm.services.customers.party_inquiries import InquirySummary
from crmterm.services.customers.phones import digits
from crmterm.services.inquiries import inquiries
from crmterm.services.topics.attribute_checks import FormPreview, preview
from crmterm.services.topics.topics import TopicNode, topic_tree
from crmterm.store import Channel, ClientCategory, Place, Priority


@dataclass
class RegistrationChoices:
    topics: list[TopicNode]
    places: list[tuple[str, str]]  # (label, code), as a Select takes them
    channels: list[tuple[str, str]]
    categories: list[tuple[str, str]]
    priorities: list[tuple[str, str]]


def choices(*, session: Session, actor: Actor) -> RegistrationChoices:
    require(actor, Permission.INQUIRIES_WRITE)

    def listing(model) -> list[tuple[str, str]]:
        rows = session.exec(select(model.code, model.labels).where(model.active.is_(True))
                            .order_by(*((model.rank,) if model is Priority else ()), model.sort_order,
                                      model.code)).all()  # priorities by rank: a scale, most urgent first
        return [(pick(labels, code), code) for code, labels in rows]

    return RegistrationChoices(topic_tree(session=session, actor=actor, active_only=True), listing(Place),
                               listing(Channel), listing(ClientCategory), listing(Priority))


@dataclass
class Caller:
    hits: list[SearchHit]
    subscriber: str | None  # the number searched, when it was one: the contact records the subscriber
    flags: list[str] = field(default_factory=list)  # the number searched is blacklisted: warnings to show


def find_caller(*, session: Session, actor: Actor, query: str, limit: int = 20) -> Caller:
    """`subscriber`: the number of the first hit when it was found by phone (any number of digits). `flags`:
    the blacklist's warnings for the number itself — an anonymous caller (no customer has it) is warned of
    too."""
    hits = customer_search.search(session=session, actor=actor, query=query, limit=limit)
    flags = _number_flags(session, actor, query)
    if hits and hits[0].subscriber:
        return Caller(hits, hits[0].subscriber, flags)
    number = digits(query)
    by_phone = len(number) >= 7 and all(h.matched == "phone" for h in hits[:1])
    return Caller(hits, query.strip() if by_phone and hits else None, flags)


def _number_flags(session: Session, actor: Actor, query: str) -> list[str]:
    if len(digits(query)) < 7:
        return []
    try:
        return [flag.text() for flag in blacklist.check(session=session, actor=actor, phone=query)]
    except ValidationError:  # not a phone number after all (a contract number, a name with digits)
        return []


@dataclass
class TopicForm:
    preview: FormPreview
    repeats: list[InquirySummary]


def topic_form(*, session: Session, actor: Actor, topic: str, values: dict[str, Any], customer_id: int | None,
               repeat_days: int, context: dict | None = None) -> TopicForm:
    """The form for `topic` with `values` carried over, and the customer's repeats on that topic."""
    form = preview(session=session, actor=actor, topic=topic, raw=values, customer_id=customer_id, context=context)
    repeats = inquiries.repeats(session=session, actor=actor, party_id=customer_id, topic=topic,
                                days=repeat_days) if customer_id else []
    return TopicForm(form, repeats)
