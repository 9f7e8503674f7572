"""A billing block in words, the same on the card and in `crmterm billing show`: one summary line (balance,
overdue, credit limit, services) or why there is none, then the last invoices and payments."""

from __future__ import annotations

from decimal import Decimal

from babel.numbers import format_currency

from crmterm.i18n import _, current_language, fmt_date, fmt_datetime
from crmterm.services.billing.accounts import BillingBlock


def money(value: Decimal | None, currency: str) -> str:
    return "—" if value is None else format_currency(value, currency, locale=current_language())


def summary(block: BillingBlock) -> str:
    if not block.available:
        return _("Billing unavailable since {since}: {problem}").format(
            since=fmt_datetime(block.unavailable_since), problem=block.problem)
    if not block.known:
        return _("Billing has no account for this customer.")
    text = _("Balance {balance} · overdue {overdue} · credit limit {limit}").format(
        balance=money(block.balance, block.currency), overdue=money(block.overdue, block.currency),
        limit=money(block.credit_limit, block.currency))
    services = ", ".join(s.name for s in block.services)
    return f"{text} · {services}" if services else text


def debt_warning(block: BillingBlock) -> str | None:
    """What the card's title adds for a customer in debt (None: not in debt, or billing unknown)."""
    if not block.available or not block.known or not block.in_debt:
        return None
    return _("debt {amount}").format(amount=money(block.overdue or -(block.balance or Decimal(0)), block.currency))


def detail_lines(block: BillingBlock, limit: int | None = None) -> list[str]:
    """One short line per invoice (newest first, the overdue ones marked), then one per payment."""
    lines = [_("{number}: {amount} due {due}, paid {paid}{overdue}").format(
        number=i.number, due=fmt_date(i.due_on, short=True), amount=money(i.amount, block.currency),
        paid=money(i.paid, block.currency), overdue=" · " + _("overdue") if i.overdue else "")
        for i in block.invoices[:limit]]
    lines += [_("Payment {reference}: {amount} on {day}").format(
        day=fmt_date(p.paid_on, short=True), amount=money(p.amount, block.currency), reference=p.reference)
        for p in block.payments[:limit]]
    return lines
