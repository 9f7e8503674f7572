"""E-mail reply on the inquiry screen: E loads the reply's address and subject off the UI thread, opens the
reply dialog, and once the reply is queued says so and reloads the timeline (which shows it). A mixin of
InquiryScreen."""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.inquiry.inquiry_part import InquiryPart
from crmterm.screens.inquiry.reply_dialog import ReplyDialog
from crmterm.services.mail import replies
from crmterm.services.mail.replies import ReplyDraft, ReplyQueued

# Not in the footer, which is full on this screen (its pictures are shared): the palette and the help list it.
REPLY_BINDING = Binding("e", "reply", N_("E-mail reply"), id="inquiry.reply", show=False)


class InquiryReplies(InquiryPart):
    @work(thread=True, exclusive=True, group="inquiry-reply")
    def action_reply(self) -> None:
        try:
            draft = self.app.gateway.call(replies.reply_draft, inquiry_id=self.inquiry_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.open_reply, draft)

    def open_reply(self, draft: ReplyDraft) -> None:
        topic = self.inquiry.topic if self.inquiry is not None else None
        self.app.push_screen(ReplyDialog(draft, topic=topic), self.replied)

    def replied(self, queued: ReplyQueued | None) -> None:
        if queued is None:
            return
        self.app.notify(_("Reply to {to} queued for sending").format(to=queued.to))
        self.load()
