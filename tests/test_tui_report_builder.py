"""Pilot test of the report builder: opened from the Reports tab through the command palette, a supervisor picks
two groupings and a measure, runs the report over March 2026 (report_world's history) and sees what the service
computes with a bar per row, opens a row's inquiries (Enter), saves it (Ctrl+S) and exports it with its chart
(Ctrl+E)."""

from __future__ import annotations

import zipfile
from datetime import date, timedelta

from textual.widgets import Input, Select, SelectionList

from crmterm.app import make_app
from crmterm.screens.reports.report_builder import ReportBuilderScreen
from crmterm.screens.reports.report_drill import ReportDrill
from crmterm.screens.reports.report_export import ExportDialog
from crmterm.screens.reports.report_form import local_midnight
from crmterm.services.reports import report_definitions
from crmterm.services.reports.report_builder import ReportSpec, build_report
from crmterm.services.reports.reports import ReportParams
from crmterm.store.db import unit_of_work
from helpers import SUPERVISOR, settle, settle_until
from report_world import build
from test_tui import SIZE
from test_tui_reports import _reports, _type

MARCH = (date(2026, 3, 1), date(2026, 3, 31))


async def test_build_run_save_and_export_a_report(ui_settings, tmp_path):
    url = ui_settings.database_url
    build(url, inquiries=120)
    params = ReportParams(start=local_midnight(MARCH[0]), end=local_midnight(MARCH[1] + timedelta(days=1)))
    spec = ReportSpec(groups=["queue", "channel"], measures=["count"])
    with unit_of_work(url) as session:
        expected = build_report(session=session, actor=SUPERVISOR, params=params, spec=spec, title="Queues")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _reports(pilot)
        await pilot.press("ctrl+p")  # the palette offers it on the Reports tab (F8 there does the same)
        await settle(pilot)
        await pilot.press(*"Report builder", "enter")
        await settle_until(pilot, lambda: "queue" in getattr(pilot.app.screen, "form").offered.get("#rb-group", ()))
        screen = pilot.app.screen
        assert isinstance(screen, ReportBuilderScreen)
        assert "supervisor/Weekly by queue" in screen.form.definitions  # the demo's saved report
        screen.query_one("#rb-group", Select).value = "queue"
        screen.query_one("#rb-then", Select).value = "channel"
        assert screen.query_one("#rb-measures", SelectionList).selected == ["count"]
        await _type(pilot, "#rb-name", "Queues")
        await _type(pilot, "#rb-from", MARCH[0].isoformat())
        await _type(pilot, "#rb-to", MARCH[1].isoformat())
        await pilot.press("ctrl+r")
        await settle_until(pilot, lambda: screen.table is not None)
        assert screen.table is not None and screen.table.rows == expected.rows
        assert len(screen.query_one("#builder-chart").bars) == len(expected.rows)
        screen.query_one("#builder-grid").focus()
        await pilot.press("enter")  # the first row's inquiries
        await settle_until(pilot, lambda: isinstance(pilot.app.screen, ReportDrill) and pilot.app.screen.finished)
        assert isinstance(pilot.app.screen, ReportDrill)
        assert len(pilot.app.screen.ids()) == expected.rows[0][2]
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle_until(pilot, lambda: "supervisor/Queues" in screen.form.definitions)
        assert "supervisor/Queues" in screen.form.definitions
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ExportDialog)
        target = tmp_path / "queues.xlsx"
        await _type(pilot, "#export-path", str(target))
        await pilot.press("enter")
        await settle_until(pilot, target.exists)
    with zipfile.ZipFile(target) as book:
        assert "xl/charts/chart1.xml" in book.namelist()
    with unit_of_work(url) as session:
        saved = report_definitions.list_definitions(session=session, actor=SUPERVISOR)
    assert ("Queues", ["queue", "channel"]) in [(d.name, d.spec.groups) for d in saved]
