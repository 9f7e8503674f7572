"""Running the topic's script while registering (Ctrl+T: Ctrl+K already deletes to the end of a field): the
walk's inquiry captures fill the attribute form, and the walk is kept with the inquiry draft and saved on
the inquiry by the registration itself, in the same transaction (register_drafts.Draft.document)."""

from __future__ import annotations

from crmterm.i18n import _
from crmterm.screens.register.register_part import RegisterPart


class ScriptRunning(RegisterPart):
    def action_run_script(self) -> None:
        from crmterm.screens.knowledge.script_run import ScriptRunScreen, Walked

        draft = self.drafts.draft
        if draft.topic is None:
            self.app.notify(_("Choose the topic first"), severity="warning")
            return

        def walked(result) -> None:
            if isinstance(result, Walked) and self.drafts.draft is draft and draft.topic is not None:
                draft.script = (result.script_id, result.choices)
                values = {**self._form_values(), **result.values}
                self.load_form(draft.topic, values)
                self.app.notify(_("Script done: it is saved with the inquiry"))

        self.app.push_screen(ScriptRunScreen(topic=draft.topic.code,
                                             template=self.template.code if self.template else None), walked)
