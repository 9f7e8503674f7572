"""How the screens look (fixed terminal size). Update deliberately: pytest --snapshot-update, then look."""

from __future__ import annotations

from crmterm.app import make_app
from helpers import events_rewritable, press_and_settle, settle

SIZE = (100, 32)


async def _login(pilot, login: str) -> None:
    await settle(pilot)  # the app prepares the database first
    await pilot.click("#login")
    await pilot.press(*login, "enter", *login, "enter")
    await settle(pilot)


def test_login_screen(snap_compare, snapshot_settings):
    app = make_app(snapshot_settings, demo_logins={"admin": "admin", "agent": "agent"})
    assert snap_compare(app, terminal_size=SIZE, run_before=settle)


def test_agent_workspace(snap_compare, snapshot_settings):
    assert snap_compare(make_app(snapshot_settings), terminal_size=SIZE,
                        run_before=lambda pilot: _login(pilot, "agent"))


def test_admin_contact_places(snap_compare, snapshot_settings):
    async def open_places(pilot):
        await _login(pilot, "admin")
        await pilot.press("f10", "down", "down")
        await settle(pilot)
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=SIZE, run_before=open_places)


def test_customer_card(snap_compare, snapshot_settings):
    async def open_card(pilot):
        await _login(pilot, "agent")
        await pilot.press("f3", *"склад хим", "enter")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(120, 36), run_before=open_card)


def test_erase_dialog_refuses_a_wrong_number(snap_compare, snapshot_settings):
    """Admin, customer card of the Khimki warehouse, Alt+E: the warning, and the wrong number refused."""
    async def ask_to_erase(pilot):
        await _login(pilot, "admin")
        await press_and_settle(pilot, "f3", *"склад хим", "enter")
        await press_and_settle(pilot, "alt+e")
        await press_and_settle(pilot, "6", "enter")

    assert snap_compare(make_app(snapshot_settings), terminal_size=(120, 36), run_before=ask_to_erase)


async def _open_disputed_charge(pilot) -> None:
    await _login(pilot, "admin")
    await pilot.press("f9")
    await settle(pilot)
    await pilot.press("down", "down", "down")
    await settle(pilot)
    await settle(pilot)


def test_topic_tree_editor(snap_compare, snapshot_settings):
    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=_open_disputed_charge)


def test_topic_preview_with_a_large_amount(snap_compare, snapshot_settings):
    async def fill(pilot):
        await _open_disputed_charge(pilot)
        pilot.app.screen.query_one("#a-amount").focus()
        await pilot.press(*"1500", "f5")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=fill)


def test_registration_half_filled(snap_compare, snapshot_settings):
    """A known caller found by number, a topic by its code, one attribute typed, the next one focused."""
    async def half_fill(pilot):
        await _login(pilot, "agent")
        await pilot.press("f4", *"+79161000001", "enter")
        await settle(pilot)
        await pilot.press(*"311", "enter")
        await settle(pilot)
        await pilot.press(*"2026-11-26 10:00", "tab")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=half_fill)


