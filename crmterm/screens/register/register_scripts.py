"""Running the topic's script while registering (Ctrl+T: Ctrl+K already deletes to the end of a field): the
walk's inquiry captures fill the attribute form, and the walk is kept with the inquiry draft and saved on
the inquiry right after registration."""

from __future__ import annotations

from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.services.knowledge import script_runs


class ScriptRunning:
    def action_run_script(self) -> None:
        from crmterm.screens.knowledge.script_run import ScriptRunScreen, Walked

        draft = self.drafts.draft
        if draft.topic is None:
            self.app.notify(_("Choose the topic first"), severity="warning")
            return

        def walked(result) -> None:
            if isinstance(result, Walked) and self.drafts.draft is draft:
                draft.script = (result.script_id, result.choices)
                values = {**self._form_values(), **result.values}
                self.load_form(draft.topic, values)
                self.app.notify(_("Script done: it is saved with the inquiry"))

        self.app.push_screen(ScriptRunScreen(topic=draft.topic.code,
                                             template=self.template.code if self.template else None), walked)

    def script_runs_of(self, kept: list[int]) -> list[tuple[int, tuple[int, list]]]:
        """(position among the saved inquiries, walk) of the drafts that ran a script."""
        return [(n, self.drafts.items[k].script) for n, k in enumerate(kept)
                if getattr(self.drafts.items[k], "script", None)]

    def save_script_runs(self, inquiry_ids: list[int], runs: list) -> None:
        """In the registration worker, after the contact is saved (each run in its own transaction)."""
        for position, (script_id, choices) in runs:
            try:
                self.app.gateway.call(script_runs.save_run, inquiry_id=inquiry_ids[position],
                                      script_id=script_id, choices=choices)
            except (CrmError, IndexError) as error:
                self.app.call_from_thread(self.app.notify, _("Script not saved: {error}").format(error=error),
                                          severity="error", timeout=8)


