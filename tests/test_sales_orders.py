"""Orders (issue 26, item 5), on SQLite and PostgreSQL: accepting a quote makes an order with the quote's
items as priced, whose handling inquiry runs on its order type's route (approval → provisioning request →
completion in the demo's queues); the order's state follows the inquiry's step; cancelling needs a reason and
cancels the inquiry; a sales agent sees and cancels their own orders; `crmterm order` answers in JSON."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from helpers import act
from sqlmodel import select
from test_api_serve import cli_on

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.sales import orders, quote_states, quotes
from crmterm.store import Contract, Inquiry, Queue, Quote
from crmterm.store.db import unit_of_work


def _accepted(url: str, seller, **accept) -> str:
    """A Nord subsidiary's office bundle, ten business lines (5 % off by hand) and their SIMs, sent and accepted."""
    with unit_of_work(url) as session:
        party = session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-003")).one()
    quote = act(url, quotes.create_quote, seller, party_id=party).id
    act(url, quotes.add_item, seller, quote_id=quote, product="office_pack")
    act(url, quotes.add_item, seller, quote_id=quote, product="mobile_business", quantity=10, manual_discount="5")
    act(url, quotes.add_item, seller, quote_id=quote, product="sim", quantity=10)
    act(url, quote_states.send_quote, seller, quote_id=quote, mail=False)
    return act(url, quote_states.accept_quote, seller, quote_id=quote, **accept).order


def _order(url: str, actor, number: str) -> orders.OrderRead:
    return next(o for o in act(url, orders.list_orders, actor, with_items=True) if o.number == number)


def _where(url: str, inquiry_id: int) -> tuple[str, str | None, str | None]:
    with unit_of_work(url) as session:
        inquiry = session.get(Inquiry, inquiry_id)
        queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
        return inquiry.state, inquiry.step, queue.code if queue else None


def test_an_accepted_quote_becomes_an_order_whose_state_follows_its_route(demo_url, people):
    agent, supervisor, agent2 = people["agent"], people["supervisor"], people["agent2"]
    number = _accepted(demo_url, agent)
    order = _order(demo_url, agent, number)
    assert (order.order_type, order.state, order.state_name, order.owner) == (
        "new_connection", "approval", "Approval", "agent")
    assert [(i.product, i.quantity, i.unit_price, i.discount, i.net) for i in order.items] == [
        ("office_pack", 1, Decimal("9200.00"), Decimal("15.00"), Decimal("7820.00")),
        ("mobile_business", 10, Decimal("820.00"), Decimal("19.25"), Decimal("6621.50")),
        ("sim", 10, Decimal("0.00"), Decimal("15.00"), Decimal("0.00"))]
    assert (order.net, order.total) == (Decimal("14441.50"), Decimal("17329.80"))
    assert _where(demo_url, order.inquiry_id) == ("waiting", "approval", "order_approval")
    for actor, transition, state in ((supervisor, "approve", "provisioning"), (agent2, "provisioned", "completion"),
                                     (agent, "complete", "completed")):
        act(demo_url, inquiry_actions.take, actor, inquiry_id=order.inquiry_id)
        act(demo_url, inquiry_actions.move, actor, inquiry_id=order.inquiry_id, transition=transition)
        assert act(demo_url, orders.get_order, agent, order_id=order.id).state == state
    assert _where(demo_url, order.inquiry_id)[0] == "closed"
    with pytest.raises(Conflict, match="is completed"):
        act(demo_url, orders.cancel_order, agent, order_id=order.id, reason="too late")


def test_a_manual_discount_with_a_fraction_still_makes_an_order(demo_url, people):
    """15 % structural and 4.5 % by hand make 18.825 %: the order item keeps it to the cent, not refuses it."""
    agent = people["agent"]
    with unit_of_work(demo_url) as session:
        party = session.exec(select(Contract.payer_party_id).where(Contract.number == "NORD-003")).one()
    quote = act(demo_url, quotes.create_quote, agent, party_id=party).id
    act(demo_url, quotes.add_item, agent, quote_id=quote, product="mobile_business", quantity=2, manual_discount="4.5")
    act(demo_url, quotes.add_item, agent, quote_id=quote, product="sim", quantity=2)
    act(demo_url, quote_states.send_quote, agent, quote_id=quote, mail=False)
    number = act(demo_url, quote_states.accept_quote, agent, quote_id=quote).order
    assert [(i.discount, i.net) for i in _order(demo_url, agent, number).items] == [
        (Decimal("18.83"), Decimal("1331.27")), (Decimal("15.00"), Decimal("0.00"))]


