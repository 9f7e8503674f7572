"""How a payer's payment is split over the open invoices of the contracts below it (pure: handed the invoices,
returns the shares), and the `payments:` section of config.yaml that picks the rule.

    payments:
      rule: oldest            # oldest (the default) | proportional
      structure: billing      # the structure whose subtree below the payer is paid for
      payers:                 # a payer's own rule, by its customer number
        "12": proportional

- oldest: the oldest invoice first (by due day, then issue day), across all the contracts, until the money ends.
- proportional: each contract gets a share in proportion to its debt; within a contract its oldest invoice first.
A contract never gets more than it owes (its limit is the open amount of its invoices). Amounts are whole
cents and the shares add up to the amount exactly: proportional shares are rounded down and the cents left over
go to the largest remainders (ties: the contract listed first)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from crmterm.errors import ConfigError, ValidationError
from crmterm.i18n import _
from crmterm.settings import config_section

RULES = ("oldest", "proportional")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class OpenInvoice:
    contract: str
    number: str
    due_on: date
    issued_on: date
    open: Decimal  # what is still owed on it

    @property
    def age(self) -> tuple[date, date, str, str]:
        return self.due_on, self.issued_on, self.contract, self.number


@dataclass(frozen=True)
class PaymentConfig:
    rule: str = "oldest"
    structure: str = "billing"
    payers: dict[str, str] | None = None

    def rule_for(self, payer_id: int, asked: str | None) -> str:
        """The rule given on the command line, else the payer's own, else the default."""
        rule = asked or (self.payers or {}).get(str(payer_id)) or self.rule
        if rule not in RULES:
            raise ValidationError("rule", _("one of: {choices}").format(choices=", ".join(RULES)))
        return rule


def parse_config(raw: dict) -> PaymentConfig:
    rule, structure = str(raw.get("rule") or "oldest"), str(raw.get("structure") or "billing")
    payers = raw.get("payers") or {}
    if rule not in RULES or not isinstance(payers, dict) or any(str(v) not in RULES for v in payers.values()):
        raise ConfigError(f"payments: rules are {', '.join(RULES)} (payments.rule, payments.payers)")
    return PaymentConfig(rule=rule, structure=structure, payers={str(k): str(v) for k, v in payers.items()})


def config_from_file() -> PaymentConfig:
    return parse_config(config_section("payments"))


def _cents(value: Decimal) -> int:
    return int((value / CENT).to_integral_value())


def allocate(invoices: list[OpenInvoice], amount: Decimal, rule: str) -> list[tuple[OpenInvoice, Decimal]]:
    """The shares of `amount` per invoice (only those that get something), oldest first; what they do not take
    is amount minus their sum."""
    owing = sorted((i for i in invoices if i.open > 0), key=lambda i: i.age)
    if rule == "oldest":
        shares = _fill(owing, _cents(amount))
    else:
        shares = _proportional(owing, _cents(amount))
    return [(invoice, Decimal(cents) * CENT) for invoice, cents in shares if cents > 0]


def _fill(owing: list[OpenInvoice], cents: int) -> list[tuple[OpenInvoice, int]]:
    shares = []
    for invoice in owing:
        take = min(cents, _cents(invoice.open))
        shares.append((invoice, take))
        cents -= take
    return shares


def _proportional(owing: list[OpenInvoice], cents: int) -> list[tuple[OpenInvoice, int]]:
    debts: dict[str, int] = {}
    for invoice in owing:
        debts[invoice.contract] = debts.get(invoice.contract, 0) + _cents(invoice.open)
    total = sum(debts.values())
    if total <= cents:
        return _fill(owing, cents)  # everything is paid off; the rest is left over
    exact = {contract: (cents * debt) // total for contract, debt in debts.items()}
    remainders = sorted(debts, key=lambda c: -((cents * debts[c]) % total))  # stable: listed order on ties
    for contract in remainders[:cents - sum(exact.values())]:
        exact[contract] += 1  # floor(x) + 1 <= debt, as x < debt
    shares: list[tuple[OpenInvoice, int]] = []
    for contract, share in exact.items():
        shares += _fill([i for i in owing if i.contract == contract], share)
    return sorted(shares, key=lambda s: s[0].age)
