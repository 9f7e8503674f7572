"""Satisfaction surveys: after an inquiry closes the customer rates it — asked by the agent at the end of the
call (`record_survey`), or answering a survey request sent by e-mail through the outbox with a code
(`send_survey_requests`, `answer_survey`); the portal's ratings (store.InquiryRating) count too. CSAT is the
1–5 score of an inquiry, NPS the 0–10 "would you recommend us". `customer_ratings` sums them up per customer
(loyalty tiers); the churn model reads them as of its cut day in SQL (churn_sources.ratings)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.sla import notifications
from crmterm.store import Inquiry, InquiryRating, Party, SurveyAnswer, SurveyRequest, utcnow
from crmterm.store.tables import saved_id

MAX_COMMENT = 1000
TEMPLATE = "survey_request"  # crmterm/templates/notifications/survey_request
LOOK_BACK = timedelta(days=7)  # inquiries closed this long ago still get a request


class SurveyRead(BaseModel):
    inquiry_id: int
    party_id: int | None
    score: int
    nps: int | None
    comment: str
    source: str
    answered_at: datetime


def _checked(score: int, nps: int | None, comment: str) -> str:
    if isinstance(score, bool) or not 1 <= score <= 5:
        raise ValidationError("score", _("from 1 to 5"))
    if nps is not None and (isinstance(nps, bool) or not 0 <= nps <= 10):
        raise ValidationError("nps", _("from 0 to 10"))
    comment = comment.strip()
    refuse_control("comment", comment, multiline=True)
    if len(comment) > MAX_COMMENT:
        raise ValidationError("comment", _("at most {n} characters").format(n=MAX_COMMENT))
    return comment


def _save(session: Session, actor: Actor, inquiry: Inquiry, score: int, nps: int | None, comment: str,
          source: str) -> SurveyRead:
    row = session.get(SurveyAnswer, inquiry.id) or SurveyAnswer(inquiry_id=saved_id(inquiry), score=score,
                                                                recorded_by=actor.login)
    row.party_id, row.score, row.nps, row.comment = inquiry.party_id, score, nps, comment
    row.source, row.recorded_by, row.answered_at = source, actor.login, utcnow()
    session.add(row)
    session.flush()
    return SurveyRead.model_validate(row, from_attributes=True)


def record_survey(*, session: Session, actor: Actor, inquiry_id: int, score: int, nps: int | None = None,
                  comment: str = "") -> SurveyRead:
    """The customer's rating asked by the agent (answering again replaces it)."""
    require(actor, Permission.INQUIRIES_WRITE)
    comment = _checked(score, nps, comment)
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None:
        raise NotFound(_("inquiry"), inquiry_id)
    if inquiry.state == "cancelled":
        raise Conflict(_("a cancelled inquiry is not rated"))
    return _save(session, actor, inquiry, score, nps, comment, "agent")


def answer_survey(*, session: Session, actor: Actor, code: str, score: int, nps: int | None = None,
                  comment: str = "") -> SurveyRead:
    """The customer's answer to a survey request, by the code it carried (typed in by whoever received it)."""
    require(actor, Permission.INQUIRIES_WRITE)
    comment = _checked(score, nps, comment)
    request = session.exec(select(SurveyRequest).where(SurveyRequest.code == code.strip().upper())).first()
    if request is None:
        raise NotFound(_("survey code"), code)
    inquiry = session.get(Inquiry, request.inquiry_id)
    if inquiry is None:
        raise NotFound(_("inquiry"), request.inquiry_id)
    request.answered_at = utcnow()
    session.add(request)
    return _save(session, actor, inquiry, score, nps, comment, "email")


class RequestsSent(BaseModel):
    sent: int
    codes: dict[int, str]  # inquiry id -> code


def send_survey_requests(*, session: Session, actor: Actor, now: datetime | None = None,
                         limit: int = 500) -> RequestsSent:
    """A survey request by e-mail for each inquiry closed in the last week whose customer has an address and
    that has no request, answer or portal rating yet — once per inquiry. Run it from cron or a loop."""
    require(actor, Permission.INQUIRIES_SUPERVISE)
    now = now or utcnow()
    found = session.exec(
        select(Inquiry.id, Party.id, Party.display_name, Party.email)
        .join(Party, col(Party.id) == Inquiry.party_id)
        .where(Inquiry.state == "closed", col(Inquiry.closed_at) >= now - LOOK_BACK, col(Party.email).is_not(None),
               col(Party.erased_at).is_(None),
               col(Inquiry.id).not_in(select(SurveyRequest.inquiry_id)),
               col(Inquiry.id).not_in(select(SurveyAnswer.inquiry_id)),
               col(Inquiry.id).not_in(select(InquiryRating.inquiry_id)))
        .order_by(col(Inquiry.id)).limit(limit)).all()
    codes = {}
    for inquiry_id, party_id, name, email in found:
        if inquiry_id is None or party_id is None or email is None:
            continue  # never: the query joins and filters them; the types cannot say so
        code = secrets.token_hex(4).upper()
        session.add(SurveyRequest(inquiry_id=inquiry_id, party_id=party_id, code=code, sent_at=now))
        notifications.notify(session=session, event=TEMPLATE, recipients=[f"email:{email}"], inquiry_id=inquiry_id,
                             data={"customer": name, "inquiry_id": inquiry_id, "code": code},
                             key=f"survey:{inquiry_id}", now=now)
        codes[inquiry_id] = code
    session.flush()
    return RequestsSent(sent=len(codes), codes=codes)


class CustomerRatings(BaseModel):
    answers: int  # CSAT answers (surveys and portal ratings)
    csat: float | None  # average score 1–5
    low: int  # answers scoring 1 or 2
    nps: int | None  # the latest 0–10 answer


def customer_ratings(session: Session, customer_ids: list[int]) -> dict[int, CustomerRatings]:
    """Per customer (only those with some answer): their satisfaction, for loyalty tiers. A
    survey answer wins over a portal rating of the same inquiry."""
    scores: dict[int, dict[int, int]] = {}
    for inquiry_id, party_id, score in session.exec(select(InquiryRating.inquiry_id, InquiryRating.party_id,
                                                           InquiryRating.score)
                                                    .where(col(InquiryRating.party_id).in_(customer_ids))):
        scores.setdefault(party_id, {})[inquiry_id] = score
    latest: dict[int, int] = {}
    for inquiry_id, answered_by, score, nps in session.exec(
            select(SurveyAnswer.inquiry_id, SurveyAnswer.party_id, SurveyAnswer.score, SurveyAnswer.nps)
            .where(col(SurveyAnswer.party_id).in_(customer_ids)).order_by(col(SurveyAnswer.answered_at))):
        if answered_by is not None:
            scores.setdefault(answered_by, {})[inquiry_id] = score
            if nps is not None:
                latest[answered_by] = nps
    return {party: CustomerRatings(answers=len(found), csat=round(sum(found.values()) / len(found), 2),
                                   low=sum(1 for s in found.values() if s <= 2), nps=latest.get(party))
            for party, found in scores.items()}
