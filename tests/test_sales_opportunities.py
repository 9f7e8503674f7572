"""Opportunities (issue 26, item 3) and the demo pipeline (item 9), on SQLite and PostgreSQL: stages of a
configurable process with their probabilities and history, the amount from a quote or typed, a loss needs its
reason, winning a lead's opportunity converts the lead; a sales agent sees their own pipeline, a supervisor
all of it; `crmterm opportunity` and `crmterm quote` answer in JSON."""

from __future__ import annotations

import json
from collections import Counter
from decimal import Decimal

import pytest
from helpers import act
from sqlmodel import col, select
from test_api_serve import cli_on

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.sales import opportunities, quotes, sales_reports
from crmterm.store import Contract, Party
from crmterm.store.db import unit_of_work


def _ids(url: str) -> tuple[int, int]:
    """A Nord subsidiary and a lead without opportunities."""
    with unit_of_work(url) as session:
        company = session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-003")).one()
        lead = session.exec(select(Party.id).where(col(Party.is_lead).is_(True)).order_by(col(Party.id).desc())).first()
    return company, lead


def test_stages_history_amounts_and_loss(demo_url, people):
    agent, (company, _lead) = people["agent"], _ids(demo_url)
    quote = act(demo_url, quotes.create_quote, agent, party_id=company).id
    act(demo_url, quotes.add_item, agent, quote_id=quote, product="office_pack")
    deal = act(demo_url, opportunities.create_opportunity, agent, party_id=company, title="Office", quote_id=quote)
    assert (deal.stage, deal.probability, deal.amount, deal.quote_number) == (
        "qualify", 10, Decimal("7820.00"), f"Q-{quote:06d}")
    act(demo_url, quotes.add_item, agent, quote_id=quote, product="antivirus")  # the amount follows its quote
    moved = act(demo_url, opportunities.move_stage, agent, opportunity_id=deal.id, stage="negotiation")
    assert (moved.stage_name, moved.probability, moved.amount, moved.weighted) == (
        "Negotiation", 75, Decimal("7930.50"), Decimal("5947.88"))
    with pytest.raises(ValidationError, match="say why it was lost"):
        act(demo_url, opportunities.move_stage, agent, opportunity_id=deal.id, stage="lost")
    lost = act(demo_url, opportunities.lose_opportunity, agent, opportunity_id=deal.id, reason="Price",
               competitor="MegaLink")
    assert (lost.state, lost.loss_reason, lost.competitor) == ("lost", "Price", "MegaLink")
    assert [(h.stage, h.probability, h.by) for h in lost.history] == [
        ("qualify", 10, "agent"), ("negotiation", 75, "agent"), ("lost", 0, "agent")]


def test_winning_a_leads_opportunity_converts_the_lead(demo_url, people):
    _company, lead = _ids(demo_url)
    deal = act(demo_url, opportunities.create_opportunity, people["agent"], party_id=lead, title="Home",
               amount="1200", process="retail")
    won = act(demo_url, opportunities.win_opportunity, people["agent"], opportunity_id=deal.id)
    assert (deal.is_lead, won.is_lead, won.state, won.stage, won.probability) == (True, False, "won", "won", 100)


def test_a_new_opportunity_may_start_in_a_later_open_stage(demo_url, people):
    """The TUI's new-opportunity form picks its stage: any open stage of the process, never won or lost."""
    company, _lead = _ids(demo_url)
    deal = act(demo_url, opportunities.create_opportunity, people["agent"], party_id=company, title="Later",
               stage="proposal")
    assert (deal.stage, deal.probability, [h.stage for h in deal.history]) == ("proposal", 50, ["proposal"])
    for closed in ("won", "nowhere"):
        with pytest.raises(ValidationError, match="expected one of: qualify, needs, proposal, negotiation"):
            act(demo_url, opportunities.create_opportunity, people["agent"], party_id=company, title="x",
                stage=closed)


