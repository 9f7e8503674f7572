"""Outbound campaigns (issue 29, item 4), on SQLite and PostgreSQL: the criteria select customers, building
makes the call list spread over the agents, the next call is claimed atomically (threads: no call to two
agents), each attempt registers an outbound contact and moves the call on, the report counts outcomes by
agent; roles; `crmterm campaign` answers in JSON."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from helpers import ADMIN, act
from sqlalchemy import delete, text
from sqlmodel import col, select
from typer.testing import CliRunner

from crmterm.cli import app as cli_app
from crmterm.errors import Conflict, PermissionDenied, ValidationError
from crmterm.services.retention import campaign_calls, campaign_filters, campaign_reports, campaigns
from crmterm.store import ChurnScore, Contact, Inquiry, Party, utcnow
from crmterm.store.db import unit_of_work


def _campaign(url: str, code: str = "winback", **extra) -> campaigns.CampaignRead:
    values = {"code": code, "name": "Win back", "topic": "tariff_info", "agents": ["agent", "agent2"],
              "criteria": {"category": "b2c"}, "script": "retention", "offer": "30% off for 6 months"} | extra
    return act(url, campaigns.create_campaign, ADMIN, values=values)


def _b2c(url: str) -> set[int]:
    with unit_of_work(url) as session:
        return set(session.exec(text("SELECT p.id FROM party p JOIN client_category c ON c.id = p.category_id "
                                     "WHERE c.code = 'b2c' AND p.status = 'active' AND NOT p.is_lead "
                                     "AND p.erased_at IS NULL")).scalars())


def test_build_work_and_report_a_campaign(demo_url, people):
    made = _campaign(demo_url)
    assert (made.state, made.calls, made.agents) == ("draft", 0, ["agent", "agent2"])
    built = act(demo_url, campaigns.build_campaign, people["supervisor"], code="winback")
    assert (built.state, built.calls, built.waiting) == ("running", len(_b2c(demo_url)), len(_b2c(demo_url)))
    again = act(demo_url, campaigns.build_campaign, people["supervisor"], code="winback")
    assert again.calls == built.calls  # those on the list stay as they are
    first = act(demo_url, campaign_calls.next_call, people["agent"], code="winback")
    assert first.party_id in _b2c(demo_url) and first.script == "retention"
    assert act(demo_url, campaign_calls.next_call, people["agent"], code="winback").id == first.id  # still held
    made_call = act(demo_url, campaign_calls.record_attempt, people["agent"], call_id=first.id, outcome="accepted",
                    note="Takes the discount")
    assert (made_call.call.state, made_call.call.attempts) == ("done", 1)
    with unit_of_work(demo_url) as session:
        contact = session.get(Contact, made_call.contact_id)
        inquiry = session.get(Inquiry, made_call.inquiry_id)
        assert (contact.direction, contact.party_id, inquiry.state) == ("out", first.party_id, "closed")
    second = act(demo_url, campaign_calls.next_call, people["agent"], code="winback")
    later = utcnow() + timedelta(days=1)
    back = act(demo_url, campaign_calls.record_attempt, people["agent"], call_id=second.id, outcome="callback",
               callback_at=later)
    assert (back.call.state, back.call.due_at) == ("waiting", later)
    third = act(demo_url, campaign_calls.next_call, people["agent2"], code="winback")
    act(demo_url, campaign_calls.record_attempt, people["agent2"], call_id=third.id, outcome="refused")
    with pytest.raises(Conflict):
        act(demo_url, campaign_calls.record_attempt, people["agent2"], call_id=third.id, outcome="refused")
    table = act(demo_url, campaign_reports.campaign_report, people["supervisor"], code="winback")
    assert [row[:7] for row in table.rows] == [["agent", 2, 0, 1, 0, 1, 0], ["agent2", 1, 0, 0, 1, 0, 0]]
    assert table.totals[:2] == ["Total", 3]


def test_criteria_are_checked_and_select_by_contact_and_product(demo_url):
    with pytest.raises(ValidationError, match="unknown criterion"):
        _campaign(demo_url, criteria={"colour": "red"})
    with pytest.raises(ValidationError):
        _campaign(demo_url, agents=[], queue=None)
    _no_scores(demo_url)
    with pytest.raises(ValidationError, match="churn"):  # nobody scored yet: `crmterm churn score` first
        _campaign(demo_url, "risky", criteria={"churn_min": 0.5})
        act(demo_url, campaigns.build_campaign, ADMIN, code="risky")
    with unit_of_work(demo_url) as session:
        recent = campaign_filters.select_customers(session, ADMIN, {"contacted_after": "2000-01-01"})
        quiet = campaign_filters.select_customers(session, ADMIN, {"contacted_before": "2000-01-01"})
        contacted = set(session.exec(select(Contact.party_id).where(col(Contact.party_id).is_not(None))).all())
        everyone = set(session.exec(select(Party.id).where(Party.status == "active",
                                                           col(Party.is_lead).is_(False))).all())
    assert set(recent) == contacted & everyone and set(quiet) == everyone


def _no_scores(url: str) -> None:
    with unit_of_work(url) as session:
        session.execute(delete(ChurnScore))


def test_churn_risk_is_read_when_scores_exist(demo_url):
    """Campaigns by risk read the churn model's latest scores (services/retention/churn writes them)."""
    _no_scores(demo_url)
    with unit_of_work(demo_url) as session:
        assert campaign_filters.churn_risks(session) is None
    ids = sorted(_b2c(demo_url))[:3]
    with unit_of_work(demo_url) as session:
        session.add_all([ChurnScore(party_id=party, model_version=1, score=score)
                         for party, score in zip(ids, (0.9, 0.1, 0.7), strict=True)])
    with unit_of_work(demo_url) as session:
        assert campaign_filters.churn_risks(session, ids) == {ids[0]: 0.9, ids[1]: 0.1, ids[2]: 0.7}
        assert campaign_filters.select_customers(session, ADMIN, {"churn_min": 0.5}) == [ids[0], ids[2]]


