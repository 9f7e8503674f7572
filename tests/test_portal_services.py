"""Self-service operations in the portal (issue 25 item 5), on SQLite and PostgreSQL: the demo's balance SMS,
run by the customer on their own number, recorded as a closed web inquiry and on the customer's history."""

from __future__ import annotations

import pytest
from helpers import act
from portal_support import SECRET, csrf_of, log_in, portal_client, text_of
from sqlmodel import col, select

from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.customers import history
from crmterm.services.inquiries import inquiries
from crmterm.services.portal import demo
from crmterm.store import Notification, Party
from crmterm.store.db import unit_of_work


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch):
    monkeypatch.setenv("CRMTERM_PORTAL_SECRET", SECRET)


async def test_the_balance_sms_goes_to_the_customers_own_number_and_is_recorded(demo_url):
    async with portal_client(demo_url) as client:
        await log_in(client)
        page = await client.get("/portal/services")
        ran = await client.post(f"/portal/services/{demo.FUNCTION}", data={"csrf": csrf_of(page.text)})
        unknown = await client.post("/portal/services/drop_database", data={"csrf": csrf_of(page.text)})
        listed = await client.get("/portal/inquiries")
    assert "Send balance SMS" in page.text
    assert ran.status_code == 200 and "Your balance is 250.00 RUB." in text_of(ran.text)
    assert unknown.status_code == 404
    with unit_of_work(demo_url) as session:
        party_id = session.exec(select(Party.id).where(Party.phone == demo.PHONE)).one()
        sent = session.exec(select(Notification.address, Notification.body)
                            .where(col(Notification.dedupe_key).startswith("balance_sms:"))).all()
    assert [(address, body.strip()) for address, body in sent] == [
        ("79165550001@sms.gateway.invalid", "Your balance is 250.00 RUB.")]
    assert act(demo_url, inquiries.customer_activity, SYSTEM, party_id=party_id).open_inquiries == []  # closed
    with unit_of_work(demo_url) as session:
        changes = history.history(session, "party", party_id)
    assert any(c.field == "self_service" and "Your balance is 250.00 RUB." in str(c.new) for c in changes)
    assert "/portal/inquiries/" in listed.text
