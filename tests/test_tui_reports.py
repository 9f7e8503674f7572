"""Pilot tests of the Reports tab: a supervisor runs the topic report over a fixed history (report_world, March
2026) and sees what reports.run computes; a bad period is named under its field and the form keeps it; Enter
on a row lists the inquiries behind it by keyset pages and opens one; agents have no Reports tab; Ctrl+E
writes the result to a file."""

from __future__ import annotations

import json
from datetime import date, timedelta

from textual.widgets import Input, Static, TabbedContent

from crmterm.app import make_app
from crmterm.i18n import fmt_duration, set_language
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.reports.report_drill import ReportDrill
from crmterm.screens.reports.report_export import ExportDialog
from crmterm.screens.reports.report_form import local_midnight
from crmterm.screens.reports.reports import ReportsPanel
from crmterm.services.reports import reports
from crmterm.services.reports.exports_values import screen_value, totals_cells
from crmterm.store.db import unit_of_work
from helpers import SUPERVISOR, notices, settle
from report_world import build
from test_tui import SIZE, _login

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


def _history(url: str) -> None:
    build(url, inquiries=160)  # seeded: the same inquiries, with fixed times, on every run


def _direct(url: str, first: date = MARCH[0], last: date = MARCH[1]) -> reports.ReportTable:
    params = reports.ReportParams(start=local_midnight(first), end=local_midnight(last + timedelta(days=1)))
    with unit_of_work(url) as session:
        return reports.run(session=session, actor=SUPERVISOR, name="topics", params=params)


async def _type(pilot, selector: str, text: str) -> None:
    pilot.app.screen.query_one(selector, Input).focus()
    await pilot.press("home", "ctrl+k", *text)


async def _reports(pilot, login: str = "supervisor") -> ReportsPanel:
    await _login(pilot, login, login)
    await pilot.press("ctrl+p")  # by the command palette, as every action can be reached
    await settle(pilot)
    await pilot.press(*"Reports", "enter")
    await settle(pilot)
    assert pilot.app.screen.query_one(TabbedContent).active == "reports"
    return pilot.app.screen.query_one(ReportsPanel)


async def _run(pilot, first: date = MARCH[0], last: date = MARCH[1]) -> None:
    await _type(pilot, "#rf-from", first.isoformat())
    await _type(pilot, "#rf-to", last.isoformat())
    await pilot.press("ctrl+r")
    await settle(pilot)


async def test_the_topic_report_shows_what_the_service_computes(ui_settings):
    _history(ui_settings.database_url)
    expected = _direct(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _reports(pilot)
        await _run(pilot)
        assert panel.table.rows == expected.rows and panel.table.drill == expected.drill
        cells = [[screen_value(c.kind, v) for c, v in zip(expected.columns, row, strict=True)]
                 for row in [*expected.rows, totals_cells(expected)]]
        assert panel.grid.shown_rows() == cells and cells[-1][0] == "Total"
        median = next(row[7] for row in expected.rows if row[7] is not None)  # hours, shown with units
        assert fmt_duration(timedelta(hours=median), capped=False) in [row[7] for row in cells]
        assert "Median time to close" in [str(c.label) for c in panel.grid.columns.values()]
        assert len(panel.query_one("#report-chart").bars) == len(expected.rows)
        assert [day for day, _n in panel.days] == [MARCH[0] + timedelta(days=n) for n in range(31)]
        assert sum(n for _day, n in panel.days) == expected.totals[2]
        assert pilot.app.focused is panel.grid  # Enter drills down from here
        try:  # another language: the tab comes back with the same parameters and runs them again
            await pilot.app.switch_language("ru")
            await settle(pilot)
            panel = pilot.app.screen.query_one(ReportsPanel)
            assert [r[1:] for r in panel.table.rows] == [r[1:] for r in expected.rows]  # the names are Russian
            assert panel.table.columns[0].label == "Тема" and panel.form.state()["from"] == "2026-03-01"
        finally:
            set_language("en")
        await pilot.press("f6")  # the period keys fill the dates
        last = date.today().replace(day=1) - timedelta(days=1)
        assert (panel.form.state()["from"], panel.form.state()["to"]) == (
            last.replace(day=1).isoformat(), last.isoformat())


async def test_a_reversed_period_is_named_under_its_field_and_the_form_keeps_it(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _reports(pilot)
        await _run(pilot, MARCH[1], MARCH[0])
        error = panel.query_one("#rf-e-to", Static)
        assert error.display and "ends before it starts" in str(error.content)
        assert panel.form.state()["from"] == "2026-03-31" and panel.form.state()["to"] == "2026-03-01"
        assert panel.table is None and panel.grid.row_count == 0
        await _type(pilot, "#rf-from", "2026-02-30")
        await pilot.press("enter")  # Enter in a date runs the report too
        await settle(pilot)
        assert "expected a date" in str(panel.query_one("#rf-e-from", Static).content)
        assert not error.display  # the earlier error went away with the new attempt


async def test_enter_on_a_row_lists_its_inquiries_by_pages_and_opens_one(ui_settings, monkeypatch):
    _history(ui_settings.database_url)
    expected = _direct(ui_settings.database_url)
    with unit_of_work(ui_settings.database_url) as session:
        behind = [r.id for r in reports.drill_down(session=session, actor=SUPERVISOR,
                                                   report_row_key=expected.drill[0], limit=500).rows]
    monkeypatch.setattr(ReportDrill, "page_size", 2)  # several pages even for a small row
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _reports(pilot)
        await _run(pilot)
        await pilot.press("enter")
        await settle(pilot)
        drill = pilot.app.screen
        assert isinstance(drill, ReportDrill) and len(behind) > 2 * 2
        for _page in range(10):  # each Page Down reaches the end of what is loaded: the next page comes
            if drill.finished:
                break
            await pilot.press("pagedown")
            await settle(pilot)
        assert drill.ids() == behind and drill.finished
        await pilot.press("ctrl+home", "down", "enter")
        await settle(pilot)
        assert isinstance(pilot.app.screen, InquiryScreen) and pilot.app.screen.inquiry_id == behind[1]


async def test_agents_have_no_reports_tab(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        assert not pilot.app.screen.query(ReportsPanel)
        active = pilot.app.screen.query_one(TabbedContent).active
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert pilot.app.screen.query_one(TabbedContent).active == active


async def test_export_writes_the_report_to_a_file(ui_settings, tmp_path):
    _history(ui_settings.database_url)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _reports(pilot)
        await _run(pilot)
        pilot.app.screen.query_one("#rf-to", Input).focus()  # a date field's own Ctrl+E does not win
        await pilot.press("ctrl+e")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ExportDialog)
        assert dialog.query_one("#export-path", Input).value.endswith("topics_2026-03-01_2026-03-31.xlsx")
        dialog.query_one("#export-format").value = "json"
        await settle(pilot)
        target = tmp_path / "march.json"
        dialog.query_one("#export-path", Input).value = str(target)
        await pilot.press("enter")
        await settle(pilot)
        assert not isinstance(pilot.app.screen, ExportDialog)
        written = json.loads(target.read_text(encoding="utf-8"))
        assert str(written).count("registered") >= len(panel.table.rows)
        assert any(str(target) in str(n.message) for n in notices(pilot.app))
