"""A campaign's results by agent: attempts and what came of them, and how much of the list is done — a
ReportTable, so `crmterm campaign report` writes it in every export format (services/reports/exports)."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlmodel import Session, col, select

from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total
from crmterm.services.retention import campaigns
from crmterm.store import CampaignAttempt, User

_COUNTED = ("reached", "accepted", "refused", "callback", "no_answer")


def campaign_report(*, session: Session, actor: Actor, code: str) -> ReportTable:
    """One row per agent who made attempts: attempts, reached, accepted, refused, callbacks, not answered and
    the acceptance rate (accepted of the customers reached in any way)."""
    require(actor, Permission.REPORTS_READ)
    row = campaigns.row_of(session, code)
    found = session.exec(select(User.login, CampaignAttempt.outcome)
                         .join(User, col(User.id) == CampaignAttempt.agent_id, isouter=True)
                         .where(CampaignAttempt.campaign_id == row.id)).all()
    by_agent: dict[str, Counter[str]] = defaultdict(Counter)
    for login, outcome in found:
        by_agent[login or "—"][outcome] += 1
    rows: list[list[Cell]] = [_row(login, counts) for login, counts in sorted(by_agent.items())]
    totals = _row(_("Total"), sum(by_agent.values(), Counter()))
    progress = campaigns.read(session, row)
    params = {_("Campaign"): f"{row.code} — {row.name}", _("State"): row.state,
              _("Call list"): _("{done} of {calls} done, {waiting} waiting").format(
                  done=progress.done, calls=progress.calls, waiting=progress.waiting)}
    return ReportTable(name="campaign", title=_("Campaign results"), params=params, columns=_columns(), rows=rows,
                       totals=totals)


def _row(label: str, counts: Counter[str]) -> list[Cell]:
    attempts = sum(counts.values())
    answered = counts["reached"] + counts["accepted"] + counts["refused"] + counts["callback"]
    rate = counts["accepted"] / answered if answered else None
    return [label, attempts, *(counts[outcome] for outcome in _COUNTED), rate]


def _columns() -> list[Column]:
    return [Column("agent", _("Agent"), total=Total.LABEL),
            Column("attempts", _("Attempts"), ColumnKind.INT, Total.SUM),
            Column("reached", _("Reached"), ColumnKind.INT, Total.SUM),
            Column("accepted", _("Accepted offer"), ColumnKind.INT, Total.SUM),
            Column("refused", _("Refused"), ColumnKind.INT, Total.SUM),
            Column("callback", _("Call back"), ColumnKind.INT, Total.SUM),
            Column("no_answer", _("No answer"), ColumnKind.INT, Total.SUM),
            Column("acceptance", _("Acceptance"), ColumnKind.PERCENT)]
