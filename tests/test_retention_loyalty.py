"""Loyalty tiers (issue 29, item 6), on SQLite and PostgreSQL: tiers come from config as code (`loyalty_tiers`),
tenure, payments and ratings decide a customer's tier, `apply` maps it to the client category with the change
in the customer's history (a dry run changes nothing), customers of categories no tier maps to stay as they are;
`crmterm loyalty apply --dry-run --json`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
import yaml
from helpers import ADMIN, act
from sqlmodel import col, select
from typer.testing import CliRunner

from crmterm.cli import app as cli_app
from crmterm.errors import ConfigError, PermissionDenied
from crmterm.services.customers import history
from crmterm.services.directory import config_io
from crmterm.services.retention import loyalty
from crmterm.store import ClientCategory, Contract, Party, Payment, SurveyAnswer
from crmterm.store.db import unit_of_work

TIERS = [{"code": "standard", "names": {"en": "Standard"}, "rank": 0, "category": "b2c"},
         {"code": "gold", "names": {"en": "Gold"}, "rank": 20, "category": "vip", "min_tenure_months": 24,
          "min_spend": 5000, "min_rating": 4}]


def _tiers(url: str, tmp_path, tiers=TIERS) -> None:
    path = tmp_path / "tiers.yaml"
    path.write_text(yaml.safe_dump({"crmterm_config": 1, "loyalty_tiers": tiers}, allow_unicode=True))
    with unit_of_work(url) as session:
        config_io.import_file(session=session, actor=ADMIN, path=path)


def _b2c_customers(url: str, count: int) -> list[int]:
    with unit_of_work(url) as session:
        return list(session.exec(select(Party.id).join(ClientCategory, col(ClientCategory.id) == Party.category_id)
                                 .where(ClientCategory.code == "b2c", Party.status == "active",
                                        col(Party.is_lead).is_(False)).order_by(col(Party.id)).limit(count)).all())


def _loyal(url: str, party_id: int, number: str, score: int) -> None:
    """Five years a customer, 6000 paid last month, and a rating of `score`."""
    with unit_of_work(url) as session:
        contract = Contract(number=number, payer_party_id=party_id, start_date=date.today() - timedelta(days=5 * 365))
        session.add(contract)
        session.flush()
        session.add(Payment(contract_id=contract.id, amount=Decimal(6000), paid_on=date.today() - timedelta(days=30),
                            created_by="test"))
        session.add(SurveyAnswer(inquiry_id=900_000 + party_id, party_id=party_id, score=score, recorded_by="test"))


def test_tiers_map_to_categories_with_history(demo_url, people, tmp_path):
    _tiers(demo_url, tmp_path)
    happy, unhappy = _b2c_customers(demo_url, 2)
    _loyal(demo_url, happy, "LOYAL-1", 5)
    _loyal(demo_url, unhappy, "LOYAL-2", 2)
    dry = act(demo_url, loyalty.apply_tiers, people["supervisor"], dry_run=True)
    ours = [(c.party_id, c.old, c.new, c.tier) for c in dry.changes if c.party_id in (happy, unhappy)]
    assert ours == [(happy, "b2c", "vip", "gold")]  # the unhappy one stays standard (b2c)
    assert all(c.new == "b2c" for c in dry.changes if c.party_id != happy)  # demo VIPs short of gold go down
    assert not dry.applied
    done = act(demo_url, loyalty.apply_tiers, people["supervisor"])
    assert happy in [c.party_id for c in done.changes] and unhappy not in [c.party_id for c in done.changes]
    assert done.applied and len(done.changes) == len(dry.changes)
    with unit_of_work(demo_url) as session:
        vip = session.exec(select(ClientCategory.id).where(ClientCategory.code == "vip")).one()
        assert session.get(Party, happy).category_id == vip
        logged = [c for c in history.history(session, "party", happy) if c.field == "category"]
        assert (logged[0].old, logged[0].new, logged[0].source, logged[0].by) == ("b2c", "vip", "loyalty",
                                                                                 "supervisor")
    assert act(demo_url, loyalty.apply_tiers, people["supervisor"]).changes == []  # nothing left to change
    with pytest.raises(PermissionDenied):
        act(demo_url, loyalty.apply_tiers, people["agent"], dry_run=True)


def test_tiers_are_validated_and_exported(demo_url, tmp_path):
    with pytest.raises(ConfigError, match="category"):
        _tiers(demo_url, tmp_path, [{"code": "x", "category": "nowhere"}])
    _tiers(demo_url, tmp_path)
    with unit_of_work(demo_url) as session:
        exported = config_io.export_config(session=session, actor=ADMIN)["loyalty_tiers"]
    assert [(t["code"], t["min_spend"], t["min_rating"]) for t in exported] == [("standard", "0.00", None),
                                                                                ("gold", "5000.00", 4.0)]


def test_a_tier_moving_up_from_a_category_never_moves_down(demo_url, people, tmp_path):
    _tiers(demo_url, tmp_path, [TIERS[1] | {"from_categories": ["b2c"]}])
    (happy,) = _b2c_customers(demo_url, 1)
    _loyal(demo_url, happy, "LOYAL-3", 5)
    done = act(demo_url, loyalty.apply_tiers, people["admin"])
    assert [(c.party_id, c.new) for c in done.changes] == [(happy, "vip")]  # the demo's VIPs stay VIP


def test_cli_dry_run(demo_url, tmp_path):
    _tiers(demo_url, tmp_path)
    env = {"CRMTERM_HOME": str(tmp_path), "CRMTERM_USER": "admin", "CRMTERM_PASSWORD": "admin"}
    ran = CliRunner().invoke(cli_app, ["--db", demo_url, "loyalty", "apply", "--dry-run", "--json"], env=env)
    assert ran.exit_code == 0, ran.output
    assert json.loads(ran.stdout)["applied"] is False


def test_spend_is_billings_figure_where_its_invoices_were_imported_else_the_crms_payments(demo_url):
    """Billing knows what was paid; the CRM's own payments count only for customers billing has no invoices of
    (never both: the same money twice)."""
    from crmterm.services.customers import contracts
    from crmterm.store import Receivable

    today = date.today()
    with unit_of_work(demo_url) as session:
        billed = set(session.exec(select(Receivable.party_id)).all())
        unbilled = session.exec(select(Party.id).where(col(Party.id).not_in(billed), Party.status == "active")
                                .order_by(Party.id)).first()
    act(demo_url, contracts.add_contract, ADMIN, party_id=unbilled, number="L-SPEND")
    act(demo_url, contracts.add_payment, ADMIN, contract="L-SPEND", amount="120.00")
    with unit_of_work(demo_url) as session:
        invoiced = session.exec(select(Receivable.party_id).order_by(Receivable.party_id)).first()
        expected = sum((r.paid for r in session.exec(select(Receivable).where(
            Receivable.party_id == invoiced, col(Receivable.issued_on) >= today - timedelta(days=365)))), Decimal(0))
        spend = loyalty._spend(session, today)
    assert invoiced is not None and expected > 0 and spend[invoiced] == expected
    assert spend[unbilled] == Decimal("120.00")  # no invoices imported: what the CRM recorded
