"""The sales routes of the HTTP API (issue 26 through `crmterm serve`), on SQLite and PostgreSQL: the catalogue in
keyset pages, a quote made with its items in one request and priced, its items changed while a draft, sent and
accepted into an order that is listed, shown and cancelled; opportunities (own or all, as the role allows) moved
with a version check and shown with their quotes and activities; a day's activities in pages, completed once."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

from api_support import client_for, token_for
from sqlmodel import select

from crmterm.store import Contract
from crmterm.store.db import unit_of_work


def _party(url: str, contract: str = "NORD-003") -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id).where(Contract.number == contract)).one()


async def test_products_in_keyset_pages_one_by_code_and_the_forecast_report(demo_url):
    async with client_for(demo_url, token_for(demo_url, "agent")) as client:
        first = await client.get("/products", params={"limit": 2})
        second = await client.get("/products", params={"limit": 2, "after": first.json()["next"]})
        one = await client.get("/products/office_pack")
        missing = await client.get("/products/nothing")
        bad = await client.get("/products", params={"after": "[{]"})
        by_owner = await client.get("/reports/forecast", params={"by": "owner"})
        by_week = await client.get("/reports/forecast", params={"by": "week"})
    codes = [p["code"] for p in first.json()["items"] + second.json()["items"]]
    assert codes == sorted(codes) and len(set(codes)) == 4
    assert one.status_code == 200 and one.json()["kind"] == "bundle"
    assert missing.status_code == 404
    assert bad.status_code == 422 and bad.json() == {"detail": "after: not a page cursor", "field": "after"}
    assert by_owner.json()["name"] == "forecast" and [c["key"] for c in by_owner.json()["columns"]] == [
        "key", "opportunities", "amount", "weighted"]
    assert [row["key"] for row in by_owner.json()["rows"]] == ["agent"]  # a sales agent: their own pipeline
    assert by_week.status_code == 422 and by_week.json()["field"] == "query.by"


async def test_a_quote_is_made_with_items_changed_sent_accepted_and_its_order_cancelled(demo_url):
    party = _party(demo_url)
    items = [{"product": "office_pack"}, {"product": "mobile_business", "quantity": 10, "manual_discount": 5}]
    async with client_for(demo_url, token_for(demo_url, "agent")) as client:
        made = await client.post("/quotes", json={"customer": party, "items": items})
        assert made.status_code == 201, made.text
        quote = made.json()["id"]
        added = await client.post(f"/quotes/{quote}/items", json={"product": "sim", "quantity": 10})
        changed = await client.patch(f"/quotes/{quote}/items/2", json={"quantity": 5})
        too_much = await client.patch(f"/quotes/{quote}/items/2", json={"manual_discount": 10})
        await client.post(f"/quotes/{quote}/items", json={"product": "antivirus"})
        removed = await client.delete(f"/quotes/{quote}/items/4")
        sent = await client.post(f"/quotes/{quote}/send", json={"mail": False})
        frozen = await client.post(f"/quotes/{quote}/items", json={"product": "sim"})
        accepted = await client.post(f"/quotes/{quote}/accept", json={})
        listed = await client.get("/orders", params={"customer": party})
        order = listed.json()["items"][0]
        shown = await client.get(f"/orders/{order['id']}")
        no_reason = await client.post(f"/orders/{order['id']}/cancel", json={"reason": ""})
        cancelled = await client.post(f"/orders/{order['id']}/cancel", json={"reason": "customer changed mind"})
        again = await client.post(f"/orders/{order['id']}/cancel", json={"reason": "twice"})
        quotes = await client.get("/quotes", params={"customer": party})
    assert [line["product"] for line in made.json()["lines"]] == ["office_pack", "mobile_business"]
    assert Decimal(made.json()["net"]) == Decimal("14441.50") and Decimal(made.json()["total"]) == Decimal("17329.80")
    assert [line["quantity"] for line in changed.json()["lines"]] == [1, 5, 10] and added.status_code == 200
    assert too_much.status_code == 422 and too_much.json()["field"] == "manual_discount"
    assert [line["product"] for line in removed.json()["lines"]] == ["office_pack", "mobile_business", "sim"]
    assert sent.status_code == 200 and sent.json()["quote"]["state"] == "sent"
    assert frozen.status_code == 409
    assert accepted.json()["state"] == "accepted" and accepted.json()["order"] == order["number"]
    assert shown.json()["quote_id"] == quote and [i["product"] for i in shown.json()["items"]] == [
        "office_pack", "mobile_business", "sim"]
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "body.reason"
    assert cancelled.json()["state"] == "cancelled" and cancelled.json()["cancel_reason"] == "customer changed mind"
    assert again.status_code == 409
    assert quote in [q["id"] for q in quotes.json()["items"]]


async def test_bad_quote_input_is_a_4xx_naming_the_field_and_leaves_no_quote(demo_url):
    party = _party(demo_url)
    async with client_for(demo_url, token_for(demo_url, "agent")) as client:
        before = (await client.get("/quotes")).json()["items"]
        zero = await client.post("/quotes", json={"customer": party, "items": [{"product": "sim", "quantity": 0}]})
        unknown = await client.post("/quotes", json={"customer": party, "items": [{"product": "sim"},
                                                                                  {"product": "nothing"}]})
        nobody = await client.post("/quotes", json={"customer": 999_999})
        past = await client.post("/quotes", json={"customer": party, "valid_until": "2001-01-01"})
        after = (await client.get("/quotes")).json()["items"]
        rejected = await client.post("/quotes/999999/reject", json={"reason": "x"})
    assert zero.status_code == 422 and zero.json()["field"] == "body.items.0.quantity"
    assert unknown.status_code == 404 and "nothing" in unknown.json()["detail"]
    assert nobody.status_code == 404
    assert past.status_code == 422 and past.json()["field"] == "valid_until"
    assert after == before  # the quote of the unknown product was not left half made
    assert rejected.status_code == 404


async def test_opportunities_move_with_a_version_check_and_show_quotes_and_activities(demo_url):
    party = _party(demo_url)
    agent, other = token_for(demo_url, "agent"), token_for(demo_url, "agent2")
    noon = datetime.combine(date.today() + timedelta(days=1), time(12), tzinfo=UTC)
    async with client_for(demo_url, agent) as client:
        quote = (await client.post("/quotes", json={"customer": party, "items": [{"product": "office_pack"}]})).json()
        deal = await client.post("/opportunities", json={"customer": party, "title": "Office for Nord",
                                                         "quote": quote["id"], "expected_close": "2030-01-31"})
        assert deal.status_code == 201, deal.text
        deal_id, version = deal.json()["id"], deal.json()["version"]
        for n in range(3):
            made = await client.post("/activities", json={"kind": "call", "title": f"Call {n}", "opportunity": deal_id,
                                                           "starts_at": (noon + timedelta(minutes=n)).isoformat()})
            assert made.status_code == 201, made.text
        day = {"day": noon.date().isoformat(), "opportunity": deal_id, "limit": 2}
        first = await client.get("/activities", params=day)
        second = await client.get("/activities", params={**day, "after": first.json()["next"]})
        done = await client.post(f"/activities/{made.json()['id']}/complete", json={"outcome": "agreed a meeting"})
        twice = await client.post(f"/activities/{made.json()['id']}/complete", json={"outcome": "again"})
        moved = await client.post(f"/opportunities/{deal_id}/stage", json={"stage": "needs", "version": version})
        stale = await client.post(f"/opportunities/{deal_id}/stage", json={"stage": "proposal", "version": version})
        lost = await client.post(f"/opportunities/{deal_id}/stage", json={"stage": "lost"})
        shown = await client.get(f"/opportunities/{deal_id}")
        own = await client.get("/opportunities", params={"customer": party})
    async with client_for(demo_url, other) as client:
        theirs = await client.get(f"/opportunities/{deal_id}")
        listed = await client.get("/opportunities", params={"customer": party})
    titles = [a["title"] for a in first.json()["items"] + second.json()["items"]]
    assert titles == ["Call 0", "Call 1", "Call 2"] and second.json()["next"] is None
    assert done.json()["state"] == "done" and done.json()["outcome"] == "agreed a meeting"
    assert twice.status_code == 409
    assert moved.json()["stage"] == "needs" and moved.json()["version"] == version + 1
    assert stale.status_code == 409 and f"Opportunity {deal_id} was changed by agent at " in stale.json()["detail"]
    assert lost.status_code == 422 and lost.json()["field"] == "reason"
    assert [q["id"] for q in shown.json()["quote_list"]] == [quote["id"]]
    assert [a["title"] for a in shown.json()["activities"]] == ["Call 0", "Call 1", "Call 2"]
    assert [s["stage"] for s in shown.json()["history"]] == ["qualify", "needs"]
    assert deal_id in [o["id"] for o in own.json()["items"]]
    assert theirs.status_code == 403 and deal_id not in [o["id"] for o in listed.json()["items"]]
