"""A promised payment recorded from the customer card (issue 28, item 3): Alt+M on the open card asks for the
amount and the day (three days ahead unless changed), and the promise answers the customer's dunning case."""

from __future__ import annotations

from datetime import date, timedelta

from crmterm.app import make_app
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.collections import promises
from crmterm.store.db import unit_of_work
from helpers import press_and_settle, settle

SIZE = (120, 36)


async def test_an_agent_records_a_promised_payment_from_the_card(ui_settings):
    day = (date.today() + timedelta(days=3)).isoformat()  # the dialog's default
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.click("#login")
        await press_and_settle(pilot, *"agent", "enter", *"agent", "enter")
        await press_and_settle(pilot, "f3", *"C-00000016", "enter")
        await press_and_settle(pilot, "alt+m", *"750.50", "enter")
    with unit_of_work(ui_settings.database_url) as session:
        made = promises.list_promises(session=session, actor=SYSTEM, party_id=16)
    assert [(p.amount, p.promised_on.isoformat(), p.created_by, p.state) for p in made] == [
        (750.50, day, "agent", "open")]
