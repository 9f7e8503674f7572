"""Display safety (issue 12, part 5): customer names, notes, attribute values, labels, problems and
notifications holding Rich/Textual markup or terminal control sequences are shown literally on every screen
that displays user data; clicking them or pressing Enter fires no action; no raw ESC reaches the terminal.

Policy (text.visible): a control character is shown as its Unicode control picture (ESC → ␛)."""

from __future__ import annotations

import html
import json
import re
from collections import defaultdict
from datetime import date

from textual.widgets import DataTable, OptionList, Tree

from crmterm.app import make_app
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.reports.report_drill import ReportDrill
from crmterm.services.customers import contracts, customers
from crmterm.services.directory import directory
from crmterm.services.inquiries import problems
from crmterm.services.sla.notifications import notify
from crmterm.services.inquiries.problems import ProblemDraft
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.text import visible
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT, SUPERVISOR, settle
from test_tui import _login

SIZE = (200, 50)
ACTION = "[@click=app.quit]Q[/]"
MARKUP = f"[bold red]X[/] {ACTION} [link=https://evil]L[/link] [/] [b]unclosed"
HOSTILE = f"{MARKUP} \x1b[2J\x1b]0;pwned\x07"  # clears the screen and retitles the terminal if passed on
SHOWN = visible(HOSTILE)


def seed_hostile(url: str) -> dict[str, int]:
    """A customer, a renamed queue, topic and place, a problem title and a string attribute value with markup
    (single-line text refuses control characters); its note, a contact and an inquiry with free text, a text
    attribute value, a problem description and a notification with markup and escapes."""
    with unit_of_work(url) as session:
        party = customers.create_party(session=session, actor=ADMIN, values={"display_name": MARKUP, "kind": "person"})
        contracts.add_note(session=session, actor=ADMIN, entity="party", entity_id=party.id, text=HOSTILE)
        for kind, key, extra in (("queues", "first_line", {}), ("topics", "no_data", {}),
                                 ("places", "cc_msk", {"address": MARKUP})):  # one line: no controls (item 7)
            directory.update_entry(session=session, actor=ADMIN, kind=kind, key=key, expected_version=None,
                                   values={"labels": {"en": MARKUP, "ru": MARKUP}, **extra})
        problem = problems.open_problem(session=session, actor=SUPERVISOR,
                                        draft=ProblemDraft(title=MARKUP, description=HOSTILE))
        notify(session=session, event="message", recipients=["user:agent"], key="hostile",
               data={"subject": HOSTILE, "text": HOSTILE})
        registered = register(session=session, actor=AGENT, draft=ContactDraft(
            channel="phone", place="cc_msk", customer=party.id, text=HOSTILE, inquiries=[{
                "topic": "no_data", "text": HOSTILE,
                "values": {"problem_since": "2026-01-01 10:00", "address": MARKUP, "problem_description": HOSTILE}}]))
    return {"party": party.id, "problem": problem.id, "inquiry": registered.inquiry_ids[0]}


def screen_lines(app) -> tuple[list[str], str]:
    """The screen as text lines (from the SVG screenshot: what the terminal would get) and the raw SVG."""
    svg = app.export_screenshot()
    cells: dict[int, dict[int, str]] = defaultdict(dict)
    for x, line, chunk in re.findall(r'<text [^>]*x="([\d.]+)"[^>]*clip-path="url\(#[\w-]*?line-(\d+)\)">([^<]*)',
                                     svg):
        cells[int(line)][round(float(x) / 12.2)] = html.unescape(chunk).replace("\xa0", " ")
    lines = []
    for number in sorted(cells):
        line = ""
        for column, chunk in sorted(cells[number].items()):
            line = line.ljust(column) + chunk
        lines.append(line)
    return lines, svg


