"""Customers rate their closed inquiries (1–5 and a remark) in the portal; the rating is kept on the inquiry
(store.InquiryRating, shown in the portal and in `crmterm portal ratings`) and reported by topic and agent
(who closed the inquiry)."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time, timedelta

from pydantic import BaseModel
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from crmterm.errors import Conflict, ValidationError, refuse_control
from crmterm.i18n import _, pick
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import inquiry_log
from crmterm.services.portal.access import PORTAL
from crmterm.services.portal.identity import PortalCustomer
from crmterm.services.portal.my_inquiries import own
from crmterm.store import Inquiry, InquiryEvent, InquiryRating, Topic, utcnow

MAX_REMARK = 1000
UTC_MIDNIGHT = time(0, 0, tzinfo=UTC)


def rate(*, session: Session, customer: PortalCustomer, inquiry_id: int, score: int, remark: str = "") -> None:
    """Rate a closed inquiry of the customer's; rating again replaces the earlier rating."""
    inquiry = own(session, customer, inquiry_id)
    if inquiry.state != "closed":
        raise Conflict(_("only a closed inquiry can be rated"))
    if not 1 <= score <= 5:
        raise ValidationError("score", _("from 1 to 5"))
    remark = remark.strip()
    refuse_control("remark", remark, multiline=True)
    if len(remark) > MAX_REMARK:
        raise ValidationError("remark", _("at most {n} characters").format(n=MAX_REMARK))
    row = session.get(InquiryRating, inquiry_id) or InquiryRating(inquiry_id=inquiry_id, party_id=customer.party_id,
                                                                  score=score)
    row.score, row.remark, row.rated_at, row.party_id = score, remark, utcnow(), customer.party_id
    session.add(row)
    # in the inquiry's log too, so agents see the rating in its timeline
    inquiry_log.record(session, inquiry_id, PORTAL, "rated", text=remark, data={"score": score})
    audit.record(session, PORTAL, "rate", "inquiry", str(inquiry_id),
                 after={"customer": customer.party_id, "score": score}, source="portal")


class RatingRow(BaseModel):
    topic: str
    topic_label: str
    agent: str | None
    ratings: int
    average: float


def report(*, session: Session, actor: Actor, date_from: date, date_to: date) -> list[RatingRow]:
    """Ratings given from `date_from` to `date_to` (inclusive, UTC days), per topic and the agent who closed
    the inquiry (closing clears the assignee: the log's last "closed" event names them)."""
    require(actor, Permission.REPORTS_READ)
    start = datetime.combine(date_from, UTC_MIDNIGHT)
    end = datetime.combine(date_to + timedelta(days=1), UTC_MIDNIGHT)
    closer = (sa_select(col(InquiryEvent.actor)).where(col(InquiryEvent.inquiry_id) == Inquiry.id,
                                                       col(InquiryEvent.kind) == "closed")
              .order_by(col(InquiryEvent.id).desc()).limit(1).scalar_subquery())
    rows = session.execute(
        sa_select(col(Topic.code), col(Topic.labels), closer, col(InquiryRating.score))
        .select_from(InquiryRating).join(Inquiry, col(Inquiry.id) == InquiryRating.inquiry_id)
        .join(Topic, col(Topic.id) == Inquiry.topic_id)
        .where(col(InquiryRating.rated_at) >= start, col(InquiryRating.rated_at) < end)).all()
    groups: dict[tuple[str, str | None], list[int]] = defaultdict(list)
    labels = {}
    for code, topic_labels, agent, score in rows:
        groups[(code, agent)].append(score)
        labels[code] = pick(topic_labels, code)
    return [RatingRow(topic=code, topic_label=labels[code], agent=agent, ratings=len(scores),
                      average=round(sum(scores) / len(scores), 2))
            for (code, agent), scores in sorted(groups.items(), key=lambda item: (item[0][0], item[0][1] or ""))]