def test_an_agent_sees_and_moves_only_their_own_pipeline(demo_url, people):
    agent, other, supervisor = people["agent"], people["agent2"], people["supervisor"]
    mine = {o.owner for o in act(demo_url, opportunities.list_opportunities, agent)}
    everyone = act(demo_url, opportunities.list_opportunities, supervisor)
    theirs = next(o for o in everyone if o.owner == "agent2" and o.stage == "qualify")
    assert mine == {"agent"} and {o.owner for o in everyone} == {"agent", "agent2", "supervisor"}
    with pytest.raises(PermissionDenied):
        act(demo_url, opportunities.get_opportunity, agent, opportunity_id=theirs.id)
    with pytest.raises(PermissionDenied):
        act(demo_url, opportunities.move_stage, agent, opportunity_id=theirs.id, stage="needs")
    with pytest.raises(PermissionDenied):
        act(demo_url, opportunities.create_opportunity, agent, party_id=theirs.party_id, title="x", owner="agent2")
    moved = act(demo_url, opportunities.move_stage, supervisor, opportunity_id=theirs.id, stage="needs")
    assert moved.owner == "agent2"
    assert act(demo_url, opportunities.list_opportunities, people["auditor"])  # reads everything
    with pytest.raises(PermissionDenied):
        act(demo_url, opportunities.win_opportunity, people["auditor"], opportunity_id=theirs.id)
    assert other.login == "agent2"


def test_the_demo_pipeline_is_alive(demo_url, people):
    pipeline = act(demo_url, opportunities.list_opportunities, people["supervisor"])
    stages = Counter(o.stage for o in pipeline)
    assert len(pipeline) >= 30 and {"qualify", "needs", "proposal", "negotiation", "won", "lost"} <= set(stages)
    states = Counter(q.state for q in act(demo_url, quotes.list_quotes, people["supervisor"]))
    assert states["draft"] and states["sent"] and states["accepted"]
    nord = next(o for o in pipeline if o.title.startswith("Nord Group"))
    draft = act(demo_url, quotes.get_quote, people["agent"], quote_id=act(
        demo_url, opportunities.get_opportunity, people["agent"], opportunity_id=nord.id).quotes[0])
    assert draft.state == "draft" and draft.valid and draft.discounts == ["15.00 % (own)"]


def test_the_cli_answers_in_json(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    company, _lead = _ids(demo_url)
    made = json.loads(cli("quote", "new", str(company), "--json").stdout)
    added = json.loads(cli("quote", "add", str(made["id"]), "office_pack", "--json").stdout)
    deal = json.loads(cli("opportunity", "new", str(company), "--title", "Office", "--quote", str(made["id"]),
                          "--json").stdout)
    staged = json.loads(cli("opportunity", "stage", str(deal["id"]), "proposal", "--json").stdout)
    unknown = cli("opportunity", "stage", str(deal["id"]), "nowhere")
    later = json.loads(cli("opportunity", "new", str(company), "--title", "Later", "--stage", "needs", "--json").stdout)
    products = json.loads(cli("product", "list", "--kind", "bundle", "--json").stdout)
    assert added["lines"][0]["net"] == "7820.00" and added["total_text"] == "RUB9,384.00"
    assert (deal["amount"], staged["stage"], staged["probability"]) == ("7820.00", "proposal", 50)
    assert (later["stage"], later["probability"]) == ("needs", 25)
    assert unknown.exit_code == 1 and unknown.stderr.strip() == "error: stage: unknown reference 'nowhere'"
    assert [p["code"] for p in products] == ["office_pack"]
    export = cli("quote", "export", str(made["id"]), "--format", "html", "--out", str(tmp_path / "q.html"))
    assert export.exit_code == 0 and "Business office bundle" in (tmp_path / "q.html").read_text(encoding="utf-8")


def test_the_pipeline_report_adds_up_the_pipeline(demo_url, people, tmp_path):
    supervisor = people["supervisor"]
    table = act(demo_url, sales_reports.pipeline_report, supervisor)
    business = [o for o in act(demo_url, opportunities.list_opportunities, supervisor) if o.process == "b2b"]
    assert [row[0] for row in table.rows] == ["Qualification", "Needs analysis", "Proposal", "Negotiation", "Won",
                                              "Lost"]
    assert table.totals[2] == len(business) and round(table.totals[4], 2) == float(sum(o.weighted for o in business))
    with pytest.raises(PermissionDenied):
        act(demo_url, sales_reports.pipeline_report, people["agent"])
    cli = cli_on(demo_url, tmp_path)
    written = cli("report", "pipeline", "--out", str(tmp_path / "pipeline.html"))
    assert written.exit_code == 0 and "Needs analysis" in (tmp_path / "pipeline.html").read_text(encoding="utf-8")
