"""Turning the codes and numbers of a contact draft into rows: template defaults, place, channel (one the
place's type allows), client category, customer / subscriber / contact person, topic and priority.

Problems are collected, not raised, so the registration reports every one of them at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import literal
from sqlmodel import Session, SQLModel, col, select

from crmterm.i18n import _
from crmterm.services.customers.customer_search import PREFIX_END
from crmterm.services.customers.customers import category_code
from crmterm.services.customers.phones import reversed_digits, significant_digits
from crmterm.services.topics.topics import path_spellings
from crmterm.store import (
    Channel,
    ClientCategory,
    ContactPerson,
    ContactTemplate,
    Contract,
    Party,
    Place,
    PlaceType,
    Priority,
    Subscriber,
    Topic,
    User,
    config_cache,
)
from crmterm.store.tables import saved_id, table_of

if TYPE_CHECKING:
    from crmterm.services.inquiries.drafts import ContactDraft

DIRECTIONS = ("in", "out")


@dataclass
class ContactRefs:
    operator_id: int | None = None
    operator: dict | None = None
    template_id: int | None = None
    place_id: int | None = None
    place: str | None = None
    direction: str = "in"
    channel_id: int | None = None
    channel: str | None = None
    client_category_id: int | None = None
    category: str | None = None
    party_id: int | None = None
    subscriber_id: int | None = None

    def rule_context(self, priority: str | None) -> dict:
        """The `customer`, `contact`, `operator` and priority parts of a rule's context (DESIGN.md §6)."""
        return {"customer": {"id": self.party_id or 0, "category": self.category or ""},
                "contact": {"place": self.place or "", "channel": self.channel or "", "direction": self.direction},
                "operator": self.operator or {}, "priority": priority}


@dataclass(frozen=True)
class TopicRef:
    id: int
    code: str
    inquiry_type: str
    priority_id: int | None
    priority: str | None
    attachment_max_kb: int | None


def resolve_contact(session: Session, draft: ContactDraft, problems: list, *, login: str | None = None
                    ) -> ContactRefs:
    """One query per reference: a code given in the draft wins over the template's default (by id)."""
    refs = ContactRefs()
    template = _template(session, draft.template, problems)
    _operator(session, refs, login)
    refs.template_id = template.id if template else None
    refs.direction = draft.direction or (template.direction if template else "in")
    if refs.direction not in DIRECTIONS:
        problems.append((None, "direction", _("use 'in' or 'out'")))
    place = _ref(session, Place, draft.place, template.default_place_id if template else None, "place", problems,
                 extra=PlaceType.channels)
    channel = _ref(session, Channel, draft.channel, template.channel_id if template else None, "channel", problems)
    category = _ref(session, ClientCategory, draft.client_category,
                    template.default_client_category_id if template else None, "client_category", problems)
    (refs.place_id, refs.place, allowed), (refs.channel_id, refs.channel, _n) = place, channel
    refs.client_category_id, refs.category, _n = category
    if allowed and refs.channel and refs.channel not in allowed:
        problems.append((None, "channel", _("'{c}' is not a channel of place '{p}' (allowed: {a})")
                         .format(c=refs.channel, p=refs.place, a=", ".join(allowed))))
    _whom(session, draft, refs, problems)
    return refs


def _template(session: Session, code: str | None, problems: list) -> ContactTemplate | None:
    if not code:
        return None
    found = session.exec(select(ContactTemplate).where(ContactTemplate.code == code)).first()
    if found is None or not found.active:
        problems.append((None, "template", _("no active template '{c}'").format(c=code)))
    return found


def _operator(session: Session, refs: ContactRefs, login: str | None) -> None:
    if login:
        user = config_cache.cached(session, ("registration_operator", login), lambda: _find_operator(session, login))
        if user is not None:
            user_id, user_login, role = user
            refs.operator_id = user_id
            refs.operator = {"login": user_login, "role": role}
            return
    refs.operator = {"login": login or "", "role": ""}


def _find_operator(session: Session, login: str) -> tuple | None:
    found = session.exec(select(User.id, User.login, User.role_code).where(User.login == login)).first()
    return tuple(found) if found is not None else None


def _ref(session: Session, model: type[SQLModel], code: str | None, default_id: int | None, field: str,
         problems: list, extra=None) -> tuple[int | None, str | None, list[str] | None]:
    """(id, code, extra column) of an active entry named by code, else of the template's default."""
    if not code and not default_id:
        return None, None, None
    found = config_cache.cached(session, ("registration_ref", table_of(model).name, code, None if code else default_id),
                                lambda: _find_ref(session, model, code, default_id, extra))
    if found is None or not found[2]:  # (id, code, active, extra)
        problems.append((None, field, _("no active entry '{c}'").format(c=code or default_id)))
        return None, code, None
    return found[0], found[1], found[3]


def _find_ref(session: Session, model: type[SQLModel], code: str | None, default_id: int | None, extra
              ) -> tuple | None:
    columns = table_of(model).c  # any directory area's: id, code and active
    query = select(columns.id, columns.code, columns.active, extra if extra is not None else literal(None))
    if extra is not None:  # a place brings its type's allowed channels
        query = query.join(PlaceType, col(PlaceType.id) == Place.place_type_id)
    found = session.exec(query.where(columns.code == code) if code else query.where(columns.id == default_id)).first()
    return tuple(found) if found is not None else None


