"""The pipeline report: a sales process's stages with the number of opportunities in each, their amount and
their amount weighted by the stage's probability — a ReportTable, so the Reports exporters write it in every
format (`crmterm report pipeline`)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import structures
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total
from crmterm.services.sales import opportunities, process_config


def pipeline_report(*, session: Session, actor: Actor, process: str | None = None,
                    as_of: date | None = None) -> ReportTable:
    """Every stage of the process in order, the closed ones too (their amounts: won and lost business)."""
    require(actor, Permission.SALES_READ)
    chosen = process_config.process(session, process)
    found = [o for o in opportunities.list_opportunities(session=session, actor=actor, limit=100_000)
             if o.process == chosen.code]
    rows: list[list[Cell]] = []
    count, amount, weighted = 0, 0.0, 0.0
    for stage in chosen.stages:
        here = [o for o in found if o.stage == stage["code"]]
        row = (len(here), sum(float(o.amount or 0) for o in here), sum(float(o.weighted) for o in here))
        rows.append([pick(stage["names"], stage["code"]), stage["probability"] / 100, *row])
        count, amount, weighted = count + row[0], amount + row[1], weighted + row[2]
    columns = [Column("stage", _("Stage"), total=Total.LABEL), Column("probability", _("Probability"),
                                                                      ColumnKind.PERCENT),
               Column("opportunities", _("Opportunities"), ColumnKind.INT, Total.SUM),
               Column("amount", _("Amount"), ColumnKind.FLOAT, Total.SUM),
               Column("weighted", _("Weighted amount"), ColumnKind.FLOAT, Total.SUM)]
    totals: list[Cell] = [_("Total"), None, count, amount, weighted]
    params = {_("Sales process"): pick(chosen.names, chosen.code),
              _("As of"): (as_of or structures.today()).isoformat()}
    return ReportTable(name="pipeline", title=_("Sales pipeline"), params=params, columns=columns, rows=rows,
                       totals=totals)
