"""Blacklist activity (issue 28, item 7): the blacklist entries added and lifted in a period, per reason and
per user who did it — a ReportTable, so every exporter writes it (`crmterm report blacklist`). An entry that
ends by itself (its `until` day) is not an action of anyone's and is not counted as lifted."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import and_
from sqlmodel import Session, col, select

from crmterm.i18n import _, fmt_datetime
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import blacklist
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total
from crmterm.services.reports.reports_scope import check_period
from crmterm.store import BlacklistEntry


def blacklist_report(*, session: Session, actor: Actor, start: datetime, end: datetime) -> ReportTable:
    """One row per reason and user: how many entries they added and lifted in [start, end)."""
    require(actor, Permission.REPORTS_READ)
    check_period(start, end)
    added = _count(session, col(BlacklistEntry.added_at), col(BlacklistEntry.added_by), start, end)
    lifted = _count(session, col(BlacklistEntry.lifted_at), col(BlacklistEntry.lifted_by), start, end)
    rows: list[list[Cell]] = [[_(blacklist.REASONS.get(reason, reason)), user, added[(reason, user)],
                               lifted[(reason, user)]] for reason, user in sorted({*added, *lifted})]
    columns = [Column("reason", _("Reason"), total=Total.LABEL), Column("user", _("User")),
               Column("added", _("Added"), ColumnKind.INT, Total.SUM),
               Column("lifted", _("Lifted"), ColumnKind.INT, Total.SUM)]
    totals: list[Cell] = [_("Total"), None, sum(added.values()), sum(lifted.values())]
    return ReportTable(name="blacklist", title=_("Blacklist activity"), columns=columns, rows=rows, totals=totals,
                       params={_("Period"): f"{fmt_datetime(start)} – {fmt_datetime(end)}"})


def _count(session: Session, moment, user, start: datetime, end: datetime) -> Counter[tuple[str, str]]:
    query = (select(col(BlacklistEntry.reason), user).where(and_(moment >= start, moment < end))
             .order_by(col(BlacklistEntry.reason)))
    return Counter((reason, who or "") for reason, who in session.exec(query))
