"""Retention campaigns (services/retention/campaigns): who to call, the call list built from the campaign's
filter, and each attempt made on a call; and satisfaction surveys (services/retention/surveys): the answers
and the requests sent through the outbox; and loyalty tiers (services/retention/loyalty)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from sqlalchemy import JSON, Index, Numeric, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Versioned, utcnow


class Campaign(Versioned, table=True):
    """An outbound campaign: `criteria` select the customers (campaign_filters), `agents` (logins) and/or
    `queue_id` say who works the list; each attempt registers an outbound contact of `topic`."""

    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    name: str = Field(max_length=200, nullable=False)
    state: str = Field(default="draft", max_length=8, nullable=False)  # draft | running | closed
    criteria: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    topic: str = Field(max_length=64, nullable=False)  # the topic code of each attempt's inquiry
    script: str | None = Field(default=None, max_length=64)  # the script code the agent follows
    template: str | None = Field(default=None, max_length=64)  # the notification template of the offer
    offer: str = Field(default="", max_length=1000, nullable=False)  # what the agent offers, in words
    queue_id: int | None = Field(default=None, foreign_key="queue.id")
    agents: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # logins
    built_at: datetime | None = None


class CampaignCall(SQLModel, table=True):
    """One customer on a campaign's list: waiting (from `due_at`) → claimed by `holder_id` → done. A call
    pre-assigned to an agent (`assignee_id`) is claimed only by them; one without, by anyone working it."""

    __tablename__ = "campaign_call"
    __table_args__ = (UniqueConstraint("campaign_id", "party_id"),
                      Index("ix_campaign_call_next", "campaign_id", "state", "due_at", "id"),
                      Index("ix_campaign_call_holder", "holder_id", "state"))
    id: int | None = Field(default=None, primary_key=True)
    campaign_id: int = Field(foreign_key="campaign.id", nullable=False)
    party_id: int = Field(foreign_key="party.id", nullable=False)
    assignee_id: int | None = Field(default=None, foreign_key="app_user.id")
    holder_id: int | None = Field(default=None, foreign_key="app_user.id")
    state: str = Field(default="waiting", max_length=8, nullable=False)  # waiting | claimed | done
    due_at: datetime = Field(default_factory=utcnow, nullable=False)
    attempts: int = Field(default=0, nullable=False)
    outcome: str | None = Field(default=None, max_length=16)  # the last attempt's
    claimed_at: datetime | None = None


class CampaignAttempt(SQLModel, table=True):
    """One attempt on a call: its outcome and the outbound contact registered for it."""

    __tablename__ = "campaign_attempt"
    __table_args__ = (Index("ix_campaign_attempt_campaign", "campaign_id", "at"),)
    id: int | None = Field(default=None, primary_key=True)
    call_id: int = Field(foreign_key="campaign_call.id", index=True, nullable=False)
    campaign_id: int = Field(foreign_key="campaign.id", nullable=False)
    party_id: int = Field(foreign_key="party.id", nullable=False)
    agent_id: int | None = Field(default=None, foreign_key="app_user.id")
    contact_id: int | None = Field(default=None, foreign_key="contact.id")
    outcome: str = Field(max_length=16, nullable=False)  # reached | refused | accepted | callback | no_answer
    note: str = Field(default="", max_length=500, nullable=False)
    at: datetime = Field(default_factory=utcnow, nullable=False)


class SurveyAnswer(SQLModel, table=True):
    """A customer's satisfaction with an inquiry (CSAT 1–5) and how likely they recommend us (NPS 0–10), asked
    by the agent or answered to a survey request. One per inquiry; answering again replaces it."""

    __tablename__ = "survey_answer"
    __table_args__ = (Index("ix_survey_answer_party", "party_id", "answered_at"),)
    inquiry_id: int = Field(primary_key=True)  # no foreign key: archiving may remove inquiries
    party_id: int | None = Field(default=None, foreign_key="party.id")
    score: int = Field(nullable=False)
    nps: int | None = None
    comment: str = Field(default="", max_length=1000, nullable=False)
    source: str = Field(default="agent", max_length=8, nullable=False)  # agent | email | portal
    recorded_by: str = Field(max_length=64, nullable=False)
    answered_at: datetime = Field(default_factory=utcnow, nullable=False)


class SurveyRequest(SQLModel, table=True):
    """A survey request sent for a closed inquiry; the customer answers with `code`."""

    __tablename__ = "survey_request"
    __table_args__ = (UniqueConstraint("inquiry_id"), UniqueConstraint("code"))
    id: int | None = Field(default=None, primary_key=True)
    inquiry_id: int = Field(nullable=False)
    party_id: int = Field(foreign_key="party.id", nullable=False)
    code: str = Field(max_length=16, nullable=False)
    channel: str = Field(default="email", max_length=8, nullable=False)  # the address stays in the outbox only
    sent_at: datetime = Field(default_factory=utcnow, nullable=False)
    answered_at: datetime | None = None


class LoyaltyTier(Versioned, table=True):
    """A loyalty tier (config section `loyalty_tiers`): customers meeting every minimum are put in `category`;
    of the tiers a customer meets, the one with the highest `rank` wins. Tiers manage the customers of their
    categories, of their `from_categories` and those without a category."""

    __tablename__ = "loyalty_tier"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=64, nullable=False)
    names: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # {language: name}
    rank: int = Field(default=0, nullable=False)
    category: str = Field(max_length=64, nullable=False)  # client category code
    min_tenure_months: int = Field(default=0, nullable=False)
    min_spend: Decimal = Field(default=Decimal(0), sa_type=Numeric(14, 2), nullable=False)  # last 12 months
    min_rating: float | None = None  # average CSAT 1–5; None: ratings do not matter
    from_categories: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # also moves these up
