"""Pilot tests of the inquiry screen: the demo complaint route worked end to end from the keyboard (the
moves offered follow the route's guards), attributes edited per step, and a concurrent change reported
("changed by … at …") without losing what was typed."""

from __future__ import annotations

import io

from rich.console import Console
from sqlmodel import select

from crmterm.app import make_app
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.inquiry.inquiry_dialogs import AskScreen, MenuScreen
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.services.inquiries import inquiries, inquiry_actions
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import User
from crmterm.store.db import unit_of_work
from helpers import AGENT, notices, press_and_settle, settle
from test_tui import SIZE, _login


def _register(url: str, amount: str) -> int:
    draft = ContactDraft(channel="phone", place="cc_msk", customer=1, inquiries=[{
        "topic": "disputed_charge", "values": {"amount": amount, "dispute_reason": "double_charge",
                                               "charge_date": "2026-11-20", "approval_reference": "A-1"}}])
    with unit_of_work(url) as session:
        return register(session=session, actor=AGENT, draft=draft).inquiry_ids[0]


def _actor(url: str, login: str) -> Actor:
    with unit_of_work(url) as session:
        user = session.exec(select(User).where(User.login == login)).one()
        return Actor(login=user.login, role=Role(user.role_code), id=user.id)


def _read(url: str, inquiry_id: int):
    with unit_of_work(url) as session:
        return inquiries.get_inquiry(session=session, actor=AGENT, inquiry_id=inquiry_id)


def _notices(pilot) -> list[str]:
    return [str(n.message) for n in notices(pilot.app)]


def _text(renderable) -> str:
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def _open(pilot, login: str, inquiry_id: int) -> InquiryScreen:
    await _login(pilot, login, login)
    pilot.app.push_screen(InquiryScreen(inquiry_id))
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, InquiryScreen) and screen.inquiry is not None
    return screen


async def _menu(pilot, key: str = "a") -> list[str]:
    """Open a menu and say which entries it offers (the menu stays open)."""
    await press_and_settle(pilot, key)
    assert isinstance(pilot.app.screen, MenuScreen)
    return pilot.app.screen.option_ids


async def _choose(pilot, entry: str, key: str = "a") -> None:
    offered = await _menu(pilot, key)
    await press_and_settle(pilot, *["down"] * offered.index(entry), "enter")


async def _take_start_and_open_billing(pilot, screen: InquiryScreen) -> list[str]:
    """As agent at first line: take, start, pass to billing; take it there; the billing moves offered."""
    await press_and_settle(pilot, "t")
    assert screen.inquiry.state == "taken" and screen.inquiry.assignee == "agent"
    await press_and_settle(pilot, "s")
    assert screen.inquiry.state == "in_progress"
    await _choose(pilot, "move:to_billing", key="m")
    assert isinstance(pilot.app.screen, AskScreen)  # an optional note
    await press_and_settle(pilot, *"checked", "enter")
    assert screen.inquiry.step == "billing" and screen.inquiry.queue == "billing_bo"
    assert screen.inquiry.state == "waiting" and screen.inquiry.events[-1].text == "checked"
    await press_and_settle(pilot, "t")
    assert screen.inquiry.state == "taken" and screen.inquiry.step == "billing"
    offered = await _menu(pilot, "m")
    await press_and_settle(pilot, "escape")
    return offered


async def test_a_large_disputed_charge_goes_through_finance_to_closed(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "7000")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "agent", inquiry_id)
        assert screen.inquiry.step == "first_line" and screen.inquiry.state == "waiting"
        assert await _menu(pilot) == ["take"]
        await press_and_settle(pilot, "escape")
        offered = await _take_start_and_open_billing(pilot, screen)
        assert "move:approve" in offered and "move:resolve" not in offered
        await _choose(pilot, "move:approve")
        await press_and_settle(pilot, "enter")  # no note
        assert screen.inquiry.step == "finance" and screen.inquiry.queue == "finance_approval"
        assert screen.inquiry.priority == "high"  # the transition's action
        assert "finance_approval" in _notices(pilot)[-1]  # the result, as a notification
        await press_and_settle(pilot, "a")  # agent is no member of finance approval: nothing to offer
        assert screen.moves == [] and _notices(pilot)[-1] == "No moves for you now"
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "supervisor", inquiry_id)
        await press_and_settle(pilot, "t")
        assert screen.inquiry.assignee == "supervisor"
        assert "move:approved" in await _menu(pilot, "m")
        await press_and_settle(pilot, "escape", "x")
        assert isinstance(pilot.app.screen, AskScreen)
        await press_and_settle(pilot, "enter")  # a resolution is required: the dialog stays and says so
        assert isinstance(pilot.app.screen, AskScreen)
        assert "required" in str(pilot.app.screen.query_one("#ask-error-resolution").content)
        await press_and_settle(pilot, *"Refund approved", "enter")
        assert screen.inquiry.state == "closed" and screen.inquiry.step == "done"
        assert await _menu(pilot) == ["reopen"]
        await press_and_settle(pilot, "escape")
    closed = _read(url, inquiry_id)
    assert closed.state == "closed" and closed.resolution == "Refund approved"
    assert [e.kind for e in closed.events] == ["created", "routed", "taken", "started", "moved", "taken", "notified",
                                               "moved", "taken", "closed"]


