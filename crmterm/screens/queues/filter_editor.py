"""The saved filter editor of the Queues tab (Ctrl+E): every parameter of a filter as one form, its name and the
user group it is shared with. Opened on a saved filter's tab it edits that filter (renaming keeps its tab);
on a built-in tab it starts a new filter from what the list shows. Ctrl+S saves, Escape cancels; a refused
value is named under its field and the form stays open with what was typed."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Label

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.services.directory.kinds import FieldSpec
from crmterm.services.routing import saved_filters
from crmterm.services.routing.inquiry_filter import InquiryFilter, from_form, to_form
from crmterm.services.routing.queues import STATE_FILTERS
from crmterm.services.routing.saved_filters import PRIVATE, SavedFilterRead
from crmterm.text import visible
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import CrmModal
from crmterm.widgets.service_call import call_service

STATE_NAMES = {"waiting": N_("Waiting"), "taken": N_("Taken"), "in_progress": N_("In progress"), "open": N_("Open"),
               "assigned": N_("Taken or in progress"), "registered": N_("Registered"), "closed": N_("Closed"),
               "cancelled": N_("Cancelled")}
FIELDS = (
    FieldSpec("name", N_("Name"), required=True, max_length=64),
    FieldSpec("shared_with", N_("Shared with user group (its code; empty: only you)")),
    FieldSpec("state", N_("State"), type="choice", choices=STATE_FILTERS,
              choice_labels=tuple(STATE_NAMES.get(state, state) for state in STATE_FILTERS),
              default="open"),
    FieldSpec("queue", N_("Queue (code)")),
    FieldSpec("topic", N_("Topic or group (code)")),
    FieldSpec("subtopics", N_("With every topic below it"), type="bool"),
    FieldSpec("priority", N_("Priority (code)")),
    FieldSpec("assignee", N_("Assignee (login, or 'me')")),
    FieldSpec("overdue", N_("Only past their deadline"), type="bool"),
    FieldSpec("customer", N_("Customer (number)")),
    FieldSpec("structure_node", N_("Customer with its whole structure below (number)")),
    FieldSpec("structure", N_("…in structure (code; empty: any)")),
    FieldSpec("created_from", N_("Created from (date, or date and time)")),
    FieldSpec("created_to", N_("Created up to (a date includes that day)")),
    FieldSpec("due_from", N_("Deadline from")),
    FieldSpec("due_to", N_("Deadline up to")),
    FieldSpec("channel", N_("Channel (code)")),
    FieldSpec("place", N_("Contact place (code)")),
    FieldSpec("attributes", N_("Attribute values, e.g. amount >= 1000; dispute_reason = double_charge"),
              max_length=1000),
)


class FilterEditor(CrmModal[str | None]):
    """Dismissed with the saved filter's name, or None when cancelled."""

    CSS_PATH = "filter_editor.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="filter_editor.cancel"),
                Binding("ctrl+s", "save", N_("Save"), id="filter_editor.save", priority=True)]

    def __init__(self, where: InquiryFilter, editing: SavedFilterRead | None = None) -> None:
        super().__init__()
        self.where, self.editing = where, editing

    def compose(self) -> ComposeResult:
        title = (_("Edit the filter “{name}”").format(name=self.editing.name) if self.editing
                 else _("New saved filter"))
        with Vertical(id="filter-editor"):
            yield Label(visible(title), classes="dialog-title", markup=False)
            with VerticalScroll(id="filter-fields"):
                yield EntryForm(FIELDS, id="filter-form")
            yield Label("", id="filter-problem", markup=False)
            yield Label(_("Ctrl+S: save, Escape: cancel, Tab: next field"), classes="hint")

    def on_mount(self) -> None:
        form = self.query_one(EntryForm)
        values = to_form(self.where)
        if self.editing is not None:
            values |= {"name": self.editing.name, "shared_with": self.editing.shared_with or ""}
        form.load(values)
        self.query_one("#filter-problem", Label).display = False
        self.call_after_refresh(form.focus_first)

    def action_save(self) -> None:
        form = self.query_one(EntryForm)
        form.clear_errors()
        values = form.values()
        try:
            where = from_form(values)
        except ValidationError as error:
            self.refused(error)
            return
        self._save(str(values.get("name") or "").strip(), where, str(values.get("shared_with") or "").strip())

    @work(thread=True, exclusive=True, group="filter-editor")
    def _save(self, name: str, where: InquiryFilter, group: str) -> None:
        if self.editing is None:
            call_service(self.app, saved_filters.save_filter, on_done=self._saved, on_refused=self.refused,
                         name=name, where=where, shared_with=group or None)
            return
        owner = None if self.editing.mine else self.editing.owner
        call_service(self.app, saved_filters.edit_filter, on_done=self._saved, on_refused=self.refused,
                     name=self.editing.name, owner=owner, new_name=name, where=where, shared_with=group or PRIVATE)

    def _saved(self, saved: SavedFilterRead) -> None:
        self.app.notify(_("Filter saved: {name}").format(name=saved.name))
        self.dismiss(saved.name)

    def refused(self, error: ValidationError) -> None:
        """Under its field; a refusal of no field of the form above the keys."""
        if not self.query_one(EntryForm).show_error(error.field, error.detail):
            problem = self.query_one("#filter-problem", Label)
            problem.update(str(error))
            problem.display = True
