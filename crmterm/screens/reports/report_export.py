"""Where to export a report: a format (one of exports.FORMATS) and a file path, proposed in the current folder
with a name made of the report and its period; changing the format changes the proposed extension. Enter (or
the button) answers (format, path); Escape cancels. `export_shown` asks, confirms replacing a file and writes it
in a worker: the one way the Reports tab and the report builder export what they show."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import cast

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widget import Widget
from textual.widgets import Button, Input, Label, Select, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.services.reports.exports import FORMATS, export_report
from crmterm.services.reports.report_table import ReportTable
from crmterm.widgets.host import CrmHost, CrmModal

_NAMES = {"xlsx": "Excel (xlsx)", "html": "HTML", "rtf": "RTF (Word)", "csv": "CSV", "json": "JSON"}


def default_path(stem: str, fmt: str, folder: Path | None = None) -> Path:
    return (folder or Path.cwd()) / f"{stem}.{fmt}"


def with_format(text: str, fmt: str) -> str:
    """The path with its extension swapped for `fmt` when it has one of ours (a name the user chose stays)."""
    path = Path(text)
    return str(path.with_suffix(f".{fmt}")) if path.suffix.lstrip(".").lower() in FORMATS else text


class ExportDialog(CrmModal[tuple[str, Path] | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="report_export.cancel")]

    def __init__(self, stem: str, fmt: str = "xlsx") -> None:
        super().__init__()
        self.stem, self.fmt = stem, fmt

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="report-export"):
            yield Label(_("Export the report"), classes="dialog-title")
            yield Label(_("Format"), classes="field-label")
            yield Select([(_NAMES.get(f, f), f) for f in FORMATS], id="export-format", value=self.fmt,
                         allow_blank=False)
            yield Label(_("File"), classes="field-label")
            yield Input(str(default_path(self.stem, self.fmt)), id="export-path")
            yield Static("", id="export-error", classes="field-error", markup=False)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Export"), id="export-ok", variant="primary")
                yield Button(_("Cancel"), id="export-cancel")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "export-format" and event.value != Select.NULL:
            self.fmt = str(event.value)
            field = self.query_one("#export-path", Input)
            field.value = with_format(field.value, self.fmt)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._answer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "export-ok":
            self._answer()
        else:
            self.dismiss(None)

    def _answer(self) -> None:
        text = self.query_one("#export-path", Input).value.strip()
        problem = None
        if not text:
            problem = _("name the file to write")
        elif Path(text).expanduser().is_dir():
            problem = _("{path} is a folder; add a file name").format(path=text)
        if problem is not None:
            error = self.query_one("#export-error", Static)
            error.update(problem)
            error.display = True
            return
        self.dismiss((self.fmt, Path(text).expanduser().absolute()))


def export_shown(host: Widget, table: ReportTable, stem: str, fmt: str, chosen: Callable[[str], None]) -> None:
    """Ask for the format and file (proposing `fmt`), confirm before an existing file is replaced, then write it
    (audited) off the UI thread; `chosen` hears the format picked, to propose it next time."""
    app = cast(CrmHost, host.app)

    def write(fmt: str, path: Path) -> None:
        host.run_worker(partial(_write, app, table, fmt, path), thread=True, group="report-export")

    def answered(answer: tuple[str, Path] | None) -> None:
        if answer is None:
            return
        fmt, path = answer
        chosen(fmt)
        if not path.exists():
            write(fmt, path)
            return

        def confirmed(yes: bool | None) -> None:
            if yes:
                write(fmt, path)
        app.push_screen(ConfirmScreen(_("{path} exists. Replace it?").format(path=path)), confirmed)

    app.push_screen(ExportDialog(stem, fmt), answered)


def _write(app: CrmHost, table: ReportTable, fmt: str, path: Path) -> None:
    try:
        app.gateway.call(export_report, table=table, fmt=fmt, out=path)  # audited
    except CrmError as error:
        app.call_from_thread(app.notify, _("Export failed: {error}").format(error=error), severity="error",
                             timeout=10)
        return
    app.call_from_thread(app.notify, _("Report saved to {path}").format(path=path))