async def assert_literal(pilot, where: str, *, click: bool = True) -> None:
    """The hostile text is on screen literally, no ESC from it reached the output, and clicking it (or Enter
    on it) fires nothing: the app still runs on the same screen."""
    await settle(pilot)
    lines, svg = screen_lines(pilot.app)
    assert "\x1b" not in svg, f"{where}: a raw ESC reached the screen"
    assert any(ACTION in line for line in lines), f"{where}: {ACTION!r} is not shown literally:\n" + "\n".join(lines)
    screen = pilot.app.screen
    if click:
        y, line = next((y, line) for y, line in enumerate(lines) if ACTION in line)
        await pilot.click(offset=(line.index(ACTION) + 3, y))
        await settle(pilot)
    assert pilot.app.return_code is None and pilot.app.is_running, f"{where}: an action fired"
    if click:
        assert pilot.app.screen is screen or not isinstance(pilot.app.screen, type(screen))


async def test_customer_list_card_and_notes_show_markup_literally(ui_settings):
    seed_hostile(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press(*"unclosed")
        await assert_literal(pilot, "customer search hits", click=False)
        await pilot.press("enter")
        await assert_literal(pilot, "customer card")
        pilot.app.screen.query_one("#card-tabs").active = "tab-notes"
        await assert_literal(pilot, "customer notes", click=False)
        assert any("␛[2J" in line for line in screen_lines(pilot.app)[0])  # the escape is shown, as a symbol


async def test_registration_with_the_hostile_customer_and_topic(ui_settings):
    seed_hostile(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("f4", *"unclosed")
        await settle(pilot)
        await assert_literal(pilot, "caller hits", click=False)
        await pilot.press("enter")
        await assert_literal(pilot, "registration: caller and their inquiries")
        await pilot.press(*"311", "enter")
        await assert_literal(pilot, "registration: topic and attribute form", click=False)


async def test_queue_inquiry_list_and_inquiry_view(ui_settings):
    ids = seed_hostile(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("f11")
        await assert_literal(pilot, "my queues and the inquiry list")
        table = pilot.app.screen.query_one(DataTable)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        pilot.app.push_screen(InquiryScreen(ids["inquiry"]))
        await assert_literal(pilot, "inquiry view: header, values, timeline")


async def test_notifications_and_problems(ui_settings):
    seed_hostile(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await pilot.press("ctrl+b")
        await assert_literal(pilot, "notification centre")
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("alt+p")
        await assert_literal(pilot, "system problems")
        await pilot.press("enter")
        await assert_literal(pilot, "system problem detail", click=False)


async def test_report_drill_down_and_admin_screens(ui_settings):
    seed_hostile(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "admin", "admin")
        pilot.app.push_screen(ReportDrill({"topic": "no_data", "start": date(2000, 1, 1).isoformat(),
                                           "end": date(2100, 1, 1).isoformat()}, HOSTILE))
        await assert_literal(pilot, "report drill-down")
        await pilot.press("escape")
        await pilot.press("f10")
        await settle(pilot)
        areas = pilot.app.screen.query_one("#areas", OptionList)
        for name in ("queues", "places", "topics"):
            areas.highlighted = next(i for i in range(areas.option_count) if areas.get_option_at_index(i).id == name)
            areas.action_select()
            await assert_literal(pilot, f"admin: {name}")
        await pilot.press("f9")
        await settle(pilot)
        pilot.app.screen.query_one("#topic-tree", Tree).root.expand_all()
        await assert_literal(pilot, "topic tree")


def test_cli_prints_markup_and_escapes_literally(ui_settings, tmp_path, monkeypatch):
    from conftest import owner_url
    from test_cli import app, cli_on, runner

    ids = seed_hostile(ui_settings.database_url)
    cli = cli_on(ui_settings.database_url, tmp_path / "home")
    # A wide terminal: the search table has grown past 80 columns, and a name wrapped inside its cell would hide
    # the markup we look for (the table itself is what must print it literally, so not --json). The console's
    # width is fixed when the CLI module is first imported in a worker, so COLUMNS alone may come too late.
    from crmterm.cli import _common

    monkeypatch.setattr(_common.out, "width", 250)
    found = runner.invoke(app, ["--db", owner_url(ui_settings.database_url), "customer", "search", "unclosed"],
                          env={"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": None,
                               "CRMTERM_PASSWORD": None, "COLUMNS": "250"})
    assert found.exit_code == 0, found.output
    assert ACTION in found.output and "[link=https://evil]L[/link]" in found.output
    shown = cli("inquiry", "show", str(ids["inquiry"]))
    assert shown.exit_code == 0, shown.output
    assert ACTION in shown.output and "␛[2J" in shown.output and "\x1b" not in shown.output


def test_hostile_customer_snapshot(snap_compare, snapshot_settings):
    """The hit list and the card title show the markup as typed (no red X, no link, no lost `[/]`)."""
    seed_hostile(snapshot_settings.database_url)

    async def open_card(pilot):
        await _login(pilot, "agent", "agent")
        await pilot.press("f3", *"unclosed", "enter")
        await settle(pilot)

    assert snap_compare(make_app(snapshot_settings), terminal_size=(120, 36), run_before=open_card)


# Issue 20 item 7: control characters that a service would refuse today but an older database (or a direct SQL
# write) may still hold — OSC title, clear screen, BEL, the one-byte C1 CSI and a bidi override. Nothing of them
# may reach the terminal, on any path from data to a widget (DataTable cell, Input value, Select option, …).
CONTROLS = "\x1b]0;X\x07\x1b[2J\x9b2J\u202e"
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def seed_legacy_controls(url: str) -> int:
    """A customer of category b2c whose name, other names, note and the category's labels hold CONTROLS."""
    from sqlalchemy import text

    with unit_of_work(url) as session:
        party = customers.create_party(session=session, actor=ADMIN, values={
            "display_name": "Hostile one", "kind": "person", "category": "b2c", "email": "h@example.com"})
        contracts.add_note(session=session, actor=ADMIN, entity="party", entity_id=party.id, text=HOSTILE)
        session.execute(text("UPDATE party SET display_name = :name, names = :names WHERE id = :id"),
                        {"name": f"Hostile {CONTROLS}one", "names": json.dumps({"ru": f"Враг {CONTROLS}"}), "id": party.id})
        session.execute(text("UPDATE client_category SET labels = :labels WHERE code = 'b2c'"),
                        {"labels": json.dumps({"en": f"B2C {CONTROLS}", "ru": f"B2C {CONTROLS}"})})
    return party.id


def assert_no_raw_controls(app, where: str) -> None:
    _lines, svg = screen_lines(app)
    found = sorted({f"U+{ord(c):04X}" for c in RAW.findall(svg)})
    assert not found, f"{where}: raw control characters reached the screen: {found}"
    assert app.is_running and app.return_code is None


async def test_legacy_control_characters_never_reach_the_terminal(ui_settings):
    seed_legacy_controls(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "admin", "admin")
        await pilot.press("f3", *"hostile")
        await settle(pilot)
        assert_no_raw_controls(pilot.app, "customer search hits")
        await pilot.press("enter")
        await settle(pilot)
        assert_no_raw_controls(pilot.app, "customer card: Name field, category")
        pilot.app.screen.query_one("#card-tabs").active = "tab-notes"
        await settle(pilot)
        assert_no_raw_controls(pilot.app, "customer notes")
        await pilot.press("f10")
        await settle(pilot)
        areas = pilot.app.screen.query_one("#areas", OptionList)
        areas.highlighted = next(i for i in range(areas.option_count)
                                 if areas.get_option_at_index(i).id == "client_categories")
        areas.action_select()
        await settle(pilot)
        assert_no_raw_controls(pilot.app, "admin: client categories")
        table = pilot.app.screen.query_one("#entries", DataTable)
        table.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert_no_raw_controls(pilot.app, "admin: the category's form")