def _inquiry_in_billing(url: str) -> int:
    """A disputed charge passed to billing and taken there by agent; every time in it fixed (the deadline
    in the past, so it shows as overdue on any day after)."""
    from datetime import UTC, datetime, timedelta

    from sqlmodel import select

    from crmterm.services.inquiries import inquiry_actions
    from crmterm.services.accounts.permissions import Actor, Role
    from crmterm.services.inquiries.registration import ContactDraft, register
    from crmterm.store import Inquiry, InquiryEvent, User
    from crmterm.store.db import unit_of_work
    from helpers import AGENT

    at = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
    draft = ContactDraft(at=at, channel="phone", place="cc_msk", customer=1, text="Calls about the November bill",
                         inquiries=[{"topic": "disputed_charge", "values": {
                             "amount": "7000", "dispute_reason": "double_charge", "charge_date": "2026-11-20",
                             "approval_reference": "A-1"}}])
    with unit_of_work(url) as session:
        inquiry_id = register(session=session, actor=AGENT, draft=draft).inquiry_ids[0]
        user = session.exec(select(User).where(User.login == "agent")).one()
        agent = Actor(login="agent", role=Role(user.role_code), id=user.id)
    for step in (lambda s: inquiry_actions.take(session=s, actor=agent, inquiry_id=inquiry_id),
                 lambda s: inquiry_actions.move(session=s, actor=agent, inquiry_id=inquiry_id, transition="to_billing",
                                                text="[b]Over 5000[/b]: billing checks it"),
                 lambda s: inquiry_actions.take(session=s, actor=agent, inquiry_id=inquiry_id)):
        with unit_of_work(url) as session:
            step(session)
    with events_rewritable(url), unit_of_work(url) as session:
        for n, event in enumerate(session.exec(select(InquiryEvent).where(InquiryEvent.inquiry_id == inquiry_id)
                                               .order_by(InquiryEvent.id))):
            event.at = at + timedelta(minutes=7 * n)
            session.add(event)
        inquiry = session.get(Inquiry, inquiry_id)
        inquiry.due_at = datetime(2026, 11, 21, 9, 30, tzinfo=UTC)
        session.add(inquiry)
    return inquiry_id


def test_inquiry_screen_in_the_billing_step(snap_compare, snapshot_settings):
    """Header with the overdue deadline, the step's editable attributes, the moves on offer, the timeline."""
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen

    inquiry_id = _inquiry_in_billing(snapshot_settings.database_url)

    async def open_inquiry(pilot):
        await _login(pilot, "agent")
        pilot.app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 40), run_before=open_inquiry)


def _queue_inquiries(url: str) -> None:
    """Four complaints with fixed deadlines (one long overdue, the others far ahead: the day and time shown
    never depend on today), one taken by the second agent and one raised to critical."""
    from datetime import datetime, timezone

    from crmterm.services.inquiries import inquiry_actions

    from crmterm.services.routing import queues
    from crmterm.services.accounts.permissions import Actor, Role
    from crmterm.services.inquiries.registration import ContactDraft, register
    from crmterm.store.db import unit_of_work
    from helpers import AGENT, SUPERVISOR

    dispute = {"topic": "disputed_charge", "values": {"amount": "100", "dispute_reason": "double_charge",
                                                      "charge_date": "2026-01-01", "approval_reference": "A-1"}}
    deadlines = [datetime(2020, 1, 10, 9, 0), datetime(2099, 3, 2, 18, 0), datetime(2099, 3, 1, 12, 30),
                 datetime(2099, 3, 4, 9, 15)]
    with unit_of_work(url) as session:
        for customer in (1, 2, 3, 1):
            register(session=session, actor=AGENT, draft=ContactDraft.model_validate({
                "at": datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc), "channel": "phone", "place": "cc_msk",
                "customer": customer, "inquiries": [dispute]}))
        for inquiry_id, due in enumerate(deadlines, start=1):
            inquiry_actions.set_deadline(session=session, actor=SUPERVISOR, inquiry_id=inquiry_id,
                                         due_at=due.replace(tzinfo=timezone.utc), reason="agreed",
                                         allow_past=True)
        inquiry_actions.set_priority(session=session, actor=SUPERVISOR, inquiry_id=4, priority="critical")
    with unit_of_work(url) as session:
        queues.take_next(session=session, actor=Actor(login="agent2", role=Role.AGENT, id=4), queue="first_line")


def test_queues_tab_of_a_supervisor(snap_compare, snapshot_settings, monkeypatch):
    """Counts per queue, the first line's open inquiries in work order, an overdue deadline, one row marked."""
    import time

    monkeypatch.setenv("TZ", "UTC")  # deadlines are shown in local time
    time.tzset()
    _queue_inquiries(snapshot_settings.database_url)

    async def open_queues(pilot):
        await _login(pilot, "supervisor")
        await pilot.press("f11")
        await settle(pilot)
        await pilot.press("down", "space")
        await settle(pilot)

    try:
        assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 36), run_before=open_queues)
    finally:
        monkeypatch.undo()  # the zone is process-wide: give the next test the one it started with
        time.tzset()
