"""One parser for money and other decimals, so both databases hold the same values.

SQLite stores whatever it is given (`inf`, 5,000 digits), PostgreSQL refuses what does not fit NUMERIC(p, s):
the two must agree, so every decimal a user types is checked here before it reaches either. A column's limits
come from the table metadata (`Payment.__table__.c.amount`), never from a copy of its numbers.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Column, Numeric

from crmterm.errors import ValidationError
from crmterm.i18n import _

_LONGEST = 64  # characters of a typed number worth reading; more is a paste accident or an attack
_SPACES = str.maketrans("", "", " \u00a0\u202f\u2009_")  # digit grouping as people type it


class BadDecimal(ValueError):
    """The typed text is not a decimal that fits; the message says why (without the field's name)."""


@dataclass(frozen=True)
class DecimalLimits:
    """`digits` before the point and `places` after it, like NUMERIC(digits + places, places); bounds optional."""

    digits: int
    places: int
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    above_minimum: bool = False  # True: the minimum itself is refused (an amount must be above zero)

    @classmethod
    def of_column(cls, column: Column, **bounds: Any) -> DecimalLimits:
        kind = column.type
        if not isinstance(kind, Numeric) or kind.precision is None:
            raise TypeError(f"{column} is not a NUMERIC(p, s) column")
        places = kind.scale or 0
        return cls(kind.precision - places, places, **bounds)


def to_decimal(raw: Any, limits: DecimalLimits) -> Decimal:
    """`raw` (text, int, float or Decimal — never bool) as a Decimal within `limits`, with exactly
    `limits.places` decimal places; raises BadDecimal."""
    return checked_decimal(raw, limits).quantize(Decimal(1).scaleb(-limits.places))


def checked_decimal(raw: Any, limits: DecimalLimits) -> Decimal:
    """Like `to_decimal` but the value as typed ("1250.50" keeps its trailing zero)."""
    value = _read(raw)
    if value.is_signed() and value.is_zero():
        value = abs(value)  # "-0" is zero
    digits_before = 0 if value.is_zero() else max(value.adjusted() + 1, 0)
    if digits_before > limits.digits:
        raise BadDecimal(_("too large: at most {n} digits before the decimal point").format(n=limits.digits))
    step = Decimal(1).scaleb(-limits.places)
    if value != value.quantize(step):  # exact: the digits are bounded above, so quantize cannot round
        raise BadDecimal(_("at most {n} decimal places").format(n=limits.places))
    _check_bounds(value, limits)
    return value


def _read(raw: Any) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, str | int | float | Decimal):
        raise BadDecimal(_("expected a number"))
    text = str(raw).strip().translate(_SPACES)
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as Russian keyboards type it
    if len(text) > _LONGEST:
        raise BadDecimal(_("too many digits"))
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise BadDecimal(_("expected a number, e.g. 1250.50")) from None
    if not value.is_finite():  # NaN, sNaN, Infinity: no database column can hold them the same way
        raise BadDecimal(_("expected a number, e.g. 1250.50"))
    return value


def _check_bounds(value: Decimal, limits: DecimalLimits) -> None:
    low, high = limits.minimum, limits.maximum
    if low is not None and limits.above_minimum and value <= low:
        raise BadDecimal(_("must be above {n}").format(n=low))
    if low is not None and value < low:
        raise BadDecimal(_("must be at least {n}").format(n=low))
    if high is not None and value > high:
        raise BadDecimal(_("must be at most {n}").format(n=high))


def decimal_field(field: str, raw: Any, limits: DecimalLimits) -> Decimal:
    """`to_decimal` for a service: the error is a ValidationError naming `field`."""
    try:
        return to_decimal(raw, limits)
    except BadDecimal as error:
        raise ValidationError(field, str(error)) from None


def money(field: str, raw: Any, column: Column) -> Decimal:
    """An amount of money for `column`: above zero, within its precision and scale."""
    return decimal_field(field, raw, DecimalLimits.of_column(column, minimum=Decimal(0), above_minimum=True))
