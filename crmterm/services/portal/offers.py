"""What the portal offers, as admins set it: topics "offered in self-service" (with the attributes that stay
internal) and business functions marked "self-service"; the ratings customers gave their inquiries.

Admins change offers with DIRECTORY_WRITE (`crmterm portal offer-topic|offer-function`), audited; every
other call here is a read for the portal's pages."""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _, pick
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import functions
from crmterm.store import InquiryRating, PortalFunction, PortalTopic, Topic


@dataclass(frozen=True)
class OfferedTopic:
    code: str
    label: str
    internal_attributes: tuple[str, ...]


def offered_topics(session: Session) -> list[OfferedTopic]:
    rows = session.exec(select(Topic.code, Topic.labels, PortalTopic.internal_attributes)
                        .join(PortalTopic, col(PortalTopic.topic_id) == Topic.id)
                        .where(Topic.active, col(Topic.is_group).is_(False)).order_by(col(Topic.code))).all()
    return [OfferedTopic(code, pick(dict(labels), code), tuple(hidden)) for code, labels, hidden in rows]


def offered_topic(session: Session, code: str) -> OfferedTopic:
    """NotFound for a topic that is not offered (a customer cannot register on any other)."""
    for topic in offered_topics(session):
        if topic.code == code:
            return topic
    raise NotFound(_("Topic"), code)


def internal_attributes(session: Session, topic_code: str) -> set[str]:
    """Attributes customers never see: those marked internal on the offer (everything of a topic not offered
    is shown only as its values the customer gave, so a topic without an offer hides nothing more)."""
    row = session.exec(select(PortalTopic.internal_attributes).join(Topic, col(Topic.id) == PortalTopic.topic_id)
                       .where(Topic.code == topic_code)).first()
    return set(row or ())


def offer_topic(*, session: Session, actor: Actor, code: str, offered: bool = True,
                internal_attributes: list[str] | None = None, source: str = "cli") -> None:
    require(actor, Permission.DIRECTORY_WRITE)
    topic_id = session.exec(select(Topic.id).where(Topic.code == code)).first()
    if topic_id is None:
        raise NotFound(_("Topic"), code)
    session.execute(delete(PortalTopic).where(col(PortalTopic.topic_id) == topic_id))
    if offered:
        session.add(PortalTopic(topic_id=topic_id, internal_attributes=sorted(internal_attributes or [])))
    audit.record(session, actor, "offer" if offered else "withdraw", "portal_topic", code,
                 after={"internal_attributes": sorted(internal_attributes or [])} if offered else None, source=source)


@dataclass(frozen=True)
class OfferedFunction:
    name: str
    label: str
    topic: str
    params: dict


def offered_functions(session: Session) -> list[OfferedFunction]:
    """Self-service functions that are installed (and load), with their topic and fixed parameters."""
    installed = functions.registered()
    rows = session.exec(select(PortalFunction, Topic.code).join(Topic, col(Topic.id) == PortalFunction.topic_id)
                        .order_by(col(PortalFunction.name))).all()
    offered = []
    for row, topic in rows:
        if row.name in installed:
            try:
                label = functions.describe(row.name).label
            except Exception:  # noqa: BLE001 - a plugin that fails to import is left out, as in the TUI
                continue
            offered.append(OfferedFunction(row.name, label, topic, dict(row.params)))
    return offered


def offer_function(*, session: Session, actor: Actor, name: str, topic: str = "", offered: bool = True,
                   params: dict | None = None, source: str = "cli") -> None:
    """`topic`: each run is recorded as a closed inquiry of this topic on the customer's history."""
    require(actor, Permission.DIRECTORY_WRITE)
    if name not in functions.registered():
        raise NotFound(_("Business function"), name)
    session.execute(delete(PortalFunction).where(col(PortalFunction.name) == name))
    if offered:
        topic_id = session.exec(select(Topic.id).where(Topic.code == topic)).first()
        if topic_id is None:
            raise NotFound(_("Topic"), topic)
        session.add(PortalFunction(name=name, topic_id=topic_id, params=params or {}))
    audit.record(session, actor, "offer" if offered else "withdraw", "portal_function", name,
                 after={"topic": topic, "params": params or {}} if offered else None, source=source)


class OfferRow(BaseModel):
    kind: str  # topic | function
    code: str
    label: str
    detail: str  # a topic's internal attributes, a function's topic
    internal_attributes: list[str] = []  # a topic's, for the admin screen's form
    topic: str = ""  # a function's
    params: dict = {}  # a function's fixed parameters


def list_offers(*, session: Session, actor: Actor) -> list[OfferRow]:
    """What the portal offers, for `crmterm portal offers` and the admin screen (screens/admin/portal_offers)."""
    require(actor, Permission.DIRECTORY_READ)
    return ([OfferRow(kind="topic", code=t.code, label=t.label, detail=", ".join(t.internal_attributes),
                      internal_attributes=list(t.internal_attributes)) for t in offered_topics(session)]
            + [OfferRow(kind="function", code=f.name, label=f.label, detail=f.topic, topic=f.topic, params=f.params)
               for f in offered_functions(session)])


def rating_of(session: Session, inquiry_id: int) -> tuple[int, str] | None:
    row = session.get(InquiryRating, inquiry_id)
    return (row.score, row.remark) if row else None
