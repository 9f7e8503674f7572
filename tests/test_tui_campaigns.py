"""Working a campaign's call in the TUI (issue 29, item 4): Alt+T lists the campaigns, N takes the next call of
the selected one (customer, offer and script shown), A records that the customer accepted the offer — an
outbound contact — and the list's progress moves on; V on the call's inquiry records the customer's rating."""

from __future__ import annotations

from helpers import ADMIN, act, settle
from sqlmodel import select
from test_tui import SIZE, _login
from textual.widgets import Static

from crmterm.app import make_app
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.retention.campaigns import CampaignsScreen
from crmterm.services.retention import campaigns
from crmterm.store import CampaignAttempt, Inquiry, SurveyAnswer
from crmterm.store.db import unit_of_work


def make_campaign(url: str) -> None:
    values = {"code": "winback", "name": "Win back", "topic": "tariff_info", "agents": ["agent"],
              "criteria": {"category": "b2c", "limit": 5}, "script": "retention",
              "offer": "30% off the monthly fee for 6 months"}
    act(url, campaigns.create_campaign, ADMIN, values=values)
    act(url, campaigns.build_campaign, ADMIN, code="winback")


async def test_an_agent_takes_the_next_call_and_records_the_outcome(ui_settings):
    make_campaign(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("alt+t")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, CampaignsScreen) and [c.code for c in screen.found] == ["winback"]
        await pilot.press("n")
        await settle(pilot)
        assert screen.call is not None
        shown = str(screen.query_one("#campaign-call", Static).render())
        assert screen.call.customer in shown and "30% off" in shown and "retention offer" in shown
        await pilot.press("a")
        await settle(pilot)
        assert screen.call is None and screen.found[0].done == 1
        with unit_of_work(ui_settings.database_url) as session:
            attempts = session.exec(select(CampaignAttempt)).all()
            assert [(a.outcome, a.contact_id is not None) for a in attempts] == [("accepted", True)]
            inquiry = session.exec(select(Inquiry.id).where(Inquiry.contact_id == attempts[0].contact_id)).one()
        pilot.app.push_screen(InquiryScreen(inquiry))  # the call's inquiry: V asks the customer's rating
        await settle(pilot)
        await pilot.press("v", "5", "space", "9", "enter")
        await settle(pilot)
    with unit_of_work(ui_settings.database_url) as session:
        rated = session.get(SurveyAnswer, inquiry)
        assert (rated.score, rated.nps, rated.recorded_by) == (5, 9, "agent")