def test_two_agents_never_get_the_same_call(demo_url, people):
    _campaign(demo_url, agents=[], queue="first_line")
    act(demo_url, campaigns.build_campaign, ADMIN, code="winback")
    claimed: list[int] = []
    errors: list[BaseException] = []
    agents = [people["agent"], people["supervisor"], people["admin"]]
    start = threading.Barrier(len(agents))

    def work(actor) -> None:
        """Four calls, each claimed and finished in one transaction: a call claimed twice, or a claim that
        came back empty while calls were waiting, would show in the counts below."""
        start.wait()
        try:
            for _round in range(4):
                with unit_of_work(demo_url) as session:
                    found = campaign_calls.next_call(session=session, actor=actor, code="winback")
                    if found is None:
                        return
                    session.execute(text("UPDATE campaign_call SET state = 'done' WHERE id = :id"), {"id": found.id})
                    claimed.append(found.id)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)

    threads = [threading.Thread(target=work, args=(actor,)) for actor in agents]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert len(claimed) == len(set(claimed)) == min(12, len(_b2c(demo_url)))


def test_roles(demo_url, people):
    with pytest.raises(PermissionDenied):
        _campaign_as(demo_url, people["agent"])
    _campaign(demo_url)
    act(demo_url, campaigns.build_campaign, ADMIN, code="winback")
    with pytest.raises(PermissionDenied):
        act(demo_url, campaign_calls.next_call, people["auditor"], code="winback")
    _campaign(demo_url, "other", agents=["agent2"])
    act(demo_url, campaigns.build_campaign, ADMIN, code="other")
    with pytest.raises(PermissionDenied, match="does not work"):
        act(demo_url, campaign_calls.next_call, people["agent"], code="other")


def _campaign_as(url, actor):
    return act(url, campaigns.create_campaign, actor, values={"code": "x", "name": "x", "topic": "tariff_info",
                                                              "agents": ["agent"]})


def _cli_as(url: str, home, login: str):
    def run(*args: str):
        env = {"CRMTERM_HOME": str(home), "CRMTERM_USER": login, "CRMTERM_PASSWORD": login}
        return CliRunner().invoke(cli_app, ["--db", url, *args], env=env)
    return run