def test_an_order_is_cancelled_with_a_reason_and_its_inquiry_with_it(demo_url, people):
    agent, agent2, supervisor = people["agent"], people["agent2"], people["supervisor"]
    order = _order(demo_url, agent, _accepted(demo_url, agent, order_type="service_change"))
    assert (order.state, _where(demo_url, order.inquiry_id)[2]) == ("provisioning", "provisioning")
    with pytest.raises(ValidationError, match="give a reason"):
        act(demo_url, orders.cancel_order, agent, order_id=order.id, reason="  ")
    with pytest.raises(PermissionDenied):
        act(demo_url, orders.cancel_order, agent2, order_id=order.id, reason="not mine")
    with pytest.raises(PermissionDenied):
        act(demo_url, orders.get_order, agent2, order_id=order.id)
    assert order.number not in [o.number for o in act(demo_url, orders.list_orders, agent2)]
    cancelled = act(demo_url, orders.cancel_order, agent, order_id=order.id, reason="Customer changed  its mind")
    assert (cancelled.state, cancelled.cancel_reason) == ("cancelled", "Customer changed its mind")
    assert _where(demo_url, order.inquiry_id)[0] == "cancelled"
    assert [o.number for o in act(demo_url, orders.list_orders, supervisor, state="cancelled")] == [order.number]
    with pytest.raises(Conflict, match="is cancelled"):
        act(demo_url, orders.cancel_order, supervisor, order_id=order.id, reason="again")


def test_an_unknown_order_type_accepts_nothing(demo_url, people):
    with pytest.raises(NotFound, match="order type"):
        _accepted(demo_url, people["agent"], order_type="nowhere")
    with unit_of_work(demo_url) as session:
        assert session.exec(select(Quote.state).order_by(Quote.id.desc())).first() == "sent"


def test_the_order_cli_answers_in_json(demo_url, people, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    number = _accepted(demo_url, people["agent"])
    listed = json.loads(cli("order", "list", "--state", "approval", "--json").stdout)
    order = next(o for o in listed if o["number"] == number)
    refused = cli("order", "cancel", str(order["id"]), "--reason", " ")
    cancelled = json.loads(cli("order", "cancel", str(order["id"]), "--reason", "Duplicate", "--json").stdout)
    assert refused.exit_code == 1 and refused.stderr.strip() == "error: reason: give a reason"
    assert (cancelled["state"], cancelled["cancel_reason"], cancelled["items"][0]["product"]) == (
        "cancelled", "Duplicate", "office_pack")


def test_order_types_are_config_as_code(demo_url, tmp_path):
    from test_sales_catalogue import ADMIN, _import

    from crmterm.errors import ConfigError
    from crmterm.services.directory import config_io

    with unit_of_work(demo_url) as session:
        exported = config_io.export_config(session=session, actor=ADMIN)["order_types"]
    assert exported[0] == {"code": "new_connection", "names": {"en": "New connection", "ru": "Новое подключение"},
                           "topic": "order_new_connection", "default": True}
    assert _import(demo_url, tmp_path / "same.yaml", {"order_types": exported}).changes == 0
    with pytest.raises(ConfigError, match="order_types 'x': topic: unknown reference 'nowhere'"):
        _import(demo_url, tmp_path / "bad.yaml", {"order_types": [{"code": "x", "topic": "nowhere"}]})


def test_a_topic_that_handles_an_order_type_is_not_deleted(demo_url):
    from helpers import ADMIN

    from crmterm.services.directory import directory

    with unit_of_work(demo_url) as session, pytest.raises(Conflict, match="order type 'service_change'"):
        directory.delete_entry(session=session, actor=ADMIN, kind="topics", key="order_service_change",
                               expected_version=None)


def test_the_demo_orders_stand_along_their_route(demo_url, people):
    """The TUI's first start makes the demo pipeline's orders (services/sales/sales_demo_orders)."""
    from crmterm.services.sales import sales_demo_orders

    with unit_of_work(demo_url) as session:
        assert sales_demo_orders.seed_demo_orders(session) == 5
        assert sales_demo_orders.seed_demo_orders(session) == 0  # once
    shown = act(demo_url, orders.list_orders, people["supervisor"])
    assert [o.state for o in reversed(shown)] == ["approval", "provisioning", "completion", "completed", "cancelled"]
    assert shown[0].cancel_reason == sales_demo_orders.CANCEL_REASON
