"""A party's inquiries in one line each (number, topic, type, state, when), as the customer card's
Inquiries tab and the registration screen's lists show them.

It lives in customers, below inquiries, because the card (customers) shows them: the inquiries package
builds its own lists (open, repeats, children) on the same summary and query."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from crmterm.i18n import pick
from crmterm.store import Inquiry, Topic


class InquirySummary(BaseModel):
    id: int
    topic: str
    topic_label: str
    type: str
    state: str
    created_at: datetime


SUMMARY_QUERY = (sa_select(col(Inquiry.id), col(Topic.code), col(Topic.labels), col(Inquiry.type),
                           col(Inquiry.state), col(Inquiry.created_at))
                 .join(Topic, col(Topic.id) == Inquiry.topic_id))


def summaries(session: Session, query: Any) -> list[InquirySummary]:
    """Rows of a query built on SUMMARY_QUERY, as summaries."""
    return [InquirySummary(id=r[0], topic=r[1], topic_label=pick(r[2], r[1]), type=r[3], state=r[4],
                           created_at=r[5]) for r in session.execute(query).all()]


def latest_inquiries(session: Session, party_id: int, limit: int = 100) -> list[InquirySummary]:
    """A customer's latest inquiries, any state (the card's Inquiries tab)."""
    return summaries(session, SUMMARY_QUERY.where(col(Inquiry.party_id) == party_id)
                     .order_by(col(Inquiry.id).desc()).limit(limit))
