"""The role matrix's declared table, sales part (issue 26): the catalogue is read by everyone; quotes and
opportunities belong to their seller (sales.work), sales.read sees every one, sales.supervise changes every one.
Builders make the quote or opportunity the call needs, owned by the caller when the caller sells (else by the
demo agent, so a refused caller is refused on someone's real target)."""

from __future__ import annotations

from role_matrix_calls import _ALL, Entry, Rule, World
from sqlmodel import Session, select

from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.sales import (
    catalogue,
    forecast,
    opportunities,
    orders,
    pipeline,
    quote_documents,
    quote_states,
    quotes,
    sales_demo,
    sales_reports,
)
from crmterm.store import SalesOrder

# Reading the pipeline: one's own (sales.work) or all of it (sales.read); the demo call reads a target the
# caller may see (their own, or the agent's for readers of all).
SALES_READER = Rule("sales.work (own) or sales.read (all)", _ALL, writes=False)


def _seller(world: World, actor: Actor | None) -> Actor:
    return actor if actor is not None and actor.can(P.SALES_WORK) else world.people["agent"]


def _quote(session: Session, world: World, actor: Actor | None, state: str = "draft") -> int:
    seller = _seller(world, actor)
    quote = quotes.create_quote(session=session, actor=seller, party_id=world.party).id
    quotes.add_item(session=session, actor=seller, quote_id=quote, product="office_pack")
    if state == "sent":
        quote_states.send_quote(session=session, actor=seller, quote_id=quote, mail=False)
    return quote


def _order(session: Session, world: World, actor: Actor | None) -> int:
    """An order of the seller's: their quote sent and accepted."""
    number = quote_states.accept_quote(session=session, actor=_seller(world, actor),
                                       quote_id=_quote(session, world, actor, "sent")).order
    return session.exec(select(SalesOrder.id).where(SalesOrder.number == number)).one()


def _deal(session: Session, world: World, actor: Actor | None) -> int:
    return opportunities.create_opportunity(session=session, actor=_seller(world, actor), party_id=world.party,
                                            title="Matrix deal").id


def _two_revisions(session: Session, world: World, actor: Actor | None) -> dict:
    first = _quote(session, world, actor)
    return {"quote_id": first, "other_id": quotes.revise_quote(session=session, actor=_seller(world, actor),
                                                                quote_id=first).id}


SALES_ENTRIES = [
    Entry(catalogue.list_products, P.DIRECTORY_READ),
    Entry(catalogue.get_product, P.DIRECTORY_READ, lambda s, w, a: {"code": "office_pack"}),
    Entry(catalogue.list_price_lists, P.DIRECTORY_READ),
    Entry(catalogue.get_price_list, P.DIRECTORY_READ, lambda s, w, a: {"code": "b2b_2026"}),
    Entry(quotes.create_quote, P.SALES_WORK, lambda s, w, a: {"party_id": w.party}),
    Entry(quotes.get_quote, SALES_READER, lambda s, w, a: {"quote_id": _quote(s, w, a)}),
    Entry(quotes.list_quotes, SALES_READER),
    Entry(quotes.add_item, P.SALES_WORK, lambda s, w, a: {"quote_id": _quote(s, w, a), "product": "antivirus"}),
    Entry(quotes.set_item, P.SALES_WORK, lambda s, w, a: {"quote_id": _quote(s, w, a), "position": 1,
                                                          "quantity": 2}),
    Entry(quotes.remove_item, P.SALES_WORK, lambda s, w, a: {"quote_id": _quote(s, w, a), "position": 1}),
    Entry(quotes.revise_quote, P.SALES_WORK, lambda s, w, a: {"quote_id": _quote(s, w, a)}),
    Entry(quote_states.send_quote, P.SALES_WORK, lambda s, w, a: {"quote_id": _quote(s, w, a),
                                                                  "to": "buyer@nord.example"}),
    Entry(quote_states.accept_quote, P.SALES_WORK, lambda s, w, a: {"quote_id": _quote(s, w, a, "sent")}),
    Entry(quote_states.reject_quote, P.SALES_WORK, lambda s, w, a: {"quote_id": _quote(s, w, a, "sent")}),
    Entry(quote_states.expire_quotes, P.SALES_SUPERVISE),
    Entry(quote_documents.compare_quotes, SALES_READER, _two_revisions),
    Entry(quote_documents.export_quote, SALES_READER, lambda s, w, a: {
        "quote_id": _quote(s, w, a), "fmt": "csv", "out": w.tmp / "quote.csv"}),
    Entry(opportunities.create_opportunity, P.SALES_WORK, lambda s, w, a: {"party_id": w.party, "title": "New"}),
    Entry(opportunities.get_opportunity, SALES_READER, lambda s, w, a: {"opportunity_id": _deal(s, w, a)}),
    Entry(opportunities.list_opportunities, SALES_READER),
    Entry(opportunities.move_stage, P.SALES_WORK, lambda s, w, a: {"opportunity_id": _deal(s, w, a),
                                                                   "stage": "needs"}),
    Entry(opportunities.win_opportunity, P.SALES_WORK, lambda s, w, a: {"opportunity_id": _deal(s, w, a)}),
    Entry(opportunities.lose_opportunity, P.SALES_WORK, lambda s, w, a: {"opportunity_id": _deal(s, w, a),
                                                                         "reason": "price"}),
    Entry(pipeline.pipeline, SALES_READER),
    Entry(pipeline.shift_stage, P.SALES_WORK, lambda s, w, a: {"opportunity_id": _deal(s, w, a), "step": 1}),
    Entry(sales_demo.seed_demo_sales, P.CONFIG_IMPORT),
    Entry(sales_reports.pipeline_report, P.SALES_READ),
    Entry(forecast.forecast_report, SALES_READER),
    Entry(forecast.winloss_report, SALES_READER),
    Entry(forecast.funnel_report, SALES_READER),
    Entry(orders.get_order, SALES_READER, lambda s, w, a: {"order_id": _order(s, w, a)}),
    Entry(orders.list_orders, SALES_READER),
    Entry(orders.cancel_order, P.SALES_WORK, lambda s, w, a: {"order_id": _order(s, w, a), "reason": "matrix"}),
]

# The checks themselves, called by the entries above after their own role check.
SALES_EXEMPT = {
    "sales_access.require_sales_reader": "the sales reader check itself",
    "sales_access.require_seller": "the seller check itself",
    "sales_access.check_reads": "the sales ownership rule itself",
    "sales_access.check_changes": "the sales ownership rule itself",
    "sales_access.sees_all": "the sales ownership rule itself",
    "process_config.discount_limit": "the manual-discount limit of a quote change that has checked",
}
