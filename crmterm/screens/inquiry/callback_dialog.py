"""Schedule a callback (issue 24, item 5): opened with Alt+L from the Register tab (the caller found) or the
inquiry screen (its customer), the customer, the number and the inquiry filled in. The window, whose work it
is (mine, one of my queues, or — for supervisors — another agent's) and a note; a refused value shows its
message under its field and everything typed stays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from textual import work
from textual.binding import Binding

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, pick
from crmterm.moments import as_typed, typed_moment
from crmterm.screens.common.form_dialog import FormDialog, form_bindings
from crmterm.services.accounts import users
from crmterm.services.accounts.permissions import Permission
from crmterm.services.directory.kinds import FieldSpec
from crmterm.services.routing import queues
from crmterm.services.work import callbacks
from crmterm.services.work.callbacks import CallbackRead
from crmterm.text import visible
from crmterm.widgets.entry_form import EntryForm

CALLBACK_FIELDS = (
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


class CallbackDialog(FormDialog[CallbackRead]):
    CSS_PATH = "callback_dialog.tcss"
    BINDINGS = form_bindings("callback_form")
    FIELDS = CALLBACK_FIELDS
    FORM_ID = SAVE_GROUP = "callback-form"
    BOX_CLASSES = "callback-dialog"

    def __init__(self, start: CallbackFor) -> None:
        super().__init__()
        self.start = start

    def heading(self) -> str:
        about = f" · #{self.start.inquiry_id}" if self.start.inquiry_id else ""
        return _("Schedule callback: {customer}").format(customer=visible(self.start.customer)) + about

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

    def prepare(self, values: dict) -> tuple[dict, tuple[datetime, datetime]]:
        return values, (typed_moment(values["from"], "from"), typed_moment(values["to"], "to"))

    def submit(self, prepared: tuple[dict, tuple[datetime, datetime]]) -> CallbackRead:
        values, window = prepared
        return self.app.gateway.call(callbacks.schedule, customer=self.start.customer_id, number=values["number"],
                                     window_from=window[0], window_to=window[1], **_whose(values["whose"]),
                                     inquiry=self.start.inquiry_id, note=values["note"] or "")


def scheduled(app, saved: CallbackRead | None) -> None:
    """What both screens say once the dialog saved."""
    if saved is not None:
        app.notify(_("Callback {n} scheduled: {number}, {start}–{end}").format(
            n=saved.id, number=saved.number, start=as_typed(saved.window_from), end=as_typed(saved.window_to)))
