"""Dialogs of the system problems screen: open or change a problem (a generated form), and close one with
its linked inquiries (closed with the resolution, or notified). Each saves itself and returns the result."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, RadioButton, RadioSet

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.moments import as_typed
from crmterm.screens.common.form_dialog import FormDialog, form_bindings
from crmterm.services.directory.kinds import FieldSpec
from crmterm.services.inquiries import problem_close, problems
from crmterm.services.inquiries.problems import ProblemDraft, ProblemRead
from crmterm.text import visible
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import CrmModal

PROBLEM_FIELDS = (
    FieldSpec("title", N_("Title"), required=True),
    FieldSpec("service", N_("Service (empty: every service)"), "ref"),
    FieldSpec("region", N_("Region (empty: every region)"), "ref"),
    FieldSpec("topic", N_("Topic (empty: all; a group: everything in it)"), "ref"),
    FieldSpec("starts_at", N_("Since (e.g. 2026-12-01 09:30; empty: now)")),
    FieldSpec("expected_end_at", N_("Expected end")),
    FieldSpec("description", N_("Description for the agents"), max_length=4000),
)


class ProblemFormScreen(FormDialog[ProblemRead]):
    BINDINGS = form_bindings("problem_form")
    FIELDS = PROBLEM_FIELDS
    FORM_ID = SAVE_GROUP = "problem-form"
    BOX_CLASSES = "wide"

    def __init__(self, problem: ProblemRead | None = None) -> None:
        super().__init__()
        self.problem = problem

    def heading(self) -> str:
        if self.problem is None:
            return _("New system problem")
        return _("Change system problem #{n}").format(n=self.problem.id)

    def on_mount(self) -> None:
        self.load_choices()
        self.query_one(EntryForm).focus_first()

    @work(thread=True, exclusive=True, group="problem-form")
    def load_choices(self) -> None:
        found = self.app.gateway.call(problems.choices)
        self.app.call_from_thread(self._choices_loaded, found)

    def _choices_loaded(self, found: problems.ProblemChoices) -> None:
        form = self.query_one(EntryForm)
        values = None
        if self.problem is not None:
            values = self.problem.model_dump(include={"title", "service", "region", "topic", "description"})
            values |= {"starts_at": as_typed(self.problem.starts_at),
                       "expected_end_at": as_typed(self.problem.expected_end_at)}
        form.apply_options({"service": found.services, "region": found.regions, "topic": found.topics}, values)

    def prepare(self, values: dict) -> ProblemDraft:
        return ProblemDraft(title=values["title"], service=values["service"], region=values["region"],
                            topic=values["topic"], description=values["description"],
                            starts_at=problems.moment(values["starts_at"], "starts_at"),
                            expected_end_at=problems.moment(values["expected_end_at"], "expected_end_at"))

    def submit(self, prepared: ProblemDraft) -> ProblemRead:
        if self.problem is None:
            return self.app.gateway.change(problems.open_problem, draft=prepared)
        return self.app.gateway.change(problems.update_problem, problem_id=self.problem.id, draft=prepared,
                                       expected_version=self.problem.version)


class ProblemCloseScreen(CrmModal[problem_close.ProblemClosed | None]):
    """The resolution, and what happens to the open linked inquiries."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="problem_close.cancel")]

    def __init__(self, problem: ProblemRead) -> None:
        super().__init__()
        self.problem = problem

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="wide"):
            yield Label(_("Close system problem #{n} {title}").format(n=self.problem.id,
                                                                       title=visible(self.problem.title)),
                        classes="dialog-title", markup=False)
            yield Label(_("Resolution"))
            yield Input(id="resolution", compact=True)
            yield Label(_("Its open inquiries ({n} linked in all):").format(n=self.problem.linked))
            with RadioSet(id="mode"):
                yield RadioButton(_("close them with this resolution"), value=True, name=problem_close.CLOSE)
                yield RadioButton(_("notify their assignees and customers"), name=problem_close.NOTIFY)
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Close problem"), id="close", variant="error")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        self.query_one("#resolution", Input).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "cancel":
            self.dismiss(None)
            return
        pressed = self.query_one(RadioSet).pressed_button
        self.close_problem(self.query_one("#resolution", Input).value,
                           pressed.name if pressed else problem_close.CLOSE)

    @work(thread=True, exclusive=True, group="problem-close")
    def close_problem(self, resolution: str, mode: str) -> None:
        try:
            done = self.app.gateway.change(problem_close.close_problem, problem_id=self.problem.id,
                                           resolution=resolution, inquiries=mode,
                                           expected_version=self.problem.version)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        self.app.call_from_thread(self.dismiss, done)
