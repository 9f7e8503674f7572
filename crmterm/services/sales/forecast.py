"""Forecast and sales analysis (issue 26, item 6), as ReportTables the Reports exporters write in every format
(`crmterm report forecast | winloss | funnel`) and the Sales screen draws as a chart:

- the forecast: the open pipeline's amount weighted by each stage's probability, by month of expected close,
  by owner or by product (an opportunity's weighted amount shared among its quote's products by their net);
- won and lost: the closed opportunities by outcome and reason;
- the funnel: per stage of a process, how many opportunities reached it, how many went on to the next
  (conversion) and how long they stayed (from the stage history; stays not yet over are not counted).
Everyone with sales.read sees all of it; a sales agent (sales.work) their own pipeline."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlmodel import Session, col, func, select

from crmterm.errors import ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import structures
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total
from crmterm.services.sales import opportunities, process_config, sales_access
from crmterm.services.sales.opportunities import OpportunityRead
from crmterm.store import OpportunityStage, Quote, QuoteItem

GROUPINGS = ("month", "owner", "product")
_ALL = 100_000


def _pipeline(session: Session, actor: Actor, process: str | None) -> list[OpportunityRead]:
    found = opportunities.list_opportunities(session=session, actor=actor, limit=_ALL)
    return [o for o in found if process is None or o.process == process]


def forecast_report(*, session: Session, actor: Actor, by: str = "month", process: str | None = None) -> ReportTable:
    """The open opportunities' amount and weighted amount by `by` (month of expected close, owner, product)."""
    sales_access.require_sales_reader(actor)
    if by not in GROUPINGS:
        raise ValidationError("by", _("expected one of: {choices}").format(choices=", ".join(GROUPINGS)))
    open_ones = [o for o in _pipeline(session, actor, process) if o.state == "open"]
    groups: dict[str, list] = defaultdict(lambda: [0, Decimal(0), Decimal(0)])
    for opportunity, key, share in _shares(session, open_ones, by):
        group = groups[key]
        group[0] += 1
        group[1] += (opportunity.amount or Decimal(0)) * share
        group[2] += opportunity.weighted * share
    sums = [(key, count, float(round(amount, 2)), float(round(weighted, 2)))
            for key, (count, amount, weighted) in sorted(groups.items())]
    rows: list[list[Cell]] = [list(found) for found in sums]
    heading = {"month": _("Expected close"), "owner": _("Owner"), "product": _("Product")}[by]
    columns = [Column("key", heading, total=Total.LABEL),
               Column("opportunities", _("Opportunities"), ColumnKind.INT, Total.SUM),
               Column("amount", _("Amount"), ColumnKind.FLOAT, Total.SUM),
               Column("weighted", _("Weighted amount"), ColumnKind.FLOAT, Total.SUM)]
    totals: list[Cell] = [_("Total"), len(open_ones) if by != "product" else None,
                          sum(found[2] for found in sums), sum(found[3] for found in sums)]
    return ReportTable(name="forecast", title=_("Sales forecast"), params=_params(session, process), columns=columns,
                       rows=rows, totals=totals)


def _params(session: Session, process: str | None) -> dict[str, str]:
    shown = pick(process_config.process(session, process).names, process) if process else _("all")
    return {_("Sales process"): shown or "", _("As of"): structures.today().isoformat()}


def _shares(session: Session, found: list[OpportunityRead], by: str):
    """(opportunity, group, share of its amount) — one share of 1 each, but by product its quote's split."""
    if by != "product":
        for o in found:
            key = (o.expected_close.strftime("%Y-%m") if o.expected_close else _("no date")) if by == "month" \
                else (o.owner or _("nobody"))
            yield o, key, Decimal(1)
        return
    split = _product_split(session, [o.quote_number for o in found if o.quote_number])
    for o in found:
        for product, share in split.get(o.quote_number or "", {_("no quote"): Decimal(1)}).items():
            yield o, product, share


