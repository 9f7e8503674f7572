"""Raise a work order for an inquiry (issue 27, item 4), from the inquiry screen (W): the task, the skills it
needs with their levels, the region, the visit's day and local from–to, the address — prefilled from the
customer's installed equipment when there is some. Saved through services/service/workorders (which checks
service.work); a refused value shows under its field and everything typed stays."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

from textual import work
from textual.widgets import Input

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.screens.common.form_dialog import FormDialog, form_bindings
from crmterm.services.directory.kinds import FieldSpec
from crmterm.services.service import assets, workorders
from crmterm.services.service.workorders_read import WorkOrderRead
from crmterm.text import visible
from crmterm.widgets.entry_form import EntryForm
from crmterm.widgets.safe_text import field_value

WORK_ORDER_FIELDS = (
    FieldSpec("tasks", N_("Task: what to do on the visit"), required=True, max_length=workorders.TEXT_LIMIT),
    FieldSpec("skills", N_("Skills with levels, e.g. fiber:2 router_setup"), max_length=300),
    FieldSpec("region", N_("Region"), required=True, max_length=64),
    FieldSpec("day", N_("Visit day (e.g. 2026-12-08)"), required=True),
    FieldSpec("from", N_("From (e.g. 09:00)"), required=True),
    FieldSpec("to", N_("To (e.g. 13:00)"), required=True),
    FieldSpec("address", N_("Address"), max_length=workorders.TEXT_LIMIT),
)
DEFAULT_WINDOW = ("09:00", "13:00")
_TIME = re.compile(r"^[0-2]\d:[0-5]\d$")


@dataclass(frozen=True)
class WorkOrderFor:
    """What the dialog starts from: the inquiry and its customer (whose equipment gives the address)."""

    inquiry_id: int
    customer_id: int | None = None
    customer: str = ""


def window_text(values: dict) -> str:
    """The form's day, from and to as the service's window `2026-12-08 09:00-13:00`; a malformed part is
    refused here under its own field (the service would name only the window)."""
    day = values["day"].strip()
    try:
        date.fromisoformat(day)
    except ValueError:
        raise ValidationError("day", _("expected a date like 2026-03-01")) from None
    for name in ("from", "to"):
        if not _TIME.match(values[name].strip()):
            raise ValidationError(name, _("expected a time like 09:00"))
    return f"{day} {values['from'].strip()}-{values['to'].strip()}"


def order_fields(values: dict) -> dict:
    """The service's keywords from the form's text (the service checks the values themselves)."""
    task = values["tasks"].strip()
    return {"window": window_text(values), "region": values["region"], "skills": values["skills"] or "",
            "tasks": [task] if task else [""], "address": values["address"] or ""}


class WorkOrderDialog(FormDialog[WorkOrderRead]):
    CSS_PATH = "workorder_form.tcss"
    BINDINGS = form_bindings("workorder_form")
    FIELDS = WORK_ORDER_FIELDS
    FORM_ID = SAVE_GROUP = "workorder-form"
    BOX_CLASSES = "workorder-dialog"
    ERROR_FIELDS = {"window": "to"}  # the service's window under To, the end of the window

    def __init__(self, start: WorkOrderFor) -> None:
        super().__init__()
        self.start = start

    def heading(self) -> str:
        whom = f" · {visible(self.start.customer)}" if self.start.customer else ""
        return _("Work order for inquiry #{n}").format(n=self.start.inquiry_id) + whom

    def on_mount(self) -> None:
        tomorrow = date.today() + timedelta(days=1)
        self.query_one(EntryForm).load({"day": tomorrow.isoformat(), "from": DEFAULT_WINDOW[0],
                                        "to": DEFAULT_WINDOW[1]})
        self.query_one(EntryForm).focus_first()
        if self.start.customer_id is not None:
            self.load_address(self.start.customer_id)

    @work(thread=True, exclusive=True, group="workorder-address")
    def load_address(self, customer_id: int) -> None:
        """The address of the customer's equipment, newest first; none known (or not allowed): left empty."""
        try:
            found = self.app.gateway.call(assets.list_assets, party_id=customer_id)
        except CrmError:
            return
        address = next((asset.address for asset in found if asset.address), "")
        if address:
            self.app.call_from_thread(self._prefill_address, address)

    def _prefill_address(self, address: str) -> None:
        field = self.query_one("#f-address", Input)
        if not field.value:  # what the user typed meanwhile wins
            field.value = field_value(address)

    def prepare(self, values: dict) -> dict:
        return order_fields(values)

    def submit(self, prepared: dict) -> WorkOrderRead:
        return self.app.gateway.call(workorders.create_work_order, inquiry_id=self.start.inquiry_id, source="tui",
                                     **prepared)
