"""Schedule a callback (issue 24, item 5): opened with Alt+L from the Register tab (the caller found) or the
inquiry screen (its customer), the customer, the number and the inquiry filled in. The window, whose work it
is (mine, one of my queues, or — for supervisors — another agent's) and a note; a refused value shows its
message under its field and everything typed stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Label

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _, pick
from crmterm.moments import as_typed, typed_moment
from crmterm.services.accounts import users
from crmterm.services.accounts.permissions import Permission
from crmterm.services.directory.kinds import FieldSpec
from crmterm.services.routing import queues
from crmterm.services.work import callbacks
from crmterm.services.work.callbacks import CallbackRead
from crmterm.text import visible
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.host import CrmModal

FIELDS = (
    FieldSpec("number", N_("Number to call"), required=True, max_length=32),
    FieldSpec("from", N_("From (e.g. 2026-12-01 15:00)"), required=True),
    FieldSpec("to", N_("To"), required=True),
    FieldSpec("whose", N_("Whose: a queue or an agent (empty: mine)"), "ref"),
    FieldSpec("note", N_("Note: what to call about"), max_length=1000),
)
DEFAULT_WINDOW = timedelta(hours=1)


def _whose(choice: str | None) -> dict[str, str]:
    """The select's "queue:CODE" / "agent:LOGIN" as the service's keyword (none: the actor's own)."""
    kind, _sep, code = (choice or "").partition(":")
    return {kind: code} if kind in ("queue", "agent") and code else {}


def callback_binding(scope: str) -> Binding:
    """The same key on the Register tab and the inquiry screen (Alt: a focused text field keeps its letters)."""
    return Binding("alt+l", "schedule_callback", N_("Schedule callback"), id=f"{scope}.callback", show=False,
                   priority=True)


@dataclass(frozen=True)
class CallbackFor:
    """What the dialog starts from."""

    customer_id: int
    customer: str
    number: str = ""
    inquiry_id: int | None = None


class CallbackDialog(CrmModal[CallbackRead | None]):
    CSS_PATH = "callback_dialog.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="callback_form.cancel"),
                Binding("ctrl+s", "save", N_("Save"), id="callback_form.save")]

    def __init__(self, start: CallbackFor) -> None:
        super().__init__()
        self.start = start

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="callback-dialog"):
            about = f" · #{self.start.inquiry_id}" if self.start.inquiry_id else ""
            yield Label(_("Schedule callback: {customer}").format(customer=visible(self.start.customer)) + about,
                        classes="dialog-title", markup=False)
            yield EntryForm(FIELDS, id="callback-form")
            with Horizontal(id="dialog-buttons"):
                yield Button(_("Save"), id="save", variant="primary")
                yield Button(_("Cancel"), id="cancel")

    def on_mount(self) -> None:
        now = datetime.now(UTC).replace(second=0, microsecond=0)
        self.query_one(EntryForm).load({"number": self.start.number, "from": as_typed(now),
                                        "to": as_typed(now + DEFAULT_WINDOW)})
        self.query_one(EntryForm).focus_first()
        self.load_queues()

    @work(thread=True, exclusive=True, group="callback-form")
    def load_queues(self) -> None:
        """The queues I work; supervisors also choose any active agent (the service checks both again)."""
        gateway = self.app.gateway
        try:
            options = [(pick(q.labels, q.code), f"queue:{q.code}") for q in gateway.call(queues.my_queues)]
            if gateway.can(Permission.INQUIRIES_SUPERVISE):
                options += [(f"{u.display_name or u.login} ({u.login})", f"agent:{u.login}")
                            for u in gateway.call(users.list_users) if u.active and u.login != self.app.actor.login]
        except CrmError:
            return  # nothing to offer: the callback is the agent's own
        self.app.call_from_thread(self.query_one(EntryForm).apply_options, {"whose": options}, None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_save()
        else:
            self.dismiss(None)

    def action_save(self) -> None:
        form = self.query_one(EntryForm)
        form.clear_errors()
        values = form.values()
        try:
            window = (typed_moment(values["from"], "from"), typed_moment(values["to"], "to"))
        except ValidationError as error:
            self._failed(error)
            return
        self.save(values, window)

    @work(thread=True, exclusive=True, group="callback-form")
    def save(self, values: dict, window: tuple[datetime, datetime]) -> None:
        try:
            saved = self.app.gateway.call(callbacks.schedule, customer=self.start.customer_id,
                                          number=values["number"], window_from=window[0], window_to=window[1],
                                          **_whose(values["whose"]), inquiry=self.start.inquiry_id,
                                          note=values["note"] or "")
        except CrmError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self.dismiss, saved)

    def _failed(self, error: CrmError) -> None:
        field = getattr(error, "field", None)
        if not self.query_one(EntryForm).show_error(field, getattr(error, "detail", str(error))):
            self.app.notify(str(error), severity="error", timeout=8)


def scheduled(app, saved: CallbackRead | None) -> None:
    """What both screens say once the dialog saved."""
    if saved is not None:
        app.notify(_("Callback {n} scheduled: {number}, {start}–{end}").format(
            n=saved.id, number=saved.number, start=as_typed(saved.window_from), end=as_typed(saved.window_to)))
