"""One inquiry read whole, over the current screen: fields, attribute values, the event timeline,
attachments, parent and children. Opened from the registration screen (repeats, open inquiries); C adds a
comment, P opens the parent, Escape closes. The queue issue grows this into the full inquiry screen."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.dialogs import PromptScreen
from crmterm.services import inquiries
from crmterm.services.inquiries import InquiryRead
from crmterm.services.inquiry_log import EVENT_LABELS, state_label


class InquiryScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Close"), id="inquiry.close"),
        Binding("c", "comment", N_("Comment"), id="inquiry.comment"),
        Binding("p", "parent", N_("Parent inquiry"), id="inquiry.parent"),
    ]

    def __init__(self, inquiry_id: int) -> None:
        super().__init__()
        self.inquiry_id = inquiry_id
        self.inquiry: InquiryRead | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog", classes="wide"):
            yield Label(f"#{self.inquiry_id}", id="inquiry-title", classes="dialog-title", markup=False)
            yield Static("", id="inquiry-body")

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True)
    def load(self) -> None:
        try:
            found = self.app.gateway.call(inquiries.get_inquiry, inquiry_id=self.inquiry_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, found: InquiryRead) -> None:
        self.inquiry = found
        self.query_one("#inquiry-title", Label).update(
            f"#{found.id} {found.topic_label} · {_(found.type)} · {state_label(found.state)}")
        self.query_one("#inquiry-body", Static).update(render(found))

    def action_comment(self) -> None:
        def answered(text: str | None) -> None:
            if text:
                self.add_comment(text)
        self.app.push_screen(PromptScreen(_("Comment")), answered)

    @work(thread=True)
    def add_comment(self, text: str) -> None:
        try:
            self.app.gateway.call(inquiries.comment, inquiry_id=self.inquiry_id, text=text)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.load()

    def action_parent(self) -> None:
        if self.inquiry and self.inquiry.parent_id:
            self.app.push_screen(InquiryScreen(self.inquiry.parent_id))


def render(found: InquiryRead) -> Table:
    """The inquiry as a grid of sections (rendered text: nothing in it is markup)."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    contact = found.contact
    grid.add_row(_("Customer"), Text(found.customer or _("Anonymous caller")))
    grid.add_row(_("Contact"), Text(f"{contact.at:%Y-%m-%d %H:%M} · {contact.channel or ''} · "
                                    f"{contact.operator or ''} · {contact.text}"))
    grid.add_row(_("Priority"), Text(found.priority or ""))
    if found.parent_id:
        grid.add_row(_("Parent inquiry"), Text(f"#{found.parent_id}"))
    for child in found.children:
        grid.add_row(_("Child inquiry"), Text(f"#{child.id} {child.topic_label} · {state_label(child.state)}"))
    for value in found.values:
        grid.add_row(Text(value.label, style="dim"), Text(value.shown))
    for attachment in found.attachments:
        grid.add_row(_("File"), Text(f"{attachment.name} · {attachment.size} B · {attachment.sha256[:12]}"))
    for event in found.events:
        label = _(EVENT_LABELS.get(event.kind, event.kind))
        grid.add_row(Text(f"{event.at:%d.%m %H:%M}", style="dim"), Text(f"{event.actor}: {label} {event.text}"))
    return grid
