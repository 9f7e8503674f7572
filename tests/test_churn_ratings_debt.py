"""The churn model's ratings and debt features (issue 29, items 1 and 5), on SQLite and PostgreSQL: survey
answers, portal ratings, receivables and broken promises count only as they stood before the cut day; a
customer with low ratings and an old overdue invoice is told so in words; a neutral value is never a reason."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from helpers import act
from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmterm.services.retention import churn, churn_features, churn_model, churn_sources
from crmterm.store import InquiryRating, Party, PaymentPromise, Receivable, SurveyAnswer, utcnow
from crmterm.store.db import unit_of_work

RATED = ("csat", "low_ratings", "nps")
OWED = ("overdue_amount", "overdue_days", "broken_promises")


def _blank_customers(session: Session, count: int) -> list[int]:
    """`count` demo customers with their demo invoices, promises and ratings taken away."""
    ids = list(session.exec(select(Party.id).where(Party.status == "active", col(Party.is_lead).is_(False))
                            .order_by(col(Party.id)).limit(count)).all())
    for table in (Receivable, PaymentPromise, SurveyAnswer, InquiryRating):
        session.execute(delete(table).where(col(table.party_id).in_(ids)))
    return ids


def _answer(inquiry_id: int, party_id: int, score: int, nps: int | None, at: datetime) -> SurveyAnswer:
    return SurveyAnswer(inquiry_id=inquiry_id, party_id=party_id, score=score, nps=nps, recorded_by="agent",
                        answered_at=at)


def _invoice(number: str, party_id: int, issued: datetime, due: datetime, paid: int, imported: datetime
             ) -> Receivable:
    return Receivable(number=number, party_id=party_id, issued_on=issued.date(), due_on=due.date(),
                      amount=Decimal(100), paid=Decimal(paid), imported_at=imported)


def _promise(party_id: int, settled: datetime) -> PaymentPromise:
    return PaymentPromise(party_id=party_id, amount=Decimal(50), promised_on=settled.date(),
                          paid_before=Decimal(0), state="broken", created_by="agent", settled_at=settled)


def test_features_count_only_what_stood_before_the_cut_day(demo_url):
    cut = churn_features.moment((utcnow() - timedelta(days=30)).date())
    day = timedelta(days=1)
    with unit_of_work(demo_url) as session:
        party, quiet = _blank_customers(session, 2)
        session.add_all([
            _answer(900_001, party, 1, 3, cut - 5 * day),
            _answer(900_002, party, 5, 10, cut + 5 * day),  # answered after the cut
            InquiryRating(inquiry_id=900_003, party_id=party, score=2, rated_at=cut - 3 * day),
            _answer(900_003, party, 5, None, cut + 6 * day),  # replaces the portal's 2 only after the cut
            _invoice("T-PAID-LATER", party, cut - 60 * day, cut - 40 * day, 100, cut + 10 * day),
            _invoice("T-PAID-BEFORE", party, cut - 90 * day, cut - 70 * day, 100, cut - 60 * day),
            _invoice("T-NOT-YET-DUE", party, cut - 10 * day, cut + 5 * day, 0, cut - 10 * day),
            _invoice("T-ISSUED-LATER", party, cut + day, cut + 20 * day, 0, cut + day),
            _promise(party, cut - 10 * day), _promise(party, cut + 2 * day)])
    with unit_of_work(demo_url) as session:
        keys = [*RATED, *OWED]
        then = churn_features.compute(session, [party, quiet], cut, keys)
        now = churn_features.compute(session, [party], utcnow(), keys)
    assert then[party] == {"csat": 1.5, "low_ratings": 2.0, "nps": 3.0,
                           "overdue_amount": 100.0, "overdue_days": 40.0, "broken_promises": 1.0}
    assert then[quiet] == {"csat": churn_sources.NEUTRAL_CSAT, "low_ratings": 0.0, "nps": churn_sources.NEUTRAL_NPS,
                           "overdue_amount": 0.0, "overdue_days": 0.0, "broken_promises": 0.0}
    assert now[party]["csat"] == round(11 / 3, 3) and now[party]["low_ratings"] == 1.0 and now[party]["nps"] == 10.0
    # paid by now; the two invoices that were not due at the cut are overdue now
    assert now[party]["overdue_amount"] == 200.0 and now[party]["broken_promises"] == 2.0


def test_low_ratings_and_an_old_overdue_invoice_are_the_reasons(demo_url, people):
    now = utcnow()
    with unit_of_work(demo_url) as session:
        party = _blank_customers(session, 1)[0]
        session.add_all([_answer(910_001, party, 1, 2, now - timedelta(days=20)),
                         _answer(910_002, party, 2, None, now - timedelta(days=10)),
                         _invoice("T-OLD", party, now - timedelta(days=75), now - timedelta(days=45), 0,
                                  now - timedelta(days=75)),
                         _promise(party, now - timedelta(days=5))])
    act(demo_url, churn.score, people["admin"])  # no model trained: the weighted rules
    risk = act(demo_url, churn.risk, people["agent"], party_id=party)
    assert risk is not None and risk.reasons == ["low satisfaction ratings", "overdue debt for 45 days",
                                                 "broke promises to pay"], risk
    assert "overdue debt for 45 days" in churn.badge(risk)


def test_a_neutral_value_is_never_a_reason():
    parameters = {"features": ["csat", "nps"], "mean": [4.2, 8.0], "scale": [0.5, 1.5], "coef": [-1.0, -1.0],
                  "intercept": -2.0}
    unknown, silent = churn_model.score(parameters, {"csat": churn_sources.NEUTRAL_CSAT,
                                                     "nps": churn_sources.NEUTRAL_NPS})
    unhappy, said = churn_model.score(parameters, {"csat": 1.5, "nps": 2.0})
    assert silent == [] and unhappy > unknown
    assert [reason["key"] for reason in said] == ["csat", "nps"]
    assert churn.reason_words(said[0]) == "a low average satisfaction score"
