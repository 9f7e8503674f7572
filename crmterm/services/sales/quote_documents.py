"""A quote as a document: exported like a report (XLSX, HTML, RTF, CSV, JSON through the report exporters)
and two revisions compared item by item."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor
from crmterm.services.reports import exports
from crmterm.services.reports.report_table import Cell, Column, ColumnKind, ReportTable, Total
from crmterm.services.sales import pricing, quote_views, sales_access
from crmterm.services.sales.quote_views import QuoteLine, QuoteRead


class Difference(BaseModel):
    what: str  # added | removed | quantity | manual_discount | unit_price | total | valid_until | price_list
    product: str  # the item's product, empty for the quote itself
    before: str
    after: str


def _readable(session: Session, actor: Actor, quote_id: int) -> QuoteRead:
    quote = quote_views.quote_row(session, quote_id)
    sales_access.check_reads(actor, quote.owner_id)
    return quote_views.read_quote(session, quote)


def compare_quotes(*, session: Session, actor: Actor, quote_id: int, other_id: int) -> list[Difference]:
    """What changed from `quote_id` to `other_id` (usually two revisions of one quote), items by product."""
    sales_access.require_sales_reader(actor)
    before, after = _readable(session, actor, quote_id), _readable(session, actor, other_id)
    found = [Difference(what=what, product="", before=str(old), after=str(new)) for what, old, new in (
        ("valid_until", before.valid_until, after.valid_until), ("price_list", before.price_list, after.price_list),
        ("total", before.total, after.total)) if old != new]
    old_lines, new_lines = _by_product(before.lines), _by_product(after.lines)
    for product in sorted(old_lines.keys() - new_lines.keys()):
        found.append(Difference(what="removed", product=product, before=str(old_lines[product].quantity), after=""))
    for product in sorted(new_lines.keys() - old_lines.keys()):
        found.append(Difference(what="added", product=product, before="", after=str(new_lines[product].quantity)))
    for product in sorted(old_lines.keys() & new_lines.keys()):
        old, new = old_lines[product], new_lines[product]
        found += [Difference(what=name, product=product, before=str(getattr(old, name)), after=str(getattr(new, name)))
                  for name in ("quantity", "manual_discount", "unit_price") if getattr(old, name) != getattr(new, name)]
    return found


def _by_product(lines: list[QuoteLine]) -> dict[str, QuoteLine]:
    """Items by product; a product twice in a quote is told apart by its position."""
    found: dict[str, QuoteLine] = {}
    for line in lines:
        key = line.product if line.product not in found else f"{line.product}#{line.position}"
        found[key] = line
    return found


def quote_table(quote: QuoteRead) -> ReportTable:
    """The quote in the one shape every exporter writes."""
    money = ColumnKind.FLOAT
    columns = [Column("position", _("No."), ColumnKind.INT), Column("product", _("Code")),
               Column("name", _("Name"), total=Total.LABEL), Column("quantity", _("Quantity"), ColumnKind.INT),
               Column("unit", _("Unit")), Column("unit_price", _("Unit price"), money),
               Column("list_amount", _("List amount"), money, Total.SUM),
               Column("discount", _("Discount, %"), money), Column("net", _("Net"), money, Total.SUM),
               Column("tax", _("Tax"), money, Total.SUM), Column("total", _("Total"), money, Total.SUM)]
    rows: list[list[Cell]] = [[line.position, line.product, line.name, line.quantity, line.unit,
             float(line.unit_price) if line.unit_price is not None else None, float(line.list_amount),
             float(pricing.combined([line.structural_discount, line.manual_discount])), float(line.net),
             float(line.tax), float(line.total)] for line in quote.lines]
    totals: list[Cell] = [None, None, _("Total"), None, None, None, float(quote.list_amount), None, float(quote.net),
              float(quote.tax), float(quote.total)]
    params = {_("Customer"): quote.customer, _("Valid until"): quote.valid_until.isoformat(),
              _("State"): quote.state, _("Price list"): quote.price_list,
              _("Currency"): quote.currency, _("Tax rate, %"): str(quote.tax_rate),
              _("Total"): quote.total_text}
    if quote.discounts:
        params[_("Discounts")] = "; ".join(quote.discounts)
    title = _("Quote {number}, revision {revision}").format(number=quote.number, revision=quote.revision)
    return ReportTable(name="quote", title=title, params=params, columns=columns, rows=rows, totals=totals)


def export_quote(*, session: Session, actor: Actor, quote_id: int, fmt: str, out: Path,
                 source: str = "tui") -> QuoteRead:
    """Write the quote to `out` as `fmt` (exports.FORMATS), audited like a report export."""
    sales_access.require_sales_reader(actor)
    quote = _readable(session, actor, quote_id)
    exports.write_report(quote_table(quote), fmt, out)
    audit.record(session, actor, "export", "quote", quote.number, source=source,
                 after={"revision": quote.revision, "format": fmt.lower(), "file": str(out)})
    return quote
