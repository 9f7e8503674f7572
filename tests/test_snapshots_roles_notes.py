"""Issue 31 in the TUI: the roles screen (Alt+O, or the Admin tab's "Roles") and a note added on the inquiry
screen (N). One picture of the new screen at 80×24; update it deliberately (--snapshot-update, then look)."""

from __future__ import annotations

from sqlmodel import select

from crmterm.app import make_app
from crmterm.screens.admin.role_admin import RoleAdminScreen
from crmterm.services.accounts import roles
from crmterm.store import AuditLog, Note
from crmterm.store.db import unit_of_work
from helpers import ADMIN, press_and_settle, settle, settle_until
from test_snapshots import _inquiry_in_billing, _login


async def _open_roles(pilot) -> None:
    await _login(pilot, "admin")
    await press_and_settle(pilot, "alt+o")
    await settle_until(pilot, lambda: isinstance(pilot.app.screen, RoleAdminScreen)
                       and pilot.app.screen.found)


def test_roles_screen(snap_compare, snapshot_settings):
    """The presets, then the demo's problem manager, its permissions ticked in the grouped checklist."""
    async def run(pilot):
        await _open_roles(pilot)
        await press_and_settle(pilot, "end")
    assert snap_compare(make_app(snapshot_settings), terminal_size=(80, 24), run_before=run)


async def test_a_permission_ticked_on_the_roles_screen_is_saved_and_audited(ui_settings):
    app = make_app(ui_settings)
    async with app.run_test(size=(100, 30)) as pilot:
        await _open_roles(pilot)
        await press_and_settle(pilot, "end")  # problem_manager, the configured role, is listed last
        screen = pilot.app.screen
        assert isinstance(screen, RoleAdminScreen) and screen.current and screen.current.code == "problem_manager"
        screen.query_one("#ra-permissions").focus()
        screen.query_one("#ra-permissions").select("reports.read")
        screen.query_one("#ra-users").value = "agent2, auditor"
        await press_and_settle(pilot, "ctrl+s")
        await settle_until(pilot, lambda: "auditor" in (screen.current.users if screen.current else []))
    with unit_of_work(ui_settings.database_url) as session:
        role = roles.get_role(session=session, actor=ADMIN, code="problem_manager")
        assert "reports.read" in role.permissions and role.users == ["agent2", "auditor"]
        audited = session.exec(select(AuditLog.entity, AuditLog.action).where(AuditLog.source == "tui")).all()
        assert ("role", "update") in audited and ("user", "roles") in audited


async def test_n_on_the_inquiry_screen_adds_a_public_note_shown_under_notes(ui_settings):
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen

    inquiry_id = _inquiry_in_billing(ui_settings.database_url)
    app = make_app(ui_settings)
    async with app.run_test(size=(120, 36)) as pilot:
        await _login(pilot, "agent")
        app.push_screen(InquiryScreen(inquiry_id))
        await settle(pilot)
        assert not app.screen.query_one("#inquiry-notes").display  # none yet: no empty section
        await press_and_settle(pilot, "n", *"Customer asked for a call after 6 pm", "alt+p", "enter")
        await settle_until(pilot, lambda: app.screen.query_one("#inquiry-notes").display)
        shown = str(app.screen.query_one("#inquiry-notes").render())
        assert "Customer asked for a call after 6 pm" in shown and "public" in shown
    with unit_of_work(ui_settings.database_url) as session:
        note = session.exec(select(Note).where(Note.entity == "inquiry", Note.entity_id == inquiry_id)).one()
        assert (note.author, note.public) == ("agent", True)


def test_customer_card_notes(snap_compare, snapshot_settings):
    """The Nord group's Notes tab: the demo's notes on the customer (public), its contract and a subscriber,
    each saying what it is on and who may see it, under the line that adds one."""
    from datetime import UTC, datetime

    from sqlalchemy import update

    with unit_of_work(snapshot_settings.database_url) as session:  # the demo's notes at a fixed time
        session.execute(update(Note).values(at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC)))

    async def open_notes(pilot):
        await _login(pilot, "agent")
        await press_and_settle(pilot, "f3", *"nord group", "enter")
        pilot.app.screen.query_one("#card-tabs").active = "tab-notes"
        await settle(pilot)
    assert snap_compare(make_app(snapshot_settings), terminal_size=(140, 36), run_before=open_notes)