def test_cli_campaign_round_trip(demo_url, tmp_path):
    cli = _cli_as(demo_url, tmp_path, "admin")
    made = cli("campaign", "create", "winback", "--name", "Win back", "--topic", "tariff_info", "--category", "b2c",
               "--agent", "admin", "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.stdout)["criteria"] == {"category": ["b2c"]}
    assert json.loads(cli("campaign", "build", "winback", "--json").stdout)["state"] == "running"
    call = json.loads(cli("campaign", "next", "winback", "--json").stdout)
    done = cli("campaign", "record", str(call["id"]), "--outcome", "reached", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["call"]["state"] == "done"
    listed = json.loads(cli("campaign", "list", "--json").stdout)
    assert [(c["code"], c["done"]) for c in listed] == [("winback", 1)]
    report = json.loads(cli("campaign", "report", "winback", "--json").stdout)
    assert [(r["agent"], r["attempts"], r["reached"]) for r in report["rows"]] == [("admin", 1, 1)]
    for fmt in ("xlsx", "html", "rtf", "csv"):
        written = cli("campaign", "report", "winback", "--out", str(tmp_path / f"winback.{fmt}"))
        assert written.exit_code == 0 and (tmp_path / f"winback.{fmt}").stat().st_size > 0, written.output
    wrong = cli("campaign", "record", str(call["id"]), "--outcome", "maybe")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: ")


def test_the_demo_campaign_is_worked_rated_and_tiers_applied(demo_url):
    from crmterm.services.retention import retention_demo

    with unit_of_work(demo_url) as session:
        assert retention_demo.seed_demo_retention(session=session, actor=ADMIN) == 5
    with unit_of_work(demo_url) as session:
        assert retention_demo.seed_demo_retention(session=session, actor=ADMIN) == 0  # once
        table = campaign_reports.campaign_report(session=session, actor=ADMIN, code=retention_demo.CODE)
        moved = session.exec(text("SELECT COUNT(*) FROM change_log WHERE source = 'loyalty'")).one()
    assert table.totals[1] == 5 and moved[0] >= 1


def test_criteria_by_structure_and_product(demo_url):
    with unit_of_work(demo_url) as session:
        parent = session.exec(text("SELECT parent_id FROM structure_link WHERE parent_id IS NOT NULL "
                                   "GROUP BY parent_id ORDER BY COUNT(*) DESC, parent_id LIMIT 1")).one()[0]
        below = set(session.exec(text("SELECT child_id FROM structure_link l JOIN structure s "
                                      "ON s.id = l.structure_id WHERE s.code = 'billing' AND l.parent_id = :p "
                                      "AND l.valid_to IS NULL"), params={"p": parent}).scalars())
        found = set(campaign_filters.select_customers(session, ADMIN, {"structure": "billing", "node": parent}))
        mobile = set(campaign_filters.select_customers(session, ADMIN, {"product": "mobile"}))
        payers = set(session.exec(text("SELECT c.payer_party_id FROM contract c JOIN subscriber s "
                                       "ON s.contract_id = c.id WHERE s.service = 'mobile' AND s.status = 'active'"
                                       )).scalars())
        nothing = campaign_filters.select_customers(session, ADMIN, {"product": "no-such-service"})
    assert below and below <= found and mobile and mobile <= payers and nothing == []


def test_a_callback_waits_for_its_time_and_its_agent(demo_url, people):
    _campaign(demo_url, criteria={"category": "b2c", "limit": 1})
    act(demo_url, campaigns.build_campaign, ADMIN, code="winback")
    call = act(demo_url, campaign_calls.next_call, people["agent"], code="winback")
    later = utcnow() + timedelta(days=1)
    act(demo_url, campaign_calls.record_attempt, people["agent"], call_id=call.id, outcome="callback",
        callback_at=later)
    assert act(demo_url, campaign_calls.next_call, people["agent"], code="winback") is None  # not yet
    then = later + timedelta(minutes=1)
    assert act(demo_url, campaign_calls.next_call, people["agent2"], code="winback", now=then) is None  # not theirs
    again = act(demo_url, campaign_calls.next_call, people["agent"], code="winback", now=then)
    assert (again.id, again.attempts, again.outcome) == (call.id, 1, "callback")
