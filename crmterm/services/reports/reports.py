"""Reports (issue 10): statistics by topic, by operator, repeat inquiries, deadline keeping, and reports made
from a saved inquiry filter. Every report aggregates in SQL over a period and filters (reports_scope) and
returns a ReportTable (report_table) that the CLI, the Reports tab and the exporters read; each row carries a
drill-down key that `drill_down` turns back into the inquiries behind it.

Each report's definitions are in its module's docstring: reports_topics, reports_operators, reports_repeats,
reports_sla, reports_custom. All of them need Permission.REPORTS_READ.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports import reports_operators, reports_repeats, reports_sla, reports_topics
from crmterm.services.reports.report_table import ReportTable
from crmterm.services.reports.reports_custom import GROUPS, MEASURES, custom_report
from crmterm.services.reports.reports_drill import DrillKey, DrillPage, DrillRow, drill_down
from crmterm.services.reports.reports_operators import operators_report
from crmterm.services.reports.reports_repeats import DEFAULT_DAYS, repeats_report
from crmterm.services.reports.reports_scope import (
    FILTER_KEYS,
    Progress,
    ReportFilters,
    ReportParams,
    check_period,
    filters_from_pairs,
)
from crmterm.services.reports.reports_sla import sla_report
from crmterm.services.reports.reports_topics import topics_report

STANDARD: dict[str, tuple[str, Callable[..., ReportTable]]] = {  # name -> (title for _(), service)
    "topics": (reports_topics.TITLE, topics_report),
    "operators": (reports_operators.TITLE, operators_report),
    "repeats": (reports_repeats.TITLE, repeats_report),
    "sla": (reports_sla.TITLE, sla_report),
}
CUSTOM = "custom"
CUSTOM_GROUPS = tuple(GROUPS)
CUSTOM_COLUMNS = tuple(MEASURES)

__all__ = [
    "CUSTOM", "CUSTOM_COLUMNS", "CUSTOM_GROUPS", "DEFAULT_DAYS", "FILTER_KEYS", "STANDARD", "DrillKey", "DrillPage",
    "DrillRow", "ReportFilters", "ReportParams", "check_period", "custom_report", "drill_down",
    "filters_from_pairs", "operators_report", "repeats_report", "run", "sla_report", "topics_report",
]


def run(*, session: Session, actor: Actor, name: str, params: ReportParams, progress: Progress | None = None,
        days: int = DEFAULT_DAYS, saved_filter: str | None = None, group_by: str = "topic",
        columns: list[str] | tuple[str, ...] = (), now: datetime | None = None) -> ReportTable:
    """Any report by name: one of STANDARD, or CUSTOM with the name of one of the actor's saved filters."""
    require(actor, Permission.REPORTS_READ)  # before the name and the filter are checked
    if name == CUSTOM:
        if not saved_filter:
            raise ValidationError("filter", _("name the saved filter to report on"))
        return custom_report(session=session, actor=actor, params=params, saved_filter=saved_filter,
                             group_by=group_by, columns=columns, now=now, progress=progress)
    if name not in STANDARD:
        raise ValidationError("report", _("one of: {choices}").format(choices=", ".join([*STANDARD, CUSTOM])))
    report = STANDARD[name][1]
    options: dict = {"progress": progress}
    if name == "repeats":
        options["days"] = days
    elif name in ("operators", "sla") and now is not None:
        options["now"] = now
    return report(session=session, actor=actor, params=params, **options)
