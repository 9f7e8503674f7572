"""The billing routes of the HTTP API (issue 28 through `crmterm serve`), on SQLite and PostgreSQL: a customer's
billing block from the demo billing, and at once `"available": false` with `since` when billing does not answer
in time; the blacklist listed in keyset pages, added to and lifted only with blacklist.write, bad values named."""

from __future__ import annotations

import time
from decimal import Decimal

import pytest
from api_support import client_for, token_for
from helpers import act
from test_billing import SlowBilling

from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.billing import accounts, billing_demo


@pytest.fixture
def billing_url(demo_url):
    from conftest import owner_url

    act(owner_url(demo_url), billing_demo.seed_demo_billing, SYSTEM)
    accounts.forget()
    yield demo_url
    accounts.forget()


async def test_the_billing_block_and_unavailable_since_when_billing_is_slow(billing_url):
    async with client_for(billing_url, token_for(billing_url, "agent")) as client:
        owing = await client.get("/customers/2/billing")
        missing = await client.get("/customers/999999/billing")
        with accounts.using(SlowBilling(delay=2.0), timeout_seconds=0.1):
            started = time.monotonic()
            down = await client.get("/customers/1/billing")
            waited = time.monotonic() - started
    block = owing.json()
    assert block["available"] and block["known"] and Decimal(block["overdue"]) > 0
    assert len(block["invoices"]) == 5 and block["payments"] and block["since"] is None
    assert missing.status_code == 404
    assert down.status_code == 200 and waited < 1.5
    assert down.json()["available"] is False and down.json()["since"] and down.json()["balance"] is None


async def test_the_blacklist_is_listed_added_to_and_lifted_with_blacklist_write(demo_url):
    entry = {"kind": "document", "value": "4510 123456", "reason": "fraud", "note": "forged passport"}
    async with client_for(demo_url, token_for(demo_url, "agent")) as client:
        refused = await client.post("/blacklist", json=entry)
        before = (await client.get("/blacklist", params={"limit": 200})).json()["items"]
    async with client_for(demo_url, token_for(demo_url, "supervisor")) as client:
        added = await client.post("/blacklist", json=entry)
        bad_phone = await client.post("/blacklist", json={**entry, "kind": "phone", "value": "12"})
        bad_kind = await client.post("/blacklist", json={**entry, "kind": "car"})
        huge = await client.post("/blacklist", json={**entry, "kind": "customer", "value": "9" * 30})
        first = await client.get("/blacklist", params={"limit": 1})
        second = await client.get("/blacklist", params={"limit": 1, "after": first.json()["next"]})
        lifted = await client.post(f"/blacklist/{added.json()['id']}/lift")
        after = (await client.get("/blacklist", params={"limit": 200})).json()["items"]
        unknown = await client.post("/blacklist/999999/lift")
    assert refused.status_code == 403 and "blacklist.write" in refused.json()["detail"]
    assert added.status_code == 201 and added.json()["value"] == "4510123456" and added.json()["in_force"]
    assert bad_phone.status_code == 422 and bad_phone.json()["field"] == "value"
    assert bad_kind.status_code == 422 and bad_kind.json()["field"] == "kind"
    assert huge.status_code == 404, huge.text  # a customer number past the id range is no customer, never a 500
    assert first.json()["items"][0]["id"] == added.json()["id"]
    assert second.json()["items"] and second.json()["items"][0]["id"] < added.json()["id"]
    assert lifted.json()["in_force"] is False and lifted.json()["lifted_by"] == "supervisor"
    assert [e["id"] for e in after] == [e["id"] for e in before]
    assert unknown.status_code == 404
