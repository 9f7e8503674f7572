"""The collections reports, as ReportTables (so the Reports exporters write them in every format):

- aging (`crmterm report aging [--as-of DAY] [--structure S --node ID]`): per customer that owes, the open
  amount by bucket — of everyone, or of a payer node and everyone below it;
- collections effectiveness (`crmterm report collections --from D --to D`): promised payments made in the
  period, by the agent who recorded them — promised against paid, kept, broken and still open."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, time
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.collections import aging
from crmterm.services.customers import structures
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total
from crmterm.store import Party, PaymentPromise, Receivable


def aging_report(*, session: Session, actor: Actor, as_of: date | None = None, structure: str | None = None,
                 node: int | None = None) -> ReportTable:
    require(actor, Permission.REPORTS_READ)
    if (structure is None) != (node is None):
        raise ValidationError("node", _("give both a structure and a node (the payer), or neither"))
    as_of = as_of or structures.today()
    params = {_("As of"): as_of.isoformat()}
    if structure is not None and node is not None:
        ids = aging.subtree_ids(session, actor, structure, node, as_of)
        party = session.get(Party, node)
        params[_("Payer")] = f"{party.display_name if party else node} ({structure})"
        rows = aging.by_customer(session, as_of, ids)
    else:
        rows = aging.by_customer(session, as_of)
    columns = [Column("customer_id", _("Customer no."), ColumnKind.INT), Column("customer", _("Customer"),
                                                                             total=Total.LABEL),
               *[Column(bucket, _(aging.BUCKET_LABELS[bucket]), ColumnKind.FLOAT, Total.SUM)
                 for bucket in aging.BUCKETS],
               Column("overdue", _("Overdue"), ColumnKind.FLOAT, Total.SUM),
               Column("total", _("Open"), ColumnKind.FLOAT, Total.SUM)]
    cells: list[list[Cell]] = [[row.party_id, row.name, *[float(getattr(row, b)) for b in aging.BUCKETS],
                                float(row.overdue), float(row.total)] for row in rows]
    whole = aging.summed(rows, _("Total"))
    totals: list[Cell] = [None, _("Total"), *[float(getattr(whole, b)) for b in aging.BUCKETS],
                          float(whole.overdue), float(whole.total)]
    return ReportTable(name="aging", title=_("Receivables aging"), params=params, columns=columns, rows=cells,
                       totals=totals)


def collections_report(*, session: Session, actor: Actor, start: date, end: date) -> ReportTable:
    """Promises made from `start` up to (not including) `end`, by the agent who recorded them."""
    require(actor, Permission.REPORTS_READ)
    if end <= start:
        raise ValidationError("to", _("must be after --from"))
    first, last = (datetime.combine(day, time(), tzinfo=UTC) for day in (start, end))
    promises = session.exec(select(PaymentPromise).where(col(PaymentPromise.created_at) >= first,
                                                         col(PaymentPromise.created_at) < last)
                            .order_by(col(PaymentPromise.id))).all()
    paid = _paid_totals(session, sorted({p.party_id for p in promises}))
    by_agent: dict[str, list] = defaultdict(lambda: [0, 0.0, 0.0, 0, 0, 0])
    for promise in promises:
        row = by_agent[promise.created_by]
        since = min(max(paid.get(promise.party_id, Decimal(0)) - promise.paid_before, Decimal(0)), promise.amount)
        row[0] += 1
        row[1] += float(promise.amount)
        row[2] += float(since)
        row[3 + ("kept", "broken", "open").index(promise.state)] += 1
    cells: list[list[Cell]] = [[agent, *values, values[2] / values[1] if values[1] else None]
                               for agent, values in sorted(by_agent.items())]
    columns = [Column("agent", _("Agent"), total=Total.LABEL),
               Column("promises", _("Promises"), ColumnKind.INT, Total.SUM),
               Column("promised", _("Promised"), ColumnKind.FLOAT, Total.SUM),
               Column("paid", _("Paid"), ColumnKind.FLOAT, Total.SUM),
               Column("kept", _("Kept"), ColumnKind.INT, Total.SUM),
               Column("broken", _("Broken"), ColumnKind.INT, Total.SUM),
               Column("open", _("Open"), ColumnKind.INT, Total.SUM),
               Column("paid_share", _("Paid of promised"), ColumnKind.PERCENT)]
    sums = [sum(row[i] for row in by_agent.values()) for i in range(6)]
    totals: list[Cell] = [_("Total"), *sums, sums[2] / sums[1] if sums[1] else None]
    params = {_("From"): start.isoformat(), _("To (not included)"): end.isoformat()}
    return ReportTable(name="collections", title=_("Collections effectiveness"), params=params, columns=columns,
                       rows=cells, totals=totals)


def _paid_totals(session: Session, party_ids: list[int]) -> dict[int, Decimal]:
    rows = session.exec(select(Receivable.party_id, func.sum(col(Receivable.paid)))
                        .where(col(Receivable.party_id).in_(party_ids)).group_by(col(Receivable.party_id))).all()
    return {party: Decimal(str(total or 0)) for party, total in rows}
