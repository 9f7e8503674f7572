"""The script runner as a dialog: over an inquiry (the run is saved on it at the end, with its captured
values and decisions) or at registration (the walk is handed back and saved once the inquiry exists).
Escape leaves without saving. Given a ready `spec` it is the author's preview (script_admin): the walk is
never saved."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.services.knowledge import script_runs, scripts
from crmterm.services.knowledge.scripts import RunSpec
from crmterm.services.topics.attribute_values import to_text
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmModal
from crmterm.widgets.script_runner import ScriptRunner
from crmterm.workflow.scripts import Capture


@dataclass
class Walked:
    """A finished walk not yet saved (registration): what to save, and the inquiry values it captured."""

    script_id: int
    choices: list
    values: dict[str, str | None]


class ScriptRunScreen(CrmModal[object]):
    CSS_PATH = "script_run.tcss"
    BINDINGS = [Binding("escape", "leave", N_("Leave the script"), id="script.leave")]

    def __init__(self, *, inquiry_id: int | None = None, topic: str | None = None,
                 template: str | None = None, spec: RunSpec | None = None) -> None:
        super().__init__()
        self.inquiry_id, self.topic, self.template = inquiry_id, topic, template
        self.preview = spec  # an unsaved draft the author walks: nothing is saved at the end

    def compose(self) -> ComposeResult:
        with Vertical(id="script-box"):
            yield Static(_("Loading the script…"), id="script-loading")
        yield TranslatedFooter()

    async def on_mount(self) -> None:
        if self.preview is not None:
            await self._loaded(self.preview)
        else:
            self.load()

    @work(thread=True, exclusive=True, group="script-load")
    def load(self) -> None:
        gateway = self.app.gateway
        try:
            if self.inquiry_id is not None:
                spec = gateway.call(scripts.prepare_run, inquiry_id=self.inquiry_id)
            else:
                found = gateway.call(scripts.for_topic, topic=self.topic, template=self.template)
                if found is None:
                    raise CrmError(_("No script for this topic"))
                spec = gateway.call(scripts.prepare_run, script_id=found.id)
        except CrmError as error:
            self.app.call_from_thread(self._failed, error)
            return
        # Typed as Textual's `T | Awaitable[T]` spells it: mypy cannot solve that from a bare coroutine function.
        loaded: Callable[[RunSpec], Awaitable[None] | None] = self._loaded
        self.app.call_from_thread(loaded, spec)

    def _failed(self, error: CrmError) -> None:
        self.app.notify(str(error), severity="warning")
        self.dismiss(None)

    async def _loaded(self, spec: RunSpec) -> None:
        box = self.query_one("#script-box")
        await box.query_one("#script-loading").remove()
        await box.mount(ScriptRunner(spec))

    def on_script_runner_finished(self, message: ScriptRunner.Finished) -> None:
        runner = message.runner
        if self.preview is not None:
            self.app.notify(_("Preview finished: score {score}, outcome {outcome}").format(
                score=runner.walk.score, outcome=runner.walk.outcome))
            self.dismiss(None)
            return
        choices = scripts.choices_as_text(runner.walk)
        if self.inquiry_id is None:
            values = {n.attribute: to_text(runner.walk.captures.get(n.attribute))
                      for n in runner.spec.document.nodes
                      if isinstance(n, Capture) and n.target == "inquiry" and n.attribute in runner.walk.captures}
            self.dismiss(Walked(runner.spec.script.id, choices, values))
            return
        self.save(runner.spec.script.id, choices)

    @work(thread=True, exclusive=True, group="script-save")
    def save(self, script_id: int, choices: list) -> None:
        try:
            run = self.app.gateway.call(script_runs.save_run, inquiry_id=self.inquiry_id, script_id=script_id,
                                        choices=choices)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        self.app.call_from_thread(self._saved, run)

    def _saved(self, run: script_runs.RunRead) -> None:
        self.app.notify(_("Script saved: score {score}, outcome {outcome}").format(
            score=run.score, outcome=run.outcome))
        self.dismiss(run)

    def unsaved_input(self) -> str | None:
        """What leaving would lose: the answers of a walk under way (an author's preview saves nothing)."""
        runners = self.query(ScriptRunner)
        if self.preview is not None or not runners or not runners.first().walk.choices:
            return None
        return _("the answers of the script walk")

    def action_leave(self) -> None:
        """Escape: at once before the first answer, else after asking (the answers would be lost)."""
        if self.unsaved_input() is None:
            self.dismiss(None)
            return
        def answered(leave: bool | None) -> None:
            if leave:
                self.dismiss(None)
        self.app.push_screen(ConfirmScreen(_("Leave the script? The answers given so far are lost.")), answered)
