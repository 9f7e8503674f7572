"""The Reports tab's parameters: which report, the period (whole days, the last one included; F5/F6/F7 fill
this month, last month, the last 7 days), the filters as lists of names (loaded once, off the UI thread, by
the panel), the days of the repeats report and the saved filter, grouping and columns of a custom one.

`request()` turns what is typed into a ReportRequest or raises ValidationError naming the field; errors the
services raise come back to `show_error` by the same field names (from, to, days, filter, group_by, …)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, SelectionList, Static

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.moments import check_moment
from crmterm.services.reports import reports
from crmterm.services.reports.reports_custom import GROUPS, MEASURES
from crmterm.services.reports.reports_scope import FILTER_LABELS
from crmterm.widgets.field_errors import clear_field_errors, show_field_error
from crmterm.widgets.safe_text import plain

ERROR_FIELDS = ("report", "from", "to", "days", "filter", "group_by", "columns")
_BAD_DATE = N_("expected a date like 2026-03-01")


@dataclass(frozen=True)
class ReportChoices:
    """What the lists offer: per filter key [(label, code)], and the user's saved filters' names."""

    filters: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    saved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportRequest:
    name: str  # one of reports.STANDARD or reports.CUSTOM
    params: reports.ReportParams
    first: date  # the period's first and last day, as typed
    last: date
    options: dict = field(default_factory=dict)  # days | saved_filter, group_by, columns

    @property
    def file_stem(self) -> str:
        """A file name for an export: report, (saved filter,) first and last day."""
        name = self.name if self.name != reports.CUSTOM else f"custom-{self.options['saved_filter']}"
        return re.sub(r"[^\w-]+", "_", f"{name}_{self.first.isoformat()}_{self.last.isoformat()}")


def this_month(today: date) -> tuple[date, date]:
    first = today.replace(day=1)
    return first, (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def last_month(today: date) -> tuple[date, date]:
    last = today.replace(day=1) - timedelta(days=1)
    return last.replace(day=1), last


def last_7_days(today: date) -> tuple[date, date]:
    return today - timedelta(days=6), today


PERIODS = {"this_month": this_month, "last_month": last_month, "last_7_days": last_7_days}


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min).astimezone()  # the local zone, as the CLI reads a bare date


def _parsed(text: str, name: str) -> date:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        raise ValidationError(name, _(_BAD_DATE)) from None
    check_moment(day, name)  # local midnight of 0001-01-01 is before year 1 in UTC
    return day


class ReportForm(VerticalScroll):
    def __init__(self, state: dict | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.initial = state or {}

    def compose(self) -> ComposeResult:
        first, last = this_month(date.today())
        state = self.initial
        names = [(_(title), name) for name, (title, _service) in reports.STANDARD.items()]
        yield from self._field("report", _("Report"), Select(
            [*names, (_("My saved filter"), reports.CUSTOM)], id="rf-report", allow_blank=False,
            value=state.get("report", "topics"), compact=True))
        yield from self._field("from", _("From"), Input(state.get("from", first.isoformat()), id="rf-from",
                                                        placeholder=_("YYYY-MM-DD"), compact=True))
        yield from self._field("to", _("To (included)"), Input(state.get("to", last.isoformat()), id="rf-to",
                                                                placeholder=_("YYYY-MM-DD"), compact=True))
        yield Label(_("F5 this month · F6 last month · F7 last 7 days"), classes="hint")
        with Vertical(id="rf-repeats", classes="rf-group"):
            yield from self._field("days", _("Came back within, days"),
                                   Input(state.get("days", str(reports.DEFAULT_DAYS)), id="rf-days", compact=True))
        with Vertical(id="rf-custom", classes="rf-group"):
            yield from self._field("filter", _("Saved filter"), Select([], id="rf-saved", prompt=_("Choose…"),
                                                                      compact=True))
            groups = [(_(GROUPS[g].label), g) for g in reports.CUSTOM_GROUPS]
            yield from self._field("group_by", _("Group by"), Select(groups, id="rf-group", allow_blank=False,
                                                                     value=state.get("group_by", "topic"),
                                                                     compact=True))
            chosen = set(state.get("columns", ()))
            yield from self._field("columns", _("Columns"), SelectionList[str](
                *((_(MEASURES[m].label), m, m in chosen) for m in reports.CUSTOM_COLUMNS), id="rf-columns"))
        yield Label(_("Filters"), classes="rf-section")
        for key in reports.FILTER_KEYS:  # one line each: the label beside its list
            with Horizontal(classes="rf-filter"):
                yield Label(_(FILTER_LABELS[key]), classes="rf-filter-label")
                yield Select([], id=f"rf-{key}", prompt=_("All"), compact=True)
        yield Button(_("Run (Ctrl+R)"), id="rf-run", variant="primary")

    def _field(self, name: str, label: str, widget) -> ComposeResult:
        yield Label(label, classes="field-label")
        yield widget
        yield Static("", id=f"rf-e-{name}", classes="field-error", markup=False)

    def on_mount(self) -> None:
        self._report_changed()

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select.id == "rf-report":
            self._report_changed()

    def _report_changed(self) -> None:
        name = self.query_one("#rf-report", Select).value
        self.query_one("#rf-repeats").display = name == "repeats"
        self.query_one("#rf-custom").display = name == reports.CUSTOM

    # --- lists --------------------------------------------------------------------------------------------
    def fill(self, choices: ReportChoices) -> None:
        """Options for the filter lists; a value chosen before (a language switch) is kept when still offered."""
        for key in reports.FILTER_KEYS:
            self._options(f"#rf-{key}", choices.filters.get(key, []), self.initial.get("filters", {}).get(key))
        self._options("#rf-saved", [(name, name) for name in choices.saved], self.initial.get("saved"))

    def _options(self, selector: str, options: list[tuple[str, str]], keep: str | None) -> None:
        select = self.query_one(selector, Select)
        current = select.value if select.value != Select.NULL else keep
        select.set_options([(plain(label), code) for label, code in options])
        if current in {code for _label, code in options}:
            select.value = current

    # --- what was asked --------------------------------------------------------------------------------
    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None  # the codes offered are text; else Select.NULL

    def request(self) -> ReportRequest:
        first = _parsed(self.query_one("#rf-from", Input).value, "from")
        last = _parsed(self.query_one("#rf-to", Input).value, "to")
        filters = reports.ReportFilters(**{key: self._value(f"#rf-{key}") for key in reports.FILTER_KEYS})
        # the ordering of the period is the service's to check (ValidationError on "to")
        params = reports.ReportParams(start=local_midnight(first), end=local_midnight(last + timedelta(days=1)),
                                      filters=filters)
        name = self._value("#rf-report") or "topics"
        options: dict = {}
        if name == "repeats":
            text = self.query_one("#rf-days", Input).value.strip()
            if not text.isdecimal():
                raise ValidationError("days", _("a whole number of days"))
            options["days"] = int(text)
        elif name == reports.CUSTOM:
            options = {"saved_filter": self._value("#rf-saved"), "group_by": self._value("#rf-group") or "topic",
                       "columns": tuple(self.query_one("#rf-columns", SelectionList).selected)}
        return ReportRequest(name, params, first, last, options)

    def set_period(self, first: date, last: date) -> None:
        self.query_one("#rf-from", Input).value = first.isoformat()
        self.query_one("#rf-to", Input).value = last.isoformat()

    def state(self) -> dict:
        return {"report": self._value("#rf-report"), "from": self.query_one("#rf-from", Input).value,
                "to": self.query_one("#rf-to", Input).value, "days": self.query_one("#rf-days", Input).value,
                "saved": self._value("#rf-saved"), "group_by": self._value("#rf-group"),
                "columns": list(self.query_one("#rf-columns", SelectionList).selected),
                "filters": {key: self._value(f"#rf-{key}") for key in reports.FILTER_KEYS}}

    # --- errors --------------------------------------------------------------------------------------------
    def show_error(self, name: str | None, message: str) -> bool:
        """The message under its field (False when the form has no such field: the caller notifies)."""
        return name in ERROR_FIELDS and show_field_error(self, f"rf-e-{name}", message)

    def clear_errors(self) -> None:
        clear_field_errors(self)
