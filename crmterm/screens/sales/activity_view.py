"""One sales activity in a dialog (Enter on the calendar): its time, customer, opportunity, outcome; Space marks
it done with its outcome, C registers the outbound call of a call activity as a contact (the inquiry's topic
asked), R reschedules it, O opens its opportunity. And the form of a new activity (N on the calendar, and on an
opportunity, about it)."""

from __future__ import annotations

from datetime import date, datetime, time

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _, fmt_datetime
from crmterm.moments import as_typed, typed_moment
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.services.sales import activities, activity_calls
from crmterm.services.sales.activities import ActivityRead
from crmterm.text import visible
from crmterm.widgets.host import CrmModal

KIND_LABELS = {"call": N_("Call"), "meeting": N_("Meeting"), "task": N_("Task")}


class ActivityScreen(CrmModal[int | None]):
    """Dismissed with the number of the opportunity to open (O), else None: the screen that opened it opens
    the opportunity, so this module needs not import the opportunity's (which lists activities with this)."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", N_("Close"), id="activity.close"),
        Binding("space", "done", N_("Done"), id="activity.done"),
        Binding("c", "call", N_("Register the call"), id="activity.call"),
        Binding("r", "reschedule", N_("Reschedule"), id="activity.reschedule"),
        Binding("o", "opportunity", N_("Opportunity"), id="activity.opportunity"),
    ]

    def __init__(self, activity_id: int) -> None:
        super().__init__()
        self.activity_id = activity_id
        self.found: ActivityRead | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("Activity: loading…"), classes="dialog-title", id="activity-title", markup=False)
            yield Static("", classes="dialog-text", id="activity-details", markup=False)
            yield Label(_("Space done · C register the call · R reschedule · O opportunity · Esc close"),
                        classes="hint", markup=False)

    def on_mount(self) -> None:
        self._call(activities.get_activity)

    @work(thread=True, exclusive=True, group="activity")
    def _call(self, service, **kwargs) -> None:
        try:
            found = self.app.gateway.call(service, activity_id=self.activity_id, **kwargs)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, getattr(found, "activity", found))

    def _show(self, found: ActivityRead) -> None:
        self.found = found
        state = _("overdue") if found.overdue else _("done") if found.state == activities.DONE else _("open")
        self.query_one("#activity-title", Label).update(
            f"#{found.id} {_(KIND_LABELS[found.kind])}: {visible(found.title)}")
        lines = [f"{_('When')}: {fmt_datetime(found.starts_at)} ({found.duration} min) · {state}",
                 f"{_('Customer')}: {visible(found.customer or '—')}",
                 f"{_('Opportunity')}: {visible(found.opportunity or '—')}",
                 f"{_('Owner')}: {found.owner or '—'}", f"{_('Outcome')}: {visible(found.outcome) or '—'}"]
        if found.contact_id:
            lines.append(f"{_('Contact')}: #{found.contact_id}")
        self.query_one("#activity-details", Static).update("\n".join(lines))

    def _ask(self, question: str, value: str, then) -> None:
        def answered(text: str | None) -> None:
            if text is not None:
                then(text)

        self.app.push_screen(PromptScreen(question, value), answered)

    def action_done(self) -> None:
        self._ask(_("Done: what came of it?"), "", lambda outcome: self._call(activities.complete_activity,
                                                                              outcome=outcome))

    def action_call(self) -> None:
        self._ask(_("Topic of the call (its code)"), "",
                  lambda topic: self._call(activity_calls.register_call, topic=topic))

    def action_reschedule(self) -> None:
        def moved(text: str) -> None:
            try:
                self._call(activities.reschedule_activity, starts_at=typed_moment(text, "at"))
            except ValidationError as error:
                self.app.notify(str(error), severity="error")

        self._ask(_("New start (YYYY-MM-DD HH:MM)"), as_typed(self.found.starts_at) if self.found else "", moved)

    def action_opportunity(self) -> None:
        if self.found is not None and self.found.opportunity_id:
            self.dismiss(self.found.opportunity_id)


class NewActivityScreen(CrmModal[int | None]):
    """Kind, title, start, duration, and the opportunity or customer number it is about; Enter in a field saves."""

    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="new_activity.cancel")]

    def __init__(self, day: date, opportunity_id: int | None = None) -> None:
        super().__init__()
        self.day = day
        self.opportunity_id = opportunity_id  # planned from an opportunity: about it

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label(_("New activity"), classes="dialog-title", markup=False)
            yield Select([(_(label), kind) for kind, label in KIND_LABELS.items()], value="call",
                         allow_blank=False, id="activity-kind", compact=True)
            yield Input(placeholder=_("Title"), id="activity-title-input")
            yield Input(as_typed(datetime.combine(self.day, time(10)).astimezone()), id="activity-at")
            yield Input("30", placeholder=_("Minutes"), id="activity-duration")
            yield Input(str(self.opportunity_id or ""), placeholder=_("Opportunity number (or empty)"),
                        id="activity-opportunity")
            yield Input(placeholder=_("Customer number (or empty)"), id="activity-customer")

    def on_mount(self) -> None:
        self.query_one("#activity-title-input", Input).focus()

    def on_input_submitted(self, _event: Input.Submitted) -> None:
        try:
            values = self._values()
        except (ValidationError, ValueError) as error:
            self.app.notify(str(error), severity="error")
            return
        self._save(values)

    def _values(self) -> dict:
        def text(name: str) -> str:
            return self.query_one(f"#activity-{name}", Input).value.strip()

        number = {name: int(text(name)) if text(name) else None for name in ("opportunity", "customer")}
        return {"kind": str(self.query_one("#activity-kind", Select).value), "title": text("title-input"),
                "starts_at": typed_moment(text("at"), "at"), "duration": int(text("duration") or 30),
                "opportunity_id": number["opportunity"], "party_id": number["customer"]}

    @work(thread=True, exclusive=True, group="new-activity")
    def _save(self, values: dict) -> None:
        try:
            made = self.app.gateway.call(activities.create_activity, **values)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.dismiss, made.id)