async def test_a_small_disputed_charge_is_resolved_in_billing(ui_settings):
    inquiry_id = _register(ui_settings.database_url, "100")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "agent", inquiry_id)
        offered = await _take_start_and_open_billing(pilot, screen)
        assert "move:resolve" in offered and "move:approve" not in offered
        await press_and_settle(pilot, "x", *"Charge reversed", "enter")
        assert screen.inquiry.state == "closed" and screen.inquiry.resolution == "Charge reversed"


async def test_editing_attributes_of_the_step_and_a_concurrent_change(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "7000")
    agent = _actor(url, "agent")
    with unit_of_work(url) as session:
        moved = inquiry_actions.take(session=session, actor=agent, inquiry_id=inquiry_id)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "agent", inquiry_id)
        form = screen.form
        assert form.display and form.lets_edit("amount") and not form.lets_edit("charge_date")
        assert pilot.app.screen.query_one("#a-charge_date").disabled  # shown, not editable at first line
        amount = form.query_one("#a-amount")
        amount.focus()
        amount.value = ""
        await press_and_settle(pilot, *"abc", "ctrl+s")
        assert "expected" in str(form.query_one("#ae-amount").content)  # checked before anything is sent
        amount.value = ""
        await press_and_settle(pilot, *"4500")
        with unit_of_work(url) as session:  # meanwhile, in another unit of work
            inquiry_actions.set_priority(session=session, actor=_actor(url, "supervisor"), inquiry_id=inquiry_id,
                                         priority="critical", expected_version=moved.version)
        await press_and_settle(pilot, "ctrl+s")
        assert any("changed by supervisor" in m for m in _notices(pilot)), _notices(pilot)
        amount = form.query_one("#a-amount")  # the form was built anew for the version reloaded
        assert amount.value == "4500"  # and what was typed is still there
        assert screen.inquiry.priority == "critical"
        assert pilot.app.focused is amount and amount.selection.is_empty  # the next key adds, not replaces
        await press_and_settle(pilot, "escape", "t")  # out of the field; a move with unsaved edits is refused
        assert screen.inquiry.state == "taken" and form.changes() == {"amount": "4500"}
        await press_and_settle(pilot, "ctrl+s")
    saved = _read(url, inquiry_id)
    assert saved.priority == "critical" and {v.code: v.value for v in saved.values}["amount"] == "4500"
    assert saved.events[-1].kind == "values_changed" and saved.events[-1].data == {"amount": ["7000", "4500"]}


async def test_supervisor_changes_the_deadline_and_user_text_is_literal(ui_settings):
    url = ui_settings.database_url
    inquiry_id = _register(url, "7000")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "supervisor", inquiry_id)
        await _choose(pilot, "deadline")
        await press_and_settle(pilot, *"someday", "enter", *"[b]customer[/b] asked", "enter")
        assert isinstance(pilot.app.screen, AskScreen)  # a date-time is needed
        assert "expected a date and time" in str(pilot.app.screen.query_one("#ask-error-due").content)
        pilot.app.screen.query_one("#ask-due").value = ""
        await press_and_settle(pilot, *"2030-12-01 18:00", "enter", "enter")  # the date-time line has the focus
        assert screen.inquiry.due_at.isoformat() == "2030-12-01T18:00:00+00:00"
        timeline = _text(screen.query_one("#inquiry-timeline").content)
        assert "[b]customer[/b] asked" in timeline
    assert _read(url, inquiry_id).events[-1].kind == "deadline_changed"


async def test_comment_child_inquiries_and_leaving_with_unsaved_changes(ui_settings):
    url = ui_settings.database_url
    parent = _register(url, "7000")
    with unit_of_work(url) as session:
        child = register(session=session, actor=AGENT, draft=ContactDraft(channel="phone", place="cc_msk", customer=1,
                         inquiries=[{"topic": "1.1", "parent": parent}])).inquiry_ids[0]
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        screen = await _open(pilot, "agent", parent)
        await press_and_settle(pilot, "c", *"Called back", "enter")
        assert screen.inquiry.events[-1].kind == "commented" and screen.inquiry.events[-1].text == "Called back"
        assert screen.inquiry.events[-1].data.get("public") is None  # an internal note
        await press_and_settle(pilot, "C", *"We called you", "enter")
        assert (screen.inquiry.events[-1].text, screen.inquiry.events[-1].data.get("public")) == ("We called you", True)
        children = screen.query_one("#inquiry-children")
        assert children.display and children.option_count == 1
        children.focus()
        await press_and_settle(pilot, "down", "enter")  # the child opens over the parent; P goes back up
        assert isinstance(pilot.app.screen, InquiryScreen) and pilot.app.screen.inquiry.id == child
        await press_and_settle(pilot, "p")
        assert pilot.app.screen is screen
        await press_and_settle(pilot, "t")
        screen.query_one("#a-amount").value = "7100"
        await press_and_settle(pilot, "escape")  # unsaved: asks first, and No keeps the screen and the value
        assert isinstance(pilot.app.screen, ConfirmScreen)
        await press_and_settle(pilot, "escape")
        assert pilot.app.screen is screen and screen.form.changes() == {"amount": "7100"}
        await press_and_settle(pilot, "escape", "y")
        assert not isinstance(pilot.app.screen, InquiryScreen)
