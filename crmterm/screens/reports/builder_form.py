"""The report builder's form: a saved report to start from, its name, the saved filter, one or two groupings,
the measures (the first is charted), the period and whether others may run it. The lists are filled once by
the screen (off the UI thread); `spec()` and `period()` turn what is typed into what the services take, or
raise ValidationError naming the field, which `show_error` puts under it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, SelectionList, Static

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.screens.reports.report_form import _parsed, local_midnight, this_month
from crmterm.services.reports.report_builder import ReportSpec
from crmterm.services.reports.report_definitions import ReportDefinitionRead
from crmterm.services.reports.reports import ReportParams
from crmterm.widgets.field_errors import clear_field_errors, show_field_error
from crmterm.widgets.safe_text import plain

FIELDS = ("saved", "name", "filter", "group", "measures", "from", "to")


@dataclass(frozen=True)
class BuilderChoices:
    """What the lists offer: groupings and measures as (key, label), saved filters, saved reports."""

    groupings: list[tuple[str, str]] = field(default_factory=list)
    measures: list[tuple[str, str]] = field(default_factory=list)
    filters: list[str] = field(default_factory=list)
    definitions: list[ReportDefinitionRead] = field(default_factory=list)
    me: str = ""  # the user's login: their own reports are listed by name alone


def definition_key(definition: ReportDefinitionRead) -> str:
    return f"{definition.owner}/{definition.name}"


class BuilderForm(VerticalScroll):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.definitions: dict[str, ReportDefinitionRead] = {}
        self.offered: dict[str, set[str]] = {}  # selector -> the values its list offers
        self.me = ""

    def compose(self) -> ComposeResult:
        first, last = this_month(date.today())
        yield from self._field("saved", _("Saved report"), Select([], id="rb-saved", prompt=_("New report"),
                                                                   compact=True))
        yield from self._field("name", _("Name"), Input(id="rb-name", placeholder=_("e.g. Weekly by queue"),
                                                        compact=True))
        yield from self._field("filter", _("Saved filter"), Select([], id="rb-filter", prompt=_("All inquiries"),
                                                                    compact=True))
        yield from self._field("group", _("Group by"), Select(
            [(_("Topic"), "topic")], id="rb-group", allow_blank=False, value="topic", compact=True))
        yield Label(_("Then by"), classes="field-label")
        yield Select([], id="rb-then", prompt=_("Nothing"), compact=True)
        yield from self._field("measures", _("Measures (the first is charted)"),
                               SelectionList[str](id="rb-measures"))
        yield from self._field("from", _("From"), Input(first.isoformat(), id="rb-from", compact=True))
        yield from self._field("to", _("To (included)"), Input(last.isoformat(), id="rb-to", compact=True))
        yield Checkbox(_("Shared with everyone who reads reports"), id="rb-shared", compact=True)

    def _field(self, name: str, label: str, widget) -> ComposeResult:
        yield Label(label, classes="field-label")
        yield widget
        yield Static("", id=f"rb-e-{name}", classes="field-error", markup=False)

    def fill(self, choices: BuilderChoices) -> None:
        groupings = [(plain(label), key) for key, label in choices.groupings]
        first = self._value("#rb-group")
        self.query_one("#rb-group", Select).set_options(groupings)
        if first in {key for key, _label in choices.groupings}:
            self.query_one("#rb-group", Select).value = first
        self.query_one("#rb-then", Select).set_options(groupings)
        self.offered["#rb-group"] = self.offered["#rb-then"] = {key for key, _label in choices.groupings}
        self.offered["#rb-filter"] = set(choices.filters)
        measures = self.query_one("#rb-measures", SelectionList)
        measures.clear_options()
        measures.add_options([(label, key, key == "count") for key, label in choices.measures])
        self.query_one("#rb-filter", Select).set_options([(plain(name), name) for name in choices.filters])
        self.me = choices.me
        self.set_definitions(choices.definitions)

    def set_definitions(self, definitions: list[ReportDefinitionRead]) -> None:
        self.definitions = {definition_key(d): d for d in definitions}
        self.query_one("#rb-saved", Select).set_options([
            (plain(d.name if d.owner == self.me else f"{d.name} ({d.owner})"), key)
            for key, d in self.definitions.items()])

    def load(self, key: str) -> None:
        """The saved report's parts into the fields (a shared one: saving makes the user's own copy)."""
        definition = self.definitions.get(key)
        if definition is None:
            return
        spec = definition.spec
        self.query_one("#rb-name", Input).value = definition.name
        self._choose("#rb-filter", spec.filter)
        self._choose("#rb-group", spec.groups[0])
        self._choose("#rb-then", spec.groups[1] if len(spec.groups) > 1 else None)
        measures = self.query_one("#rb-measures", SelectionList)
        measures.deselect_all()
        for key_ in spec.measures:
            measures.select(key_)
        self.query_one("#rb-shared", Checkbox).value = definition.shared

    def _choose(self, selector: str, value: str | None) -> None:
        select = self.query_one(selector, Select)
        if value in self.offered.get(selector, set()):
            select.value = value
        elif selector != "#rb-group":  # the first grouping has no blank
            select.clear()

    def _value(self, selector: str) -> str | None:
        value = self.query_one(selector, Select).value
        return value if isinstance(value, str) else None

    def spec(self) -> ReportSpec:
        groups = [g for g in (self._value("#rb-group"), self._value("#rb-then")) if g]
        if len(groups) == 2 and groups[0] == groups[1]:
            raise ValidationError("group", _("group by two different things"))
        measures = list(self.query_one("#rb-measures", SelectionList).selected)
        if not measures:
            raise ValidationError("measures", _("choose at least one measure"))
        # in the order they were ticked (SelectionList keeps it): the first ticked is charted
        return ReportSpec(filter=self._value("#rb-filter"), groups=groups or ["topic"], measures=measures)

    def period(self) -> ReportParams:
        first = _parsed(self.query_one("#rb-from", Input).value, "from")
        last = _parsed(self.query_one("#rb-to", Input).value, "to")
        return ReportParams(start=local_midnight(first), end=local_midnight(last + timedelta(days=1)))

    def report_name(self) -> str:
        return self.query_one("#rb-name", Input).value.strip()

    def shared(self) -> bool:
        return self.query_one("#rb-shared", Checkbox).value

    def show_error(self, name: str | None, message: str) -> bool:
        name = {"groups": "group", "spec": "group", "filter": "filter"}.get(name or "", name)
        return name in FIELDS and show_field_error(self, f"rb-e-{name}", message)

    def clear_errors(self) -> None:
        clear_field_errors(self)
