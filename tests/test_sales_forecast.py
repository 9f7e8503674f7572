"""Forecast and sales analysis (issue 26, item 6), on SQLite and PostgreSQL: the weighted pipeline by month,
owner and product against a computation by hand, won and lost by reason, conversion and average days per stage
from the stage history; a sales agent's forecast is their own pipeline; every export format."""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta

import pytest
from helpers import act
from sqlmodel import col, select
from test_api_serve import cli_on

from crmterm.errors import ValidationError
from crmterm.services.sales import forecast, opportunities, quotes
from crmterm.store import Contract, OpportunityStage
from crmterm.store.db import unit_of_work


def _rows(table) -> dict[str, list]:
    return {row[0]: row[1:] for row in table.rows}


def _company(url: str) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-003")).one()


def test_the_forecast_adds_up_the_weighted_pipeline_by_month_owner_and_product(demo_url, people):
    supervisor, agent = people["supervisor"], people["agent"]
    before = _rows(act(demo_url, forecast.forecast_report, supervisor, by="product"))
    quote = act(demo_url, quotes.create_quote, agent, party_id=_company(demo_url)).id
    for product in ("office_pack", "antivirus"):  # list 9200 and 130, 15 % structural discount
        act(demo_url, quotes.add_item, agent, quote_id=quote, product=product)
    deal = act(demo_url, opportunities.create_opportunity, agent, party_id=_company(demo_url), title="Far away",
               quote_id=quote, expected_close=date(2031, 5, 20))
    act(demo_url, opportunities.move_stage, agent, opportunity_id=deal.id, stage="negotiation")  # 75 %
    pipeline = [o for o in act(demo_url, opportunities.list_opportunities, supervisor, limit=1000) if o.state == "open"]
    by_month, by_owner = defaultdict(float), defaultdict(float)
    for o in pipeline:
        by_month[o.expected_close.strftime("%Y-%m") if o.expected_close else "no date"] += float(o.weighted)
        by_owner[o.owner] += float(o.weighted)
    months = _rows(act(demo_url, forecast.forecast_report, supervisor, by="month"))
    owners = act(demo_url, forecast.forecast_report, supervisor, by="owner")
    assert {k: v[2] for k, v in months.items()} == pytest.approx(dict(by_month))
    assert months["2031-05"] == [1, 7930.5, 5947.88]
    assert {k: v[2] for k, v in _rows(owners).items()} == pytest.approx(dict(by_owner))
    assert owners.totals[1:] == [len(pipeline), pytest.approx(sum(float(o.amount or 0) for o in pipeline)),
                                 pytest.approx(sum(by_owner.values()))]
    after = _rows(act(demo_url, forecast.forecast_report, supervisor, by="product"))
    assert after["office_pack"][2] - before["office_pack"][2] == pytest.approx(5947.88 * 9200 / 9330, abs=0.02)
    assert after["antivirus"][2] - before["antivirus"][2] == pytest.approx(5947.88 * 130 / 9330, abs=0.02)
    own = act(demo_url, forecast.forecast_report, agent, by="owner")
    assert list(_rows(own)) == ["agent"] and _rows(own)["agent"] == _rows(owners)["agent"]
    with pytest.raises(ValidationError, match="month, owner, product"):
        act(demo_url, forecast.forecast_report, supervisor, by="colour")


def test_won_and_lost_by_reason_and_the_funnel_from_the_stage_history(demo_url, people):
    supervisor = people["supervisor"]
    closed = defaultdict(int)
    for o in act(demo_url, opportunities.list_opportunities, supervisor, limit=1000):
        if o.state != "open":
            closed[(o.state, o.loss_reason or "—")] += 1
    table = act(demo_url, forecast.winloss_report, supervisor)
    assert {(row[0], row[1]): row[2] for row in table.rows} == dict(closed)
    assert table.rows[0][0] == "won" and len({row[1] for row in table.rows if row[0] == "lost"}) == 3
    retail_before = _rows(act(demo_url, forecast.funnel_report, supervisor, process="retail"))
    deal = act(demo_url, opportunities.create_opportunity, supervisor, party_id=_company(demo_url), title="Retail",
               amount="100", process="retail")
    act(demo_url, opportunities.move_stage, supervisor, opportunity_id=deal.id, stage="offer")
    act(demo_url, opportunities.win_opportunity, supervisor, opportunity_id=deal.id)
    with unit_of_work(demo_url) as session:  # entered 5 days ago, offered 2 days ago, won now
        rows = session.exec(select(OpportunityStage).where(OpportunityStage.opportunity_id == deal.id)
                            .order_by(col(OpportunityStage.id))).all()
        for row, days in zip(rows, (5, 2, 0), strict=True):
            row.at = row.at - timedelta(days=days)
            session.add(row)
    funnel = _rows(act(demo_url, forecast.funnel_report, supervisor, process="retail"))
    interest = retail_before["Interest"][0] + 1
    assert funnel["Interest"] == [interest, 1, pytest.approx(1 / interest), pytest.approx(3, abs=0.01)]
    assert funnel["Offer"] == [1, 1, 1.0, pytest.approx(2, abs=0.01)]


def test_the_reports_are_written_in_every_format(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    for name, fmt in (("forecast", "xlsx"), ("winloss", "html"), ("funnel", "rtf"), ("forecast", "csv")):
        target = tmp_path / f"{name}.{fmt}"
        done = cli("report", name, "--format", fmt, "--out", str(target))
        assert done.exit_code == 0, done.output
        assert target.stat().st_size > 0
    owners = json.loads(cli("report", "forecast", "--by", "owner", "--json").stdout)
    assert {row["key"] for row in owners["rows"]} == {"agent", "agent2", "supervisor"}
    wrong = cli("report", "forecast", "--by", "colour")
    assert wrong.exit_code == 1 and wrong.stderr.startswith("error: by: expected one of")
