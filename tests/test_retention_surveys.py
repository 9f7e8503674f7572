"""Satisfaction surveys (issue 29, item 5), on SQLite and PostgreSQL: the agent records a rating at the end of
a call, survey requests go out once per closed inquiry through the outbox with a code the answer carries,
CSAT by agent/topic/queue and NPS per customer as reports (also `crmterm report csat|nps`), and
customer_ratings for the churn model."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from helpers import ADMIN, AGENT, act
from sqlmodel import col, select
from typer.testing import CliRunner

from crmterm.cli import app as cli_app
from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.inquiries import registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.retention import survey_reports, surveys
from crmterm.store import Inquiry, InquiryRating, Notification, Party
from crmterm.store.db import unit_of_work

START, END = datetime(2000, 1, 1, tzinfo=UTC), datetime(2100, 1, 1, tzinfo=UTC)


def _closed(url: str, count: int = 2) -> list[Inquiry]:
    """`count` consultations answered and closed on the spot, each of another demo customer."""
    with unit_of_work(url) as session:
        customers = session.exec(select(Party.id).where(Party.status == "active", col(Party.is_lead).is_(False))
                                 .order_by(col(Party.id)).limit(count)).all()
        ids = [registration.register(session=session, actor=AGENT, draft=ContactDraft(
            channel="phone", customer=c, inquiries=[InquiryDraft(topic="tariff_info", close=True)])).inquiry_ids[0]
            for c in customers]
    with unit_of_work(url) as session:
        found = [session.get(Inquiry, i) for i in ids]
        for row in found:
            session.expunge(row)
    return found


def test_agent_records_a_rating_and_reports_count_it(demo_url, people):
    first, second = _closed(demo_url)
    made = act(demo_url, surveys.record_survey, people["agent"], inquiry_id=first.id, score=2, nps=3,
               comment="Took too long")
    assert (made.score, made.nps, made.source, made.party_id) == (2, 3, "agent", first.party_id)
    again = act(demo_url, surveys.record_survey, people["agent"], inquiry_id=first.id, score=5, nps=10)
    assert (again.score, again.nps) == (5, 10)  # replaced
    act(demo_url, surveys.record_survey, people["agent"], inquiry_id=second.id, score=3)
    with pytest.raises(ValidationError):
        act(demo_url, surveys.record_survey, people["agent"], inquiry_id=first.id, score=6)
    with pytest.raises(ValidationError):
        act(demo_url, surveys.record_survey, people["agent"], inquiry_id=first.id, score=4, nps=11)
    with pytest.raises(PermissionDenied):
        act(demo_url, surveys.record_survey, people["auditor"], inquiry_id=first.id, score=4)
    by_inquiry = act(demo_url, survey_reports.csat_report, people["supervisor"], start=START, end=END, by="inquiry")
    mine = {row[0]: row[1:] for row in by_inquiry.rows}
    assert mine[f"#{first.id}"] == [1, 5.0, 1.0] and mine[f"#{second.id}"] == [1, 3.0, 0.0]
    for by in ("agent", "topic", "queue"):
        table = act(demo_url, survey_reports.csat_report, people["supervisor"], start=START, end=END, by=by)
        assert table.totals[1] == by_inquiry.totals[1]
    nps = act(demo_url, survey_reports.nps_report, people["auditor"], start=START, end=END)
    assert [row[1:] for row in nps.rows] == [[10, "promoter"]] and nps.totals[1] == 100
    with unit_of_work(demo_url) as session:
        ratings = surveys.customer_ratings(session, [first.party_id, second.party_id])
    assert ratings[first.party_id].nps == 10 and ratings[first.party_id].answers >= 1


def test_requests_go_once_and_the_answer_carries_the_code(demo_url, people):
    (inquiry,) = _closed(demo_url, 1)
    with unit_of_work(demo_url) as session:
        session.get(Party, inquiry.party_id).email = "rated@example.com"
        session.execute(InquiryRating.__table__.delete())
    now = inquiry.closed_at + timedelta(hours=1)
    sent = act(demo_url, surveys.send_survey_requests, people["supervisor"], now=now)
    assert inquiry.id in sent.codes
    assert inquiry.id not in act(demo_url, surveys.send_survey_requests, people["supervisor"], now=now).codes
    with unit_of_work(demo_url) as session:
        mail = session.exec(select(Notification).where(Notification.event == "survey_request",
                                                       Notification.inquiry_id == inquiry.id)).one()
        assert mail.address == "rated@example.com" and sent.codes[inquiry.id] in mail.body
    answered = act(demo_url, surveys.answer_survey, people["agent"], code=sent.codes[inquiry.id].lower(), score=4,
                   nps=8)
    assert (answered.inquiry_id, answered.source) == (inquiry.id, "email")
    with pytest.raises(PermissionDenied):
        act(demo_url, surveys.send_survey_requests, people["agent"])


def test_cli_survey_and_reports(demo_url, tmp_path):
    (inquiry,) = _closed(demo_url, 1)

    def cli(*args: str):
        env = {"CRMTERM_HOME": str(tmp_path), "CRMTERM_USER": "admin", "CRMTERM_PASSWORD": "admin"}
        return CliRunner().invoke(cli_app, ["--db", demo_url, *args], env=env)

    done = cli("survey", "record", str(inquiry.id), "--score", "4", "--nps", "6", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["score"] == 4
    csat = json.loads(cli("report", "csat", "--from", "2000-01-01", "--to", "2100-01-01", "--by", "topic",
                          "--json").stdout)
    assert sum(row["answers"] for row in csat["rows"]) >= 1
    nps = cli("report", "nps", "--from", "2000-01-01", "--to", "2100-01-01", "--format", "csv")
    assert nps.exit_code == 0 and "detractor" in nps.stdout
    wrong = cli("survey", "record", str(inquiry.id), "--score", "9")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: ")
    assert ADMIN.login == "admin"


def test_the_rating_typed_on_the_inquiry_screen_is_read():
    from crmterm.screens.inquiry.inquiry_rating import parse_rating

    assert parse_rating("5") == (5, None) and parse_rating(" 4  9 ") == (4, 9)
    assert parse_rating("") is None and parse_rating("five") is None and parse_rating("1 2 3") is None


def test_erasing_a_customer_blanks_their_survey_comments_and_campaign_call_notes(demo_url, people):
    from crmterm.services.customers import erasure
    from crmterm.services.retention import campaign_calls, campaigns
    from crmterm.store import CampaignAttempt, SurveyAnswer

    act(demo_url, campaigns.create_campaign, people["admin"], values={
        "code": "erase", "name": "Erase", "topic": "tariff_info", "agents": ["agent"],
        "criteria": {"category": "b2c"}, "offer": "30% off"})
    act(demo_url, campaigns.build_campaign, people["supervisor"], code="erase")
    call = act(demo_url, campaign_calls.next_call, people["agent"], code="erase")
    act(demo_url, campaign_calls.record_attempt, people["agent"], call_id=call.id, outcome="refused",
        note="Says the new price is a robbery")
    with unit_of_work(demo_url) as session:
        inquiry = registration.register(session=session, actor=AGENT, draft=ContactDraft(
            channel="phone", customer=call.party_id, inquiries=[InquiryDraft(topic="tariff_info", close=True)]))
    act(demo_url, surveys.record_survey, people["agent"], inquiry_id=inquiry.inquiry_ids[0], score=2,
        comment="Took too long")
    done = act(demo_url, erasure.erase_customer, people["admin"], party_id=call.party_id)
    assert done.counts["campaign_notes_and_survey_comments"] == 2
    with unit_of_work(demo_url) as session:
        assert session.exec(select(SurveyAnswer.comment, SurveyAnswer.score)
                            .where(SurveyAnswer.party_id == call.party_id)).all() == [("", 2)]
        assert session.exec(select(CampaignAttempt.note, CampaignAttempt.outcome)
                            .where(CampaignAttempt.party_id == call.party_id)).all() == [("", "refused")]
