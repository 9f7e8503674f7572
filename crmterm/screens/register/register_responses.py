"""The response library while registering: Alt+R opens the picker (the current inquiry's topic and the
agent's language first) and the chosen answer, filled in for the caller on the form, goes into the inquiry's
text at the cursor — then the focus is back there to go on typing. A mixin of RegisterPanel."""

from __future__ import annotations

from textual.widgets import Input

from crmterm.screens.knowledge.response_picker import ResponsePicker
from crmterm.screens.register.register_part import RegisterPart
from crmterm.widgets.type_ahead import focus_now


class ResponseInserting(RegisterPart):
    def action_insert_response(self) -> None:
        draft, field = self.drafts.draft, self.query_one("#reg-inquiry-text", Input)

        def chosen(text: str | None) -> None:
            if text:
                field.insert_text_at_cursor(" ".join(line.strip() for line in text.splitlines() if line.strip()))
            focus_now(field)
        self.app.push_screen(ResponsePicker(topic=draft.topic.code if draft.topic else None,
                                            customer_id=self.customer.id if self.customer else None), chosen)
