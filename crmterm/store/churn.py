"""The churn model's rows (services/retention): each trained model, versioned, as plain JSON parameters (no
pickle: portable between machines and safe to load), and each customer's latest churn score with its reasons."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON
from sqlmodel import Field, Session, SQLModel, col, select

from crmterm.store.base import utcnow


class ChurnModel(SQLModel, table=True):
    """One trained model. `parameters` hold everything scoring needs (features, their scaling and weights);
    `metrics` what training measured (sizes, the share that left, AUC when evaluated)."""

    __tablename__ = "churn_model"
    id: int | None = Field(default=None, primary_key=True)
    version: int = Field(nullable=False, unique=True)
    trained_at: datetime = Field(default_factory=utcnow, nullable=False)
    trained_by: str = Field(max_length=64, nullable=False)
    until: date = Field(nullable=False)  # the data it learned from ended before this day
    algorithm: str = Field(max_length=32, nullable=False)  # logistic_regression | weighted_rules
    parameters: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    metrics: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)


class ChurnScore(SQLModel, table=True):
    """A customer's latest score (one row per customer, replaced by each scoring run): the probability of
    leaving and the top three reasons, `[{"key": feature, "words": msgid, "value": …}]`."""

    __tablename__ = "churn_score"
    party_id: int = Field(foreign_key="party.id", primary_key=True)
    model_version: int = Field(nullable=False)
    score: float = Field(nullable=False, index=True)
    reasons: list = Field(default_factory=list, sa_type=JSON, nullable=False)
    scored_at: datetime = Field(default_factory=utcnow, nullable=False)


def churn_risk(session: Session, party_id: int | None) -> float | None:
    """A customer's latest score, None when never scored (rules read it as `customer.churn_risk`)."""
    if not party_id:
        return None
    return session.exec(select(col(ChurnScore.score)).where(ChurnScore.party_id == party_id)).first()
