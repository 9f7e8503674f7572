"""E-mail reply to the customer from the inquiry screen (E): the address and the subject (with the inquiry's
token, so the answer comes back to this inquiry) come filled in, the agent writes the text. Ctrl+S sends —
into the outbox, delivered and retried by `crmterm notify deliver` — Escape cancels. What the service refuses
is named under its field and the dialog stays open, text kept.

Alt+R opens the response library (the inquiry's topic and the agent's language first): the chosen answer,
filled in for the inquiry, goes into the text at the cursor (`insert_answer`)."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static, TextArea

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.screens.knowledge.response_picker import ResponsePicker, response_binding
from crmterm.services.mail import replies
from crmterm.services.mail.replies import ReplyDraft, ReplyQueued
from crmterm.widgets.host import CrmModal
from crmterm.widgets.service_call import call_service
from crmterm.widgets.type_ahead import focus_now

FIELDS = ("to", "subject", "text")


class ReplyDialog(CrmModal[ReplyQueued | None]):
    CSS_PATH = "reply_dialog.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="reply.cancel"),
                Binding("ctrl+s", "send", N_("Send"), id="reply.send"), response_binding("reply")]

    def __init__(self, draft: ReplyDraft, *, topic: str | None = None) -> None:
        super().__init__()
        self.draft, self.topic = draft, topic

    def compose(self) -> ComposeResult:
        with Vertical(id="reply-box"):
            yield Label(_("E-mail reply · inquiry {n}").format(n=self.draft.inquiry_id), classes="dialog-title",
                        markup=False)
            yield Label(_("To"), classes="field-label")
            yield Input(self.draft.to, id="reply-to", compact=True)
            yield Static("", id="e-to", classes="field-error", markup=False)
            yield Label(_("Subject"), classes="field-label")
            yield Input(self.draft.subject, id="reply-subject", compact=True)
            yield Static("", id="e-subject", classes="field-error", markup=False)
            yield TextArea(self.draft.text, id="reply-text", soft_wrap=True, show_line_numbers=False)
            yield Static("", id="e-text", classes="field-error", markup=False)
            yield Label(_("Ctrl+S sends, Alt+R an answer from the library, Escape cancels"), classes="hint")

    def on_mount(self) -> None:
        for name in FIELDS:
            self.query_one(f"#e-{name}").display = False
        focus_now(self.query_one("#reply-text" if self.draft.to else "#reply-to"))

    def insert_answer(self, text: str) -> None:
        """A prepared answer's text, inserted where the cursor is (the response library calls this)."""
        area = self.query_one("#reply-text", TextArea)
        area.insert(text)
        focus_now(area)

    def action_insert_response(self) -> None:
        def chosen(text: str | None) -> None:
            if text:
                self.insert_answer(text)
            else:
                focus_now(self.query_one("#reply-text", TextArea))
        self.app.push_screen(ResponsePicker(topic=self.topic, inquiry_id=self.draft.inquiry_id), chosen)

    def action_send(self) -> None:
        for name in FIELDS:
            self.query_one(f"#e-{name}").display = False
        self.send(self.query_one("#reply-to", Input).value, self.query_one("#reply-subject", Input).value,
                  self.query_one("#reply-text", TextArea).text)

    @work(thread=True, exclusive=True, group="reply-send")
    def send(self, to: str, subject: str, text: str) -> None:
        call_service(self.app, replies.send_reply, on_done=self.dismiss, on_refused=self._refused,
                     inquiry_id=self.draft.inquiry_id, to=to, subject=subject, text=text)

    def _refused(self, error: ValidationError) -> None:
        name = error.field if error.field in FIELDS else "text"
        shown = self.query_one(f"#e-{name}", Static)
        shown.update(error.detail)
        shown.display = True