def _product_split(session: Session, numbers: list[str]) -> dict[str, dict[str, Decimal]]:
    """Each quote's (latest revision's) products with their share of its net; by list amount if all net 0."""
    if not numbers:
        return {}
    latest = select(Quote.number, func.max(Quote.revision).label("revision")).where(
        col(Quote.number).in_(set(numbers))).group_by(col(Quote.number)).subquery()
    rows = session.exec(select(col(Quote.number), col(QuoteItem.product), col(QuoteItem.quantity),
                               col(QuoteItem.unit_price))
                        .join(latest, (col(Quote.number) == latest.c.number)
                              & (col(Quote.revision) == latest.c.revision))
                        .join(QuoteItem, col(QuoteItem.quote_id) == Quote.id)).all()
    amounts: dict[str, dict[str, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for number, product, quantity, unit_price in rows:
        amounts[number][product] += Decimal(unit_price or 0) * quantity
    split = {}
    for number, products in amounts.items():
        whole = sum(products.values())
        split[number] = {p: (a / whole if whole else Decimal(1) / len(products)) for p, a in products.items()}
    return split


def winloss_report(*, session: Session, actor: Actor, process: str | None = None) -> ReportTable:
    """The closed opportunities by outcome (won, lost) and reason: how many, and their amount."""
    sales_access.require_sales_reader(actor)
    groups: dict[tuple[str, str], list] = defaultdict(lambda: [0, Decimal(0)])
    for o in _pipeline(session, actor, process):
        if o.state in ("won", "lost"):
            group = groups[(o.state, o.loss_reason or "—")]
            group[0] += 1
            group[1] += o.amount or Decimal(0)
    sums = [(_(state), reason, count, float(amount))
            for (state, reason), (count, amount) in sorted(groups.items(), key=_won_first)]
    rows: list[list[Cell]] = [list(found) for found in sums]
    columns = [Column("outcome", _("Outcome"), total=Total.LABEL), Column("reason", _("Reason")),
               Column("opportunities", _("Opportunities"), ColumnKind.INT, Total.SUM),
               Column("amount", _("Amount"), ColumnKind.FLOAT, Total.SUM)]
    totals: list[Cell] = [_("Total"), None, sum(found[2] for found in sums), sum(found[3] for found in sums)]
    return ReportTable(name="winloss", title=_("Won and lost by reason"), params=_params(session, process),
                       columns=columns, rows=rows, totals=totals)


def _won_first(item) -> tuple:
    (state, reason), (count, _amount) = item
    return state != "won", -count, reason


def funnel_report(*, session: Session, actor: Actor, process: str | None = None) -> ReportTable:
    """Per open stage of the process: reached, went on to a later stage, conversion and average days there."""
    sales_access.require_sales_reader(actor)
    chosen = process_config.process(session, process)
    order = {s["code"]: i for i, s in enumerate(chosen.stages) if s["outcome"] == "open"}
    won_at = len(order)  # winning is past every open stage
    found = _pipeline(session, actor, chosen.code)
    history = _histories(session, [o.id for o in found])
    furthest: dict[int, int] = {}
    stays: dict[str, list[float]] = defaultdict(list)
    for o in found:
        entries = history.get(o.id, [])
        indexes = [order.get(stage, won_at if o.state == "won" else -1) for stage, _at in entries]
        furthest[o.id] = max(indexes, default=-1)
        for (stage, at), (_next, later) in zip(entries, entries[1:], strict=False):
            stays[stage].append((later - at).total_seconds() / 86400)
    rows: list[list[Cell]] = []
    for stage in (s for s in chosen.stages if s["outcome"] == "open"):
        index = order[stage["code"]]
        reached = sum(1 for f in furthest.values() if f >= index)
        went_on = sum(1 for f in furthest.values() if f > index)
        days = stays.get(stage["code"], [])
        rows.append([pick(stage["names"], stage["code"]), reached, went_on, went_on / reached if reached else None,
                     round(sum(days) / len(days), 2) if days else None])
    columns = [Column("stage", _("Stage")), Column("reached", _("Reached"), ColumnKind.INT),
               Column("went_on", _("Went on"), ColumnKind.INT),
               Column("conversion", _("Conversion"), ColumnKind.PERCENT),
               Column("days", _("Average days in stage"), ColumnKind.FLOAT)]
    return ReportTable(name="funnel", title=_("Sales funnel"), params=_params(session, chosen.code), columns=columns,
                       rows=rows)


def _histories(session: Session, ids: list[int]) -> dict[int, list]:
    """Each opportunity's stages entered, in order: [(stage, at)]."""
    found: dict[int, list] = defaultdict(list)
    for row in session.exec(select(OpportunityStage).where(col(OpportunityStage.opportunity_id).in_(ids))
                            .order_by(col(OpportunityStage.opportunity_id), col(OpportunityStage.id))):
        found[row.opportunity_id].append((row.stage, row.at))
    return found
