"""SLA in the workspace: the status bar's count of overdue inquiries in the user's queues (an index count,
capped), and for supervisors and admins the SLA scan, then the overdue-callback scan and the reminders of sales
activities, run in the background every `sla_scan_seconds` — so a floor without a cron job still gets its
warnings, breaches, escalations and reminders.
Both run in thread workers on a timer, never per keystroke; the first scan comes one interval after log-in,
not during it."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from textual import work

from crmterm.services.accounts.permissions import Permission
from crmterm.services.sales import activity_reminders
from crmterm.services.sla import sla_scan, sla_status
from crmterm.services.work import callback_scan
from crmterm.widgets.host import ScreenPart

log = logging.getLogger("crmterm.sla")
COUNT_SECONDS = 60  # how often the count is refreshed when this TUI does not scan
MAX_CALLS = 20  # a backlog is worked off over a few ticks instead of holding a worker for long


class SlaWatch(ScreenPart):
    """Mixed into the workspace screen, which provides `refresh_status()` (showing `self.overdue`)."""

    if TYPE_CHECKING:
        def refresh_status(self) -> None: ...  # the screen's

    overdue = 0
    _sla_scanning = False

    def start_sla_watch(self) -> None:
        self.count_overdue()
        seconds = self.app.gateway.settings.sla_scan_seconds
        if seconds and self.app.gateway.can(Permission.INQUIRIES_SUPERVISE):
            self.set_interval(seconds, self.sla_tick)
        else:
            self.set_interval(seconds or COUNT_SECONDS, self.count_overdue)

    def sla_tick(self) -> None:
        if not self._sla_scanning:  # one scan at a time: a slow database must not pile up workers
            self._sla_scanning = True
            self.run_sla_scan()

    @work(thread=True, exclusive=True, group="sla-scan")
    def run_sla_scan(self) -> None:
        """Scan (in a few transactions when there is a backlog), then count again."""
        try:
            for _call in range(MAX_CALLS):
                if not self.app.gateway.call(sla_scan.scan).more:
                    break
            for _call in range(MAX_CALLS):  # overdue callbacks escalate like SLA warnings (services/work)
                if not self.app.gateway.call(callback_scan.scan_overdue).more:
                    break
            self._remind_activities()
        except Exception:  # noqa: BLE001 - the database went away, or a rule failed: the next tick tries again
            log.exception("SLA scan failed")
        finally:
            self.app.call_from_thread(self._sla_scanned)
        self._count()

    def _remind_activities(self) -> None:
        """Sales activities starting soon remind their owners (services/sales/activity_reminders), once each."""
        if not self.app.gateway.can(Permission.SALES_SUPERVISE):
            return
        for _call in range(MAX_CALLS):
            if not self.app.gateway.call(activity_reminders.remind_activities).more:
                break

    def _sla_scanned(self) -> None:
        self._sla_scanning = False

    @work(thread=True, exclusive=True, group="sla-count")
    def count_overdue(self) -> None:
        self._count()

    def _count(self) -> None:
        try:
            count = self.app.gateway.call(sla_status.overdue_count)
        except Exception:  # noqa: BLE001 - the count is a hint: keep the last one
            return
        self.app.call_from_thread(self._overdue_counted, count)

    def _overdue_counted(self, count: int) -> None:
        if count != self.overdue and self.is_mounted:
            self.overdue = count
            self.refresh_status()
