"""The quotation engine (issue 26, item 2), on SQLite and PostgreSQL: list prices from the price list in force,
the customer's structural discounts as its card lists them plus manual discounts within the role's limit,
taxes and Babel-formatted totals; revisions and their comparison; draft → sent → accepted / rejected /
expired; export like reports; sending queues an e-mail; who sees and changes which quote."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from helpers import act
from sqlmodel import select

from crmterm.errors import Conflict, PermissionDenied, ValidationError
from crmterm.i18n import set_language
from crmterm.services.customers import contracts
from crmterm.services.sales import opportunities, quote_documents, quote_states, quotes
from crmterm.store import Contract, Notification, Quote
from crmterm.store.db import unit_of_work


def _party(url: str, contract: str = "NORD-003") -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id).where(Contract.number == contract)).one()


def _bundle_quote(url: str, seller, party: int) -> int:
    """An office bundle and ten business lines (5 % off by hand) for a Nord subsidiary."""
    quote = act(url, quotes.create_quote, seller, party_id=party).id
    act(url, quotes.add_item, seller, quote_id=quote, product="office_pack")
    act(url, quotes.add_item, seller, quote_id=quote, product="mobile_business", quantity=10, manual_discount="5")
    act(url, quotes.add_item, seller, quote_id=quote, product="sim", quantity=10)
    return quote


def _plain(text: str) -> str:
    return text.replace("\xa0", " ").replace("\u202f", " ")


def test_a_quote_is_priced_with_structural_and_manual_discounts_and_tax(demo_url, people):
    agent = people["agent"]
    quote = act(demo_url, quotes.get_quote, agent, quote_id=_bundle_quote(demo_url, agent, _party(demo_url)))
    assert quote.price_list == "b2b_2026" and quote.discounts == [
        "15.00 % (structure billing: Группа «Норд» (#1))"]
    assert [(line.product, line.unit_price, line.net, line.tax, line.total, line.problems) for line in quote.lines] == [
        ("office_pack", Decimal("9200.00"), Decimal("7820.00"), Decimal("1564.00"), Decimal("9384.00"), []),
        ("mobile_business", Decimal("820.00"), Decimal("6621.50"), Decimal("1324.30"), Decimal("7945.80"), []),
        ("sim", Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), Decimal("0.00"), [])]
    assert (quote.list_amount, quote.net, quote.tax, quote.total) == (
        Decimal("17400.00"), Decimal("14441.50"), Decimal("2888.30"), Decimal("17329.80"))
    assert quote.total_text == "RUB17,329.80"
    set_language("ru")
    assert _plain(act(demo_url, quotes.get_quote, agent, quote_id=quote.id).total_text) == "17 329,80 ₽"
    set_language("en")
    with pytest.raises(ValidationError, match="at most 5.00 % for your role"):
        act(demo_url, quotes.set_item, agent, quote_id=quote.id, position=1, manual_discount="10")
    raised = act(demo_url, quotes.set_item, people["supervisor"], quote_id=quote.id, position=1, manual_discount="10")
    assert raised.lines[0].net == Decimal("7038.00")


def test_configuration_problems_show_next_to_the_item_and_block_sending(demo_url, people):
    agent = people["agent"]
    quote = act(demo_url, quotes.create_quote, agent, party_id=_party(demo_url)).id
    act(demo_url, quotes.add_item, agent, quote_id=quote, product="internet_100")
    shown = act(demo_url, quotes.add_item, agent, quote_id=quote, product="antivirus")
    assert [line.problems for line in shown.lines] == [["requires router"], []]
    with pytest.raises(ValidationError, match="fix the configuration first: 1. internet_100: requires router"):
        act(demo_url, quote_states.send_quote, agent, quote_id=quote, to="buyer@nord.example")
    fixed = act(demo_url, quotes.add_item, agent, quote_id=quote, product="router")
    assert fixed.valid


def test_revisions_are_compared_and_only_the_latest_is_sent(demo_url, people):
    agent = people["agent"]
    first = _bundle_quote(demo_url, agent, _party(demo_url))
    second = act(demo_url, quotes.revise_quote, agent, quote_id=first)
    act(demo_url, quotes.set_item, agent, quote_id=second.id, position=2, quantity=12)
    act(demo_url, quotes.remove_item, agent, quote_id=second.id, position=3)
    changes = act(demo_url, quote_documents.compare_quotes, agent, quote_id=first, other_id=second.id)
    assert second.revision == 2 and second.number == act(demo_url, quotes.get_quote, agent, quote_id=first).number
    assert [(d.what, d.product, d.before, d.after) for d in changes] == [
        ("total", "", "17329.80", "18918.96"), ("removed", "sim", "10", ""),
        ("quantity", "mobile_business", "10", "12")]
    with pytest.raises(Conflict, match="has a newer revision"):
        act(demo_url, quote_states.send_quote, agent, quote_id=first, to="buyer@nord.example")


def test_a_sent_quote_keeps_its_prices_is_mailed_and_accepted_into_its_opportunity(demo_url, people):
    agent, party = people["agent"], _party(demo_url)
    deal = act(demo_url, opportunities.create_opportunity, agent, party_id=party, title="Office")
    quote = act(demo_url, quotes.create_quote, agent, party_id=party, opportunity_id=deal.id).id
    act(demo_url, quotes.add_item, agent, quote_id=quote, product="office_pack")
    sent = act(demo_url, quote_states.send_quote, agent, quote_id=quote, to="buyer@nord.example")
    act(demo_url, contracts.add_discount, people["supervisor"], percent="10", party_id=party,
        valid_from=date.today() - timedelta(days=1))
    with unit_of_work(demo_url) as session:
        mail = session.get(Notification, sent.notification_id)
        assert (mail.address, mail.subject) == ("buyer@nord.example", f"Quote {sent.quote.number} (revision 1)")
        assert "Business office bundle: 1 month, RUB9,384.00" in mail.body
    assert act(demo_url, quotes.get_quote, agent, quote_id=quote).total == Decimal("9384.00")  # as sent
    assert act(demo_url, quotes.revise_quote, agent, quote_id=quote).total == Decimal("8445.60")  # 10 % more off
    with pytest.raises(Conflict, match="has a newer revision"):
        act(demo_url, quote_states.accept_quote, agent, quote_id=quote)


def test_accepting_rejecting_and_expiring(demo_url, people):
    agent, party = people["agent"], _party(demo_url)
    deal = act(demo_url, opportunities.create_opportunity, agent, party_id=party, title="Office", amount="1")
    made = []
    for _ in range(3):
        quote = act(demo_url, quotes.create_quote, agent, party_id=party, opportunity_id=deal.id).id
        act(demo_url, quotes.add_item, agent, quote_id=quote, product="office_pack")
        act(demo_url, quote_states.send_quote, agent, quote_id=quote, mail=False)
        made.append(quote)
    accepted = act(demo_url, quote_states.accept_quote, agent, quote_id=made[0])
    rejected = act(demo_url, quote_states.reject_quote, agent, quote_id=made[1], reason="too dear")
    with unit_of_work(demo_url) as session:
        session.get(Quote, made[2]).valid_until = date.today() - timedelta(days=1)
    assert (accepted.state, rejected.state) == ("accepted", "rejected")
    assert act(demo_url, opportunities.get_opportunity, agent, opportunity_id=deal.id).amount == Decimal("7820.00")
    assert act(demo_url, quotes.get_quote, agent, quote_id=made[2]).state == "expired"  # before any scan
    with pytest.raises(Conflict, match="is expired"):
        act(demo_url, quote_states.accept_quote, agent, quote_id=made[2])
    with pytest.raises(PermissionDenied):
        act(demo_url, quote_states.expire_quotes, agent)
    assert act(demo_url, quote_states.expire_quotes, people["supervisor"]) == 1
    with unit_of_work(demo_url) as session:
        assert session.get(Quote, made[2]).state == "expired"


def test_a_quote_is_exported_like_a_report(demo_url, people, tmp_path):
    quote = _bundle_quote(demo_url, people["agent"], _party(demo_url))
    for fmt in ("xlsx", "html", "rtf"):
        act(demo_url, quote_documents.export_quote, people["supervisor"], quote_id=quote, fmt=fmt,
            out=tmp_path / f"q.{fmt}")
    assert (tmp_path / "q.xlsx").read_bytes()[:2] == b"PK" and (tmp_path / "q.rtf").read_text().startswith("{\\rtf")
    html = (tmp_path / "q.html").read_text(encoding="utf-8")
    assert "Business office bundle" in html and "RUB17,329.80" in html and "15.00 % (structure billing" in html


def test_a_sales_agent_works_only_their_own_quotes(demo_url, people):
    agent, other = people["agent"], people["agent2"]
    quote = _bundle_quote(demo_url, agent, _party(demo_url))
    with pytest.raises(PermissionDenied):
        act(demo_url, quotes.get_quote, other, quote_id=quote)
    with pytest.raises(PermissionDenied):
        act(demo_url, quotes.add_item, other, quote_id=quote, product="sim")
    with pytest.raises(PermissionDenied):
        act(demo_url, quotes.add_item, people["auditor"], quote_id=quote, product="sim")
    assert act(demo_url, quotes.get_quote, people["auditor"], quote_id=quote).id == quote
    assert quote not in {q.id for q in act(demo_url, quotes.list_quotes, other)}
    assert quote in {q.id for q in act(demo_url, quotes.list_quotes, people["supervisor"])}
    assert {q.owner for q in act(demo_url, quotes.list_quotes, agent)} == {"agent"}


def test_pricing_takes_the_same_number_of_queries_for_3_items_as_for_30(demo_url, people):
    from sqlalchemy import event

    agent = people["agent"]
    quote = act(demo_url, quotes.create_quote, agent, party_id=_party(demo_url)).id
    codes = ["office_pack", "static_ip", "mobile_business", "sim", "router", "antivirus", "installation"]

    def statements() -> int:
        with unit_of_work(demo_url) as session:
            seen: list[str] = []
            engine = session.get_bind()
            listener = lambda *args: seen.append(args[2])  # noqa: E731 - (conn, cursor, statement, …)
            event.listen(engine, "before_cursor_execute", listener)
            try:
                quotes.get_quote(session=session, actor=agent, quote_id=quote)
            finally:
                event.remove(engine, "before_cursor_execute", listener)
            return len(seen)

    for code in codes[:3]:
        act(demo_url, quotes.add_item, agent, quote_id=quote, product=code)
    few = statements()
    for n in range(27):
        act(demo_url, quotes.add_item, agent, quote_id=quote, product=codes[n % len(codes)])
    assert 0 < few <= 20 and statements() == few  # the unit of work's own statements included
