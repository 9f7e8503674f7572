"""The inquiry screen: where an inquiry is worked. The header says where it stands (state, route step,
queue, assignee, priority, deadline), the left column holds the attributes the step shows — those it lets
edit in the registration form, saved with Ctrl+S under the version loaded — with files, child inquiries and
notes, the right column the event timeline. A opens every move the user may make now; T, S, M, R, X are the
common ones; C comments (Shift+C: a public comment the customer reads in the portal), N adds a note
(inquiry_notes.py), E e-mails the customer (inquiry_reply.py), P opens the parent, F5 reloads (keeping what was
typed), Escape leaves a field, then the screen. Below, knowledge-base suggestions: Ctrl+F8 attaches one, Ctrl+F9
opens it (inquiry_kb.py); Alt+R comments with an answer from the response library (inquiry_responses.py); Alt+L
schedules a callback to the customer (callback_dialog.py); W raises a work order (inquiry_workorder.py).
Opened from registration, the customer card, the queues and My work."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.errors import Conflict, CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.inquiry import inquiry_render as draw
from crmterm.screens.inquiry.callback_dialog import CallbackDialog, CallbackFor, callback_binding, scheduled
from crmterm.screens.inquiry.inquiry_form import StepFormView
from crmterm.screens.inquiry.inquiry_kb import InquiryArticles, KbLoaded
from crmterm.screens.inquiry.inquiry_notes import NOTE_BINDING, InquiryNotes
from crmterm.screens.inquiry.inquiry_rating import RATING_BINDING, InquiryRating
from crmterm.screens.inquiry.inquiry_reply import REPLY_BINDING, InquiryReplies
from crmterm.screens.inquiry.inquiry_responses import InquiryResponses
from crmterm.screens.inquiry.inquiry_work import InquiryWork
from crmterm.screens.inquiry.inquiry_workorder import WORK_ORDER_BINDING, InquiryWorkOrders
from crmterm.screens.knowledge.kb_article import kb_bindings
from crmterm.screens.knowledge.response_picker import response_binding
from crmterm.services.customers.notes import NoteRead
from crmterm.services.inquiries import inquiries, inquiry_moves
from crmterm.services.inquiries.inquiries import InquiryRead
from crmterm.services.inquiries.inquiry_moves import MoveOption, StepView
from crmterm.services.topics import attribute_checks
from crmterm.services.topics.attribute_checks import FormPreview
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmModal
from crmterm.widgets.kb_suggestions import KbSuggestions


@dataclass
class Loaded:
    inquiry: InquiryRead
    moves: list[MoveOption]
    view: StepView
    preview: FormPreview | None  # the attribute form, when the step lets the user edit something
    kb: KbLoaded | None = None  # suggested and attached knowledge-base articles
    notes: list[NoteRead] = field(default_factory=list)  # newest first (inquiry_notes.py)


class Timeline(Static):
    """The inquiry's history, newest at the bottom. It keeps the newest in view when its text grows: a
    scroll_end right after update() may run before the new height is laid out and stop short."""

    def on_resize(self) -> None:
        if isinstance(self.parent, Widget):  # its VerticalScroll
            self.parent.scroll_end(animate=False)


class InquiryScreen(InquiryWork, InquiryArticles, InquiryReplies, InquiryResponses, InquiryNotes, InquiryRating,
                    InquiryWorkOrders, CrmModal[None]):
    CSS_PATH = "inquiry_view.tcss"
    BINDINGS = [
        Binding("escape", "back", N_("Back"), id="inquiry.close"),
        Binding("a", "actions", N_("Actions"), id="inquiry.actions"),
        Binding("t", "do('take')", N_("Take"), id="inquiry.take"),
        Binding("s", "do('start')", N_("Start"), id="inquiry.start"),
        Binding("m", "moves", N_("Move"), id="inquiry.move"),
        Binding("r", "do('return')", N_("Return"), id="inquiry.return"),
        Binding("x", "resolve", N_("Close inquiry"), id="inquiry.resolve"),
        Binding("c", "comment", N_("Comment"), id="inquiry.comment"),
        # not in the full footer (F1 and the palette list it): a comment the customer reads in the portal
        Binding("C", "public_comment", N_("Public comment"), id="inquiry.public_comment", show=False),
        REPLY_BINDING, NOTE_BINDING, callback_binding("inquiry"),
        Binding("p", "parent", N_("Parent inquiry"), id="inquiry.parent", show=False),
        Binding("ctrl+s", "save", N_("Save"), id="inquiry.save"),
        Binding("f5", "reload", N_("Reload"), id="inquiry.reload"),
        Binding("k", "script", N_("Script"), id="inquiry.script"),
        *kb_bindings("inquiry"), response_binding("inquiry"),
        RATING_BINDING,  # the customer's rating at the end of the call (issue 29)
        WORK_ORDER_BINDING,  # field work for this inquiry (issue 27)
    ]

    def __init__(self, inquiry_id: int) -> None:
        super().__init__()
        self.inquiry_id = inquiry_id
        self.inquiry: InquiryRead | None = None
        self.moves: list[MoveOption] = []
        self.view = StepView(step=None, show=None, edit=[])
        self._carry: dict | None = None  # typed values to put back after a recompose
        # Two loads answering close together (a reload after a save, a live update) would rebuild the form at
        # once, one removing the widgets the other is filling: they are shown one after the other.
        self._showing = asyncio.Lock()

    def compose(self) -> ComposeResult:
        with Vertical(id="inquiry-dialog"):
            yield Static(f"#{self.inquiry_id}", id="inquiry-title", markup=False)
            yield Static("", id="inquiry-header")
            yield Static("", id="inquiry-moves")
            with Horizontal(id="inquiry-columns"):
                with VerticalScroll(id="inquiry-left"):
                    yield Static("", id="inquiry-values")
                    yield StepFormView(id="inquiry-form")
                    yield Label(_("Ctrl+S saves the changed attributes"), id="inquiry-form-hint", classes="hint")
                    yield Label(_("Files"), classes="inquiry-section")
                    yield Static("", id="inquiry-files")
                    yield Label(_("Child inquiries"), id="inquiry-children-title", classes="inquiry-section")
                    yield OptionList(id="inquiry-children")
                    yield Label(_("Notes"), id="inquiry-notes-title", classes="inquiry-section")
                    yield Static("", id="inquiry-notes")
                    yield Label(_("Knowledge-base articles"), classes="inquiry-section")
                    yield Static(_("No articles attached"), id="inquiry-articles-none", markup=False)
                    yield OptionList(id="inquiry-articles")
                with VerticalScroll(id="inquiry-right"):
                    yield Timeline("", id="inquiry-timeline")
            yield KbSuggestions(id="inquiry-kb")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#inquiry-left").border_title = _("Attributes")
        self.query_one("#inquiry-right").border_title = _("Timeline")
        for widget_id in ("inquiry-form", "inquiry-form-hint", "inquiry-children-title", "inquiry-children",
                          "inquiry-articles", "inquiry-notes-title", "inquiry-notes"):
            self.query_one(f"#{widget_id}").display = False
        self.query_one("#inquiry-left").focus()
        self.load()

    async def relabel(self) -> None:
        """After a language switch: draw again, keeping what was typed."""
        self._carry = self.form.changes()
        await self.recompose()
        self.on_mount()

    @property
    def form(self) -> StepFormView:
        return self.query_one(StepFormView)

    # --- loading -------------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="inquiry-load")
    def load(self) -> None:
        gateway, key = self.app.gateway, {"inquiry_id": self.inquiry_id}
        try:
            found = gateway.call(inquiries.get_inquiry, **key)
            moves = gateway.call(inquiry_moves.available, **key)
            view = gateway.call(inquiry_moves.step_view, **key)
            preview = gateway.call(attribute_checks.preview, topic=found.topic, customer_id=found.customer_id,
                                   raw={v.code: v.value for v in found.values}, fill_defaults=False,
                                   context={"priority": found.priority}) if view.edit else None
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=10)
            return
        # mypy cannot solve Textual's `T | Awaitable[T]` callback type for a coroutine function
        loaded = Loaded(found, moves, view, preview, self.fetch_kb(found), self.fetch_notes())
        self.app.call_from_thread(self._show, loaded)  # type: ignore[arg-type]

    async def _show(self, loaded: Loaded) -> None:
        async with self._showing:
            if self.is_attached:  # not closed while the worker ran
                await self._show_loaded(loaded)

    async def _show_loaded(self, loaded: Loaded) -> None:
        found, form = loaded.inquiry, self.form
        carry = self._carry if self._carry is not None else form.changes()
        self._carry = None
        self.inquiry, self.moves, self.view = found, loaded.moves, loaded.view
        self.refresh_bindings()
        self.query_one("#inquiry-title", Static).update(draw.title(found))
        self.query_one("#inquiry-header", Static).update(draw.header(found, datetime.now(UTC)))
        self.query_one("#inquiry-moves", Static).update(self._possible())
        self.query_one("#inquiry-timeline", Static).update(draw.timeline(found))
        self.query_one("#inquiry-right", VerticalScroll).scroll_end(animate=False)
        self.query_one("#inquiry-files", Static).update(draw.files(found))
        self._show_children(found)
        self.show_notes(loaded.notes)
        self.show_kb(loaded.kb)
        await self._show_form(loaded, carry)

    async def _show_form(self, loaded: Loaded, carry: dict) -> None:
        form, preview = self.form, loaded.preview
        editing = preview is not None
        values = self.query_one("#inquiry-values", Static)
        values.update(draw.values(loaded.inquiry, loaded.view.show))
        values.display = not editing
        form.display = editing
        self.query_one("#inquiry-form-hint").display = editing
        if preview is None:
            await form.clear()
            form.baseline = {}
            self._refocus(None)
            return
        focused = self.focused if self.focused is not None and form in self.focused.ancestors else None
        form.view = loaded.view
        await form.show(preview, None, {"priority": loaded.inquiry.priority})
        form.baseline = form.values()
        for code, value in carry.items():
            form.put(code, value)
        form.refresh_flags()
        self._refocus(focused)
        lost = [code for code in carry if not form.lets_edit(code)]
        if lost:
            self.app.notify(_("Not editable any more, not kept: {codes}").format(codes=", ".join(lost)),
                            severity="warning", timeout=10)

    def _refocus(self, before: Widget | None) -> None:
        """The field that had the focus before the form was rebuilt gets it back, with the cursor where it
        was and nothing selected (the next key must not replace the value); else the left column has it."""
        found = self.form.query(f"#{before.id}") if before is not None and before.id else None
        field = found.first() if found else None
        if field is None or field.disabled:
            if self.focused is None:
                self.query_one("#inquiry-left").focus()
            return
        if isinstance(field, Input) and isinstance(before, Input):
            field.select_on_focus = False
            field.cursor_position = before.cursor_position
        field.focus()

    def _possible(self) -> Text:
        if not self.moves:
            return Text(_("No moves for you now"), style="dim")
        names = ", ".join(self.entry_label(option) for option in self.moves)
        return Text(_("Possible now: {moves} — A: actions").format(moves=names), style="dim")

    def _show_children(self, found: InquiryRead) -> None:
        children = self.query_one("#inquiry-children", OptionList)
        children.clear_options()
        children.add_options([Option(draw.child_line(c), id=str(c.id)) for c in found.children])
        children.display = bool(found.children)
        self.query_one("#inquiry-children-title").display = bool(found.children)

    @on(OptionList.OptionSelected, "#inquiry-children")
    def child_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:  # every child is listed under its id
            self.app.push_screen(InquiryScreen(int(event.option.id)))

    def action_script(self) -> None:
        """Run the script of the inquiry's topic; the saved run shows in the timeline."""
        from crmterm.screens.knowledge.script_run import ScriptRunScreen

        def walked(run: object) -> None:
            if run:
                self.load()

        self.app.push_screen(ScriptRunScreen(inquiry_id=self.inquiry_id), walked)

    def action_reload(self) -> None:
        self.load()

    # --- attributes ------------------------------------------------------------------------------------
    def action_save(self) -> None:
        form = self.form
        if self.inquiry is None or form.form is None:
            self.app.notify(_("Nothing to edit in this step"), severity="warning")
            return
        changes = form.changes()
        if not changes:
            self.app.notify(_("No changes to save"))
            return
        _typed, errors = form.typed()
        errors = {code: message for code, message in errors.items() if code in changes}
        if errors:
            form.show_errors(errors)
            self.app.notify(_("Correct the marked fields"), severity="error")
            return
        self.save(changes, self.inquiry.version)

    @work(thread=True, exclusive=True, group="inquiry-save")
    def save(self, changes: dict, version: int) -> None:
        try:
            moved = self.app.gateway.call(inquiry_moves.update_values, inquiry_id=self.inquiry_id, values=changes,
                                          expected_version=version)
        except CrmError as error:
            self.app.call_from_thread(self._save_failed, error)
            return
        self.app.call_from_thread(self._saved, moved, changes)

    def _saved(self, moved, changes: dict) -> None:
        self.app.notify(_("Inquiry #{n} saved").format(n=moved.id))
        if self.is_attached:
            self.form.baseline.update(changes)  # saved: no longer edits to carry over
            self.load()

    def _save_failed(self, error: CrmError) -> None:
        self.app.notify(str(error), severity="error", timeout=10)
        if not self.is_attached:
            return
        if (isinstance(error, ValidationError) and error.field is not None and self.form.form
                and self.form.form.field(error.field)):
            self.form.show_errors({error.field: error.detail})
        elif isinstance(error, Conflict):
            self.load()  # the other change shows up; what was typed stays in the form, to save again

    # --- leaving -----------------------------------------------------------------------------------------
    def action_back(self) -> None:
        """Escape in a field leaves the field; then closes, asking first if edits would be lost."""
        focused = self.focused
        if focused is not None and self.form in focused.ancestors:
            self.query_one("#inquiry-left").focus()
            return
        if self.form.changes():
            self.app.push_screen(ConfirmScreen(_("Discard the unsaved changes of inquiry #{n}?").format(
                n=self.inquiry_id)), lambda yes: yes and self.dismiss(None))
            return
        self.dismiss(None)

    def action_parent(self) -> None:
        """Open the parent; when this child was opened from the parent's screen, go back down to it."""
        if self.inquiry and self.inquiry.parent_id:
            stack = self.app.screen_stack
            below = stack[-2] if len(stack) > 1 and stack[-1] is self else None
            if isinstance(below, InquiryScreen) and below.inquiry_id == self.inquiry.parent_id:
                self.dismiss(None)
            else:
                self.app.push_screen(InquiryScreen(self.inquiry.parent_id))
        elif self.inquiry:
            self.app.notify(_("Inquiry #{n} has no parent").format(n=self.inquiry_id), severity="warning")

    def action_schedule_callback(self) -> None:
        """Alt+L: a callback to this inquiry's customer, at the number of the contact that raised it."""
        found = self.inquiry
        if found is None or found.customer_id is None:
            self.app.notify(_("Inquiry #{n} has no customer to call back").format(n=self.inquiry_id),
                            severity="warning")
            return
        number = found.contact.caller if found.contact.channel == "phone" else ""
        start = CallbackFor(found.customer_id, found.customer or "", number, found.id)
        self.app.push_screen(CallbackDialog(start), lambda saved: scheduled(self.app, saved))
