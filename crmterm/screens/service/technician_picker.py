"""Pick the technician for a work order on the dispatch board: every active technician, those with the order's
skills in its region first and marked, so the dispatcher overrides the proposal knowingly. Enter picks,
Escape cancels; the service still refuses a technician without the skills."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from crmterm.i18n import N_, _
from crmterm.services.service.dispatch import BoardVisit
from crmterm.services.service.technicians import TechnicianRead
from crmterm.text import visible
from crmterm.widgets.host import CrmModal


def fits(visit: BoardVisit, who: TechnicianRead) -> bool:
    return who.region == visit.region and all(who.skills.get(c, 0) >= n for c, n in visit.skills.items())


class TechnicianPicker(CrmModal[str | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="technician_picker.cancel")]

    def __init__(self, visit: BoardVisit, people: list[TechnicianRead]) -> None:
        super().__init__()
        self.visit = visit
        self.people = sorted(people, key=lambda who: (not fits(visit, who), who.login))

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Technician for #{n} ({day} {window})").format(
                n=self.visit.id, day=self.visit.visit_on.isoformat(), window=self.visit.window),
                classes="dialog-title", markup=False)
            yield OptionList(*(Option(self._line(who), id=who.login) for who in self.people), id="technicians")

    def _line(self, who: TechnicianRead) -> str:
        mark = "✓" if fits(self.visit, who) else "·"
        skills = ", ".join(f"{code}:{level}" for code, level in who.skills.items())
        return visible(f"{mark} {who.name} ({who.region}) {skills}")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
