"""The role matrix's HTTP API table, sales and billing part (issues 26 and 28 through `crmterm serve`): every
route of /products, /quotes, /opportunities, /activities, /orders, /customers/{id}/billing and /blacklist, the
matrix entry it calls and a builder of the request. The targets come from the service matrix's builders (a quote,
deal, activity or order owned by the caller when the caller sells, else by the demo agent); blacklist entries are
documents, so no demo customer becomes blacklisted under the sales routes."""

from __future__ import annotations

import itertools

from role_matrix_activities import _AT, _activity
from role_matrix_api import Prepare, Route, _on
from role_matrix_billing import _entry
from role_matrix_sales import _deal, _order, _quote

_ENTRIES = itertools.count(1)


def _sent(s, w, a) -> int:
    return _quote(s, w, a, "sent")


def _lift(s, w, a) -> tuple[str, dict]:
    return f"/blacklist/{_entry(s, w, a)['entry_id']}/lift", {}


def _json(**body) -> Prepare:
    return lambda s, w, a: ("", {"json": {key: value(w) if callable(value) else value for key, value in body.items()}})


SALES_API_ROUTES = [
    Route("GET", "/products", "catalogue.list_products"),
    Route("GET", "/products/{code}", "catalogue.get_product", lambda s, w, a: ("/products/office_pack", {})),
    Route("GET", "/quotes", "quotes.list_quotes"),
    Route("POST", "/quotes", "quotes.create_quote",
          _json(customer=lambda w: w.party, items=[{"product": "office_pack"}])),
    Route("GET", "/quotes/{quote_id}", "quotes.get_quote", _on(_quote, "/quotes/{id}")),
    Route("POST", "/quotes/{quote_id}/items", "quotes.add_item",
          _on(_quote, "/quotes/{id}/items", json={"product": "antivirus"})),
    Route("PATCH", "/quotes/{quote_id}/items/{position}", "quotes.set_item",
          _on(_quote, "/quotes/{id}/items/1", json={"quantity": 2})),
    Route("DELETE", "/quotes/{quote_id}/items/{position}", "quotes.remove_item", _on(_quote, "/quotes/{id}/items/1")),
    Route("POST", "/quotes/{quote_id}/send", "quote_states.send_quote",
          _on(_quote, "/quotes/{id}/send", json={"to": "buyer@nord.example"})),
    Route("POST", "/quotes/{quote_id}/accept", "quote_states.accept_quote", _on(_sent, "/quotes/{id}/accept", json={})),
    Route("POST", "/quotes/{quote_id}/reject", "quote_states.reject_quote", _on(_sent, "/quotes/{id}/reject", json={})),
    Route("GET", "/opportunities", "opportunities.list_opportunities"),
    Route("POST", "/opportunities", "opportunities.create_opportunity",
          _json(customer=lambda w: w.party, title="Api deal")),
    Route("GET", "/opportunities/{opportunity_id}", "opportunities.get_opportunity",
          _on(_deal, "/opportunities/{id}")),
    Route("POST", "/opportunities/{opportunity_id}/stage", "opportunities.move_stage",
          _on(_deal, "/opportunities/{id}/stage", json={"stage": "needs", "version": 1})),
    Route("GET", "/activities", "activities.list_activities"),
    Route("POST", "/activities", "activities.create_activity",
          _json(kind="task", title="Api task", starts_at=_AT.isoformat())),
    Route("POST", "/activities/{activity_id}/complete", "activities.complete_activity",
          _on(_activity, "/activities/{id}/complete", json={"outcome": "done"})),
    Route("GET", "/orders", "orders.list_orders"),
    Route("GET", "/orders/{order_id}", "orders.get_order", _on(_order, "/orders/{id}")),
    Route("POST", "/orders/{order_id}/cancel", "orders.cancel_order",
          _on(_order, "/orders/{id}/cancel", json={"reason": "matrix"})),
    Route("GET", "/customers/{party_id}/billing", "accounts.get_account",
          lambda s, w, a: (f"/customers/{w.party}/billing", {})),
    Route("GET", "/blacklist", "blacklist.list_entries"),
    Route("POST", "/blacklist", "blacklist.add_entry", lambda s, w, a: ("", {"json": {
        "kind": "document", "value": f"API-MATRIX-{next(_ENTRIES)}", "reason": "fraud"}})),
    Route("POST", "/blacklist/{entry_id}/lift", "blacklist.lift_entry", _lift),
    Route("GET", "/reports/forecast", "forecast.forecast_report", lambda s, w, a: ("", {"params": {"by": "owner"}})),
]
