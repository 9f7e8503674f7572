"""The response library on the inquiry screen: Alt+R opens the picker and the chosen answer, filled in for
the inquiry, becomes a comment to check and send with Enter; Alt+R inside a comment inserts at the cursor.
A mixin of InquiryScreen (inquiry_view.py); the comment dialog here is the one the C key opens too."""

from __future__ import annotations

from textual.widgets import Input

from crmterm.i18n import _
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.screens.inquiry.inquiry_part import InquiryPart
from crmterm.screens.knowledge.response_picker import ResponsePicker, response_binding


def one_line(text: str) -> str:
    """A comment is one line: an answer's lines are joined with spaces."""
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


class CommentPrompt(PromptScreen):
    """The comment line, with the response library's key inserting at the cursor."""

    BINDINGS = [response_binding("comment")]

    def __init__(self, *, topic: str | None, inquiry_id: int, value: str = "") -> None:
        super().__init__(_("Comment"), value)
        self.topic, self.inquiry_id = topic, inquiry_id

    def action_insert_response(self) -> None:
        def chosen(text: str | None) -> None:
            if text:
                self.query_one("#answer", Input).insert_text_at_cursor(one_line(text))
        self.app.push_screen(ResponsePicker(topic=self.topic, inquiry_id=self.inquiry_id), chosen)


class InquiryResponses(InquiryPart):
    """Its key is in InquiryScreen.BINDINGS (a mix-in's own bindings would not count: see inquiry_part)."""

    def comment_prompt(self, value: str = "") -> CommentPrompt:
        topic = self.inquiry.topic if self.inquiry is not None else None
        return CommentPrompt(topic=topic, inquiry_id=self.inquiry_id, value=value)

    def action_insert_response(self) -> None:
        def chosen(text: str | None) -> None:
            if text:
                self.app.push_screen(self.comment_prompt(one_line(text)), self._comment_written)
        topic = self.inquiry.topic if self.inquiry is not None else None
        self.app.push_screen(ResponsePicker(topic=topic, inquiry_id=self.inquiry_id), chosen)

    def _comment_written(self, text: str | None) -> None:
        if text:
            self.add_comment(text)