def _whom(session: Session, draft: ContactDraft, refs: ContactRefs, problems: list) -> None:
    """The customer, or the customer of the given subscriber; a subscriber or contact person must belong
    to the customer."""
    own_category = None  # the customer's category, read with the customer (one query, not two)
    if draft.customer is not None:
        party = session.exec(select(Party.status, ClientCategory.code).where(Party.id == draft.customer)
                             .outerjoin(ClientCategory, col(ClientCategory.id) == Party.category_id)).first()
        if party is None or party[0] == "merged":
            problems.append((None, "customer", _("no customer number {n}").format(n=draft.customer)))
            return
        refs.party_id, own_category = draft.customer, party[1]
    if draft.subscriber:
        found = _subscriber(session, draft.subscriber)
        if found is None:
            problems.append((None, "subscriber", _("no subscriber '{n}'").format(n=draft.subscriber)))
        elif refs.party_id is not None and found.payer_party_id != refs.party_id:
            problems.append((None, "subscriber",
                             _("'{n}' is not a number of this customer").format(n=draft.subscriber)))
        else:
            refs.subscriber_id, refs.party_id = found.id, found.payer_party_id
    if draft.contact_person is not None:
        person = session.get(ContactPerson, draft.contact_person)
        if person is None or person.party_id != refs.party_id:
            problems.append((None, "contact_person", _("no contact person {n} of this customer")
                             .format(n=draft.contact_person)))
    if refs.party_id is not None and refs.category is None:
        refs.category = own_category if refs.party_id == draft.customer else category_code(session, refs.party_id)


def _subscriber(session: Session, key: str):
    """By id, or by number: the number's last digits (at least 7) must name exactly one subscriber."""
    query = select(Subscriber.id, Contract.payer_party_id).join(Contract, col(Contract.id) == Subscriber.contract_id)
    if key.isdecimal() and len(key) < 7:
        return session.exec(query.where(Subscriber.id == int(key))).first()
    rev = reversed_digits(significant_digits(key))  # "8 916 …" (a national prefix) is "+7 916 …"
    if len(rev) < 7:
        return None
    found = session.exec(query.where(Subscriber.number_rev >= rev, Subscriber.number_rev < rev + PREFIX_END)
                         .limit(2)).all()
    return found[0] if len(found) == 1 else None


@dataclass(frozen=True)
class _TopicRow:
    """What registration needs of a topic row, shareable between sessions (store/config_cache)."""
    id: int
    code: str
    active: bool
    is_group: bool
    inquiry_type: str
    default_priority_id: int | None
    attachment_max_kb: int | None


def resolve_topic(session: Session, key: str | None, priority: str | None, index: int, problems: list
                  ) -> TopicRef | None:
    if not key:
        problems.append((index, "topic", _("choose a topic")))
        return None
    topic = config_cache.cached(session, ("registration_topic", key), lambda: _find_topic(session, key))
    if topic is None or not topic.active:
        problems.append((index, "topic", _("no active topic '{t}'").format(t=key)))
        return None
    if topic.is_group:
        problems.append((index, "topic", _("'{t}' is a group: choose a topic in it").format(t=topic.code)))
        return None
    return TopicRef(topic.id, topic.code, topic.inquiry_type,
                    *_priority(session, topic, priority, index, problems), attachment_max_kb=topic.attachment_max_kb)


def _find_topic(session: Session, key: str) -> _TopicRow | None:
    spellings = path_spellings(key)
    topic = _topic_by_path(session, spellings) if spellings else \
        session.exec(select(Topic).where(Topic.code == key.strip())).first()
    if topic is None:
        return None
    return _TopicRow(saved_id(topic), topic.code, topic.active, topic.is_group, topic.inquiry_type,
                     topic.default_priority_id, topic.attachment_max_kb)


def _topic_by_path(session: Session, spellings: list[list[int]]) -> Topic | None:
    """One query: every topic whose numeric code appears in any spelling, then down each path in Python."""
    wanted = {n for spelling in spellings for n in spelling}
    index = {(t.parent_id, t.short_code): t
             for t in session.exec(select(Topic).where(col(Topic.short_code).in_(wanted))).all()}
    for spelling in spellings:
        topic = None
        for number in spelling:
            topic = index.get((topic.id if topic else None, number))
            if topic is None or not topic.active:
                break
        else:
            return topic
    return None


def _priority(session: Session, topic: _TopicRow, code: str | None, index: int, problems: list
              ) -> tuple[int | None, str | None]:
    default_id = None if code else topic.default_priority_id
    found = config_cache.cached(session, ("registration_priority", code, default_id),
                                lambda: _find_priority(session, code, default_id))
    if code and found is None:
        problems.append((index, "priority", _("no active priority '{c}'").format(c=code)))
    return found or (None, None)


def _find_priority(session: Session, code: str | None, default_id: int | None) -> tuple[int | None, str] | None:
    query = select(Priority.id, Priority.code)
    if code:
        found = session.exec(query.where(Priority.code == code, col(Priority.active).is_(True))).first()
    elif default_id:
        found = session.exec(query.where(Priority.id == default_id)).first()
    else:
        found = session.exec(query.where(col(Priority.is_default).is_(True))).first()
    return (found[0], found[1]) if found else None
