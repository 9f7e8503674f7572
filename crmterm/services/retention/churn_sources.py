"""Two more of the churn features' sources (churn_features.SOURCES): what customers said in satisfaction
surveys and what they owe — each one grouped query per batch of customers, as of a moment `at`, on SQLite
and PostgreSQL alike.

Ratings: survey answers and portal ratings (a survey answer wins over a portal rating of the same inquiry, as
in surveys.customer_ratings) given before `at`, over the year before it: the average CSAT, how many scored
1 or 2, and the latest NPS. A customer who never answered gets the neutral values NEUTRAL_CSAT (the middle of
the 1–5 scale) and NEUTRAL_NPS (a "passive" in NPS terms), and no low ratings: silence is not praise nor
complaint, and a neutral value is never said as a reason.

Debt: receivables imported from billing, where billing exists (no receivables: every debt feature is 0).
Billing reports only an invoice's current paid amount, not when it was paid, so the amount open at `at` is
rebuilt honestly: a row last changed before `at` was as it is now; a row changed (or first imported) since
counts as unpaid then. Counting later payments instead would leak the future — the customers who stayed
paid, those who left did not."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, union_all
from sqlalchemy import select as select_rows
from sqlmodel import Session, col

from crmterm.store import InquiryRating, PaymentPromise, Receivable, SurveyAnswer

Rows = dict[int, dict[str, float]]
NEUTRAL_CSAT = 3.0
NEUTRAL_NPS = 7.0
LOW_SCORE = 2  # a CSAT of this or less is a low rating
LOOK_BACK = timedelta(days=365)


def ratings(session: Session, ids: Sequence[int], at: datetime, rows: Rows) -> None:
    """csat, low_ratings and nps of each customer in `ids` as of `at`."""
    for party_id in ids:
        rows[party_id].update(csat=NEUTRAL_CSAT, low_ratings=0.0, nps=NEUTRAL_NPS)
    since = at - LOOK_BACK
    answered = and_(col(SurveyAnswer.party_id).in_(ids), col(SurveyAnswer.answered_at) < at,
                    col(SurveyAnswer.answered_at) >= since)
    surveyed = select_rows(col(SurveyAnswer.inquiry_id)).where(col(SurveyAnswer.answered_at) < at)
    scores = union_all(
        select_rows(col(SurveyAnswer.party_id).label("party_id"), col(SurveyAnswer.score).label("score"))
        .where(answered),
        select_rows(col(InquiryRating.party_id).label("party_id"), col(InquiryRating.score).label("score"))
        .where(col(InquiryRating.party_id).in_(ids), col(InquiryRating.rated_at) < at,
               col(InquiryRating.rated_at) >= since, col(InquiryRating.inquiry_id).not_in(surveyed))).subquery()
    query = (select_rows(scores.c.party_id, func.avg(scores.c.score),
                         func.sum(case((scores.c.score <= LOW_SCORE, 1), else_=0)))
             .group_by(scores.c.party_id))
    for party_id, average, low in session.execute(query).all():
        rows[party_id].update(csat=round(float(average), 3), low_ratings=float(low or 0))
    for party_id, nps in session.execute(_latest_nps(ids, at, answered)).all():
        rows[party_id]["nps"] = float(nps)


def _latest_nps(ids: Sequence[int], at: datetime, answered: Any) -> Any:
    newest_first = func.row_number().over(partition_by=col(SurveyAnswer.party_id),
                                          order_by=(col(SurveyAnswer.answered_at).desc(),
                                                    col(SurveyAnswer.inquiry_id).desc()))
    ranked = (select_rows(col(SurveyAnswer.party_id).label("party_id"), col(SurveyAnswer.nps).label("nps"),
                          newest_first.label("n"))
              .where(answered, col(SurveyAnswer.nps).is_not(None))).subquery()
    return select_rows(ranked.c.party_id, ranked.c.nps).where(ranked.c.n == 1)


def debt(session: Session, ids: Sequence[int], at: datetime, rows: Rows) -> None:
    """overdue_amount (open at `at` on invoices due before its day), overdue_days (since the oldest such
    invoice fell due) and broken_promises (found broken in the year before `at`)."""
    day = at.date()
    paid_then = case((col(Receivable.imported_at) < at, col(Receivable.paid)), else_=0)
    open_then = col(Receivable.amount) - paid_then
    query = (select_rows(col(Receivable.party_id), func.sum(open_then), func.min(col(Receivable.due_on)))
             .where(col(Receivable.party_id).in_(ids), col(Receivable.due_on) < day,
                    col(Receivable.issued_on) < day, open_then > 0)
             .group_by(col(Receivable.party_id)))
    for party_id, owed, oldest in session.execute(query).all():
        rows[party_id].update(overdue_amount=float(owed or 0), overdue_days=float((day - oldest).days))
    broken = (select_rows(col(PaymentPromise.party_id), func.count())
              .where(col(PaymentPromise.party_id).in_(ids), col(PaymentPromise.state) == "broken",
                     col(PaymentPromise.settled_at) < at, col(PaymentPromise.settled_at) >= at - LOOK_BACK)
              .group_by(col(PaymentPromise.party_id)))
    for party_id, n in session.execute(broken).all():
        rows[party_id]["broken_promises"] = float(n)
