"""A work order raised from the inquiry screen (issue 27, item 4): W opens the form
(screens/service/workorder_form) for this inquiry and its customer; once saved, the inquiry is loaded again,
so its timeline shows the planned work order (and a move its route made for it). A mix-in of InquiryScreen."""

from __future__ import annotations

from textual.binding import Binding

from crmterm.i18n import N_, _
from crmterm.screens.inquiry.inquiry_part import InquiryPart
from crmterm.screens.service.workorder_form import WorkOrderDialog, WorkOrderFor
from crmterm.services.accounts.permissions import Permission
from crmterm.services.service.workorders_read import WorkOrderRead

# Not in the footer, which is full on this screen: the palette and the help list it.
WORK_ORDER_BINDING = Binding("w", "work_order", N_("Work order"), id="inquiry.work_order", show=False)


class InquiryWorkOrders(InquiryPart):
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "work_order":  # the service checks it again
            return self.app.gateway.can(Permission.SERVICE_WORK)
        return super().check_action(action, parameters)

    def action_work_order(self) -> None:
        if self.inquiry is None:
            return
        start = WorkOrderFor(self.inquiry_id, self.inquiry.customer_id, self.inquiry.customer or "")
        self.app.push_screen(WorkOrderDialog(start), self._work_order_saved)

    def _work_order_saved(self, saved: WorkOrderRead | None) -> None:
        if saved is None:
            return
        self.app.notify(_("Work order {n} planned: {day} {start}–{end}").format(
            n=saved.id, day=saved.visit_on, start=saved.window_from, end=saved.window_to))
        self.load()
