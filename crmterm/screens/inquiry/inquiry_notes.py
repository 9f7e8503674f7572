"""Notes on the inquiry screen (issue 31, item 3): N adds one — internal, or public for the customer — and the
left column lists them under "Notes" (hidden while there are none). A mix-in of InquiryScreen."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.widgets import Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_datetime
from crmterm.screens.common.note_dialog import NoteDialog, NoteTyped
from crmterm.screens.inquiry.inquiry_part import InquiryPart
from crmterm.services.customers import notes
from crmterm.services.customers.notes import NoteRead
from crmterm.text import visible

# Not in the footer, which is full on this screen: the palette and the help list it.
NOTE_BINDING = Binding("n", "note", N_("Add note"), id="inquiry.note", show=False)


def notes_text(found: list[NoteRead]) -> Text:
    """Newest first: when, who, internal or public, then the note itself (literally, never markup)."""
    text = Text()
    for note in found:
        seen = _("public") if note.public else _("internal")
        text.append(f"{fmt_datetime(note.at)} {note.author} · {seen}\n", style="bold" if note.public else "dim")
        text.append(visible(note.text) + "\n")
    return text


class InquiryNotes(InquiryPart):
    def fetch_notes(self) -> list[NoteRead]:
        """In the loading worker."""
        return self.app.gateway.call(notes.list_notes, kind="inquiry", target_id=self.inquiry_id)

    def show_notes(self, found: list[NoteRead]) -> None:
        self.query_one("#inquiry-notes", Static).update(notes_text(found))
        for widget_id in ("inquiry-notes", "inquiry-notes-title"):
            self.query_one(f"#{widget_id}").display = bool(found)

    def action_note(self) -> None:
        def typed(note: NoteTyped | None) -> None:
            if note is not None:
                self.add_note(note)
        self.app.push_screen(NoteDialog(_("Note on inquiry #{n}").format(n=self.inquiry_id)), typed)

    @work(thread=True, group="inquiry-note")
    def add_note(self, note: NoteTyped) -> None:
        try:
            self.app.gateway.call(notes.add_note, kind="inquiry", target_id=self.inquiry_id, text=note.text,
                                  public=note.public)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.app.notify, _("Note added"))
        self.app.call_from_thread(self.load)
