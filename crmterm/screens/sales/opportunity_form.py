"""The form of a new opportunity (N on the pipeline): its customer — a number, or a name, phone or contract to
search for — title, amount, stage (an open stage of the sales process, the column it was opened from at first),
expected close date and owner (empty: whoever saves it). Enter in a field or Ctrl+S saves; a refused value is
named under its field and the form stays open with what was typed. Saved, it is dismissed with the new
opportunity, which the pipeline then selects in its column."""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label

from crmterm.errors import CrmError, NotFound, ValidationError
from crmterm.i18n import N_, _, pick
from crmterm.moments import typed_day
from crmterm.services.customers import customer_search
from crmterm.services.directory.kinds import FieldSpec
from crmterm.services.sales import opportunities, pipeline
from crmterm.services.sales.opportunities import OpportunityRead
from crmterm.text import visible
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import CrmModal

FIELDS = (
    FieldSpec("customer", N_("Customer: number, or a name, phone or contract to search"), required=True),
    FieldSpec("title", N_("Title"), required=True),
    FieldSpec("amount", N_("Amount (empty: from its quote later)")),
    FieldSpec("stage", N_("Stage"), type="choice", required=True),
    FieldSpec("expected_close", N_("Expected close (YYYY-MM-DD)")),
    FieldSpec("owner", N_("Owner (login; empty: you)")),
)
CANDIDATES = 4  # customers named when a search finds several


def _customer(gateway, text: str) -> int:
    """The customer's number: typed as such, or the one customer a search finds (else the form says who)."""
    text = text.strip()
    if text.isdecimal():
        return int(text)
    if not text:
        raise ValidationError("customer", _("type a number or a name to search"))
    hits = gateway.call(customer_search.search, query=text, limit=CANDIDATES + 1)
    exact = [hit for hit in hits if hit.rank == 0]
    if len(hits) == 1 or len(exact) == 1:
        return (exact or hits)[0].id
    if not hits:
        raise ValidationError("customer", _("no customer found for '{text}'").format(text=text))
    names = ", ".join(f"#{hit.id} {visible(pick(hit.names, hit.display_name))}" for hit in hits[:CANDIDATES])
    raise ValidationError("customer", _("several found ({names}): type the number").format(names=names))


def _refusal(error: NotFound) -> ValidationError | None:
    """A customer or owner that does not exist is a refused value of its field, not a failure."""
    field = {_("customer"): "customer", _("user"): "owner"}.get(error.kind)
    return ValidationError(field, str(error)) if field else None


class NewOpportunityScreen(CrmModal[OpportunityRead | None]):
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="new_opportunity.cancel"),
                Binding("ctrl+s", "save", N_("Save"), id="new_opportunity.save", priority=True)]

    def __init__(self, stages: list[tuple[str, str]] | None = None, stage: str | None = None,
                 customer: int | None = None) -> None:
        """`stages`: the open stages of the process as (name, code), in order (None: read here); `stage`: the
        one chosen first; `customer`: the customer's number to start with (from the customer card)."""
        super().__init__()
        self.stages, self.stage, self.customer = stages or [], stage, customer

    def compose(self) -> ComposeResult:
        form = EntryForm(FIELDS, id="opportunity-form")
        form.set_options("stage", self.stages)
        with Vertical(id="dialog", classes="new-opportunity"):
            yield Label(_("New opportunity"), classes="dialog-title", markup=False)
            yield form
            yield Label("", id="opportunity-problem", markup=False)
            yield Label(_("Enter or Ctrl+S: save, Escape: cancel, Tab: next field"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#opportunity-problem", Label).display = False
        form = self.query_one(EntryForm)
        self._start(self.stages)
        if not self.stages:
            self._stages()
        self.call_after_refresh(form.focus_first if self.customer is None else
                                self.query_one("#f-title", Input).focus)

    def _start(self, stages: list[tuple[str, str]]) -> None:
        self.stages = stages
        form = self.query_one(EntryForm)
        form.set_options("stage", stages)
        typed = {name: value for name, value in form.values().items() if value not in (None, "")}
        first = self.stage or (stages[0][1] if stages else None)
        form.load({"customer": str(self.customer or ""), "stage": first} | typed)

    @work(thread=True, exclusive=True, group="new-opportunity-stages")
    def _stages(self) -> None:
        try:
            found = self.app.gateway.call(pipeline.pipeline)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._start, [(column.name, column.code) for column in found.columns])

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_save()

    def action_save(self) -> None:
        form = self.query_one(EntryForm)
        form.clear_errors()
        self.query_one("#opportunity-problem", Label).display = False
        values = {name: value.strip() if isinstance(value, str) else value for name, value in form.values().items()}
        try:
            close = typed_day(values["expected_close"], "expected_close") if values["expected_close"] else None
        except ValidationError as error:
            self.refused(error)
            return
        self._save(values, close)

    @work(thread=True, exclusive=True, group="new-opportunity")
    def _save(self, values: dict, close: date | None) -> None:
        try:
            made = self.app.gateway.call(
                opportunities.create_opportunity, party_id=_customer(self.app.gateway, values["customer"]),
                title=values["title"], amount=values["amount"] or None, stage=values["stage"],
                expected_close=close, owner=values["owner"] or None)
        except ValidationError as error:
            self.app.call_from_thread(self.refused, error)
        except NotFound as error:
            refusal = _refusal(error)
            if refusal is not None:
                self.app.call_from_thread(self.refused, refusal)
            else:
                self.app.call_from_thread(self.app.notify, str(error), severity="error")
        except CrmError as error:  # a refused role: said once, the form stays as typed
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
        else:
            self.app.call_from_thread(self.dismiss, made)

    def refused(self, error: ValidationError) -> None:
        """Under its field; a refusal of no field of the form above the keys."""
        if not self.query_one(EntryForm).show_error(error.field, error.detail):
            problem = self.query_one("#opportunity-problem", Label)
            problem.update(str(error))
            problem.display = True
