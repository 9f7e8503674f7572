"""Attribute values: text typed by a user (or read from YAML/JSON) → a typed value, one parser per type.

The same parsers check an attribute's default at save time and every value on an inquiry form, so an admin
cannot save a default the form would later refuse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from crmterm.i18n import _
from crmterm.store.decimals import BadDecimal, DecimalLimits, checked_decimal
from crmterm.text import control_character

TYPES = ("string", "text", "integer", "decimal", "bool", "date", "datetime", "dictionary", "query",
         "customer_ref")
TEXT_LIMIT = 4000
# Decimals are stored as text and reach rules as floats: 13 digits before the point and 4 after keep every
# value exact in a double, the same on both databases.
SIGNED = DecimalLimits(digits=13, places=4)
AMOUNT = replace(SIGNED, minimum=Decimal(0))


class BadValue(ValueError):
    """A value that does not fit its attribute; the message is shown next to the field."""


def is_empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def parse(kind: str, raw: Any, *, pattern: str | None = None, max_length: int | None = None,
          decimals: DecimalLimits = SIGNED) -> Any:
    """A typed value, or None for an empty one; raises BadValue with a readable message. `decimals` bounds a
    decimal (attribute forms pass AMOUNT: their decimals are amounts, never negative)."""
    if is_empty(raw):
        return None
    _refuse_wrong_json_type(kind, raw)
    if kind == "decimal":
        return _decimal(raw, decimals)
    return _PARSERS[kind](raw, pattern, max_length)


def _refuse_wrong_json_type(kind: str, raw: Any) -> None:
    """A value from JSON or YAML is a scalar of the kind's type: `["a"]` is not the text "['a']", and `true`
    (a Python int) is neither a number nor a customer number."""
    if not isinstance(raw, str | int | float | Decimal | date):
        raise BadValue(_("expected a single value, not a list or an object"))
    if isinstance(raw, bool) and kind != "bool":
        raise BadValue(_("expected a value of type {type}, not yes/no").format(type=kind))


def _string(raw: Any, pattern: str | None, max_length: int | None) -> str:
    text = str(raw).strip()
    limit = max_length or 200
    if len(text) > limit:
        raise BadValue(_("at most {n} characters").format(n=limit))
    found = control_character(text)  # one line: no control characters at all (crmterm/text)
    if found is not None:
        raise BadValue(_("control character U+{code:04X} is not allowed").format(code=ord(found)))
    if pattern and not re.fullmatch(pattern, text):
        raise BadValue(_("does not match the pattern {p}").format(p=pattern))
    return text


def _text(raw: Any, _pattern: str | None, max_length: int | None) -> str:
    text = str(raw).strip()
    if len(text) > (max_length or TEXT_LIMIT):
        raise BadValue(_("at most {n} characters").format(n=max_length or TEXT_LIMIT))
    if "\x00" in text:
        raise BadValue(_("NUL characters are not allowed"))
    return text


def _integer(raw: Any, *_ignored: Any) -> int:
    if isinstance(raw, bool):
        raise BadValue(_("expected a whole number"))
    try:
        return int(str(raw).strip().replace(" ", ""))
    except ValueError:
        raise BadValue(_("expected a whole number")) from None


def _decimal(raw: Any, limits: DecimalLimits) -> Decimal:
    try:
        return checked_decimal(raw, limits)
    except BadDecimal as error:
        raise BadValue(str(error)) from None


def _bool(raw: Any, *_ignored: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in {"true", "yes", "y", "1", "on", "да", "д"}:
        return True
    if text in {"false", "no", "n", "0", "off", "нет", "н"}:
        return False
    raise BadValue(_("expected yes or no"))


def _date(raw: Any, *_ignored: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for fmt in ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise BadValue(_("expected a date, e.g. 2026-11-27 or 27.11.2026"))


def _datetime(raw: Any, *_ignored: Any) -> datetime:
    if isinstance(raw, datetime):
        return raw if raw.tzinfo else raw.replace(tzinfo=UTC)
    text = str(raw).strip().replace("T", " ")
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%d.%m.%Y %H:%M", "%Y-%m-%d %H:%M%z",
                "%Y-%m-%d %H:%M:%S%z"):
        try:
            value = datetime.strptime(text, fmt)
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        except ValueError:
            continue
    raise BadValue(_("expected a date and time, e.g. 2026-11-27 14:30"))


def _code(raw: Any, *_ignored: Any) -> str:
    """Dictionary items and query results are chosen by code; membership is checked by the form."""
    return str(raw).strip()


def _customer_ref(raw: Any, *_ignored: Any) -> int:
    try:
        return int(str(raw).strip())
    except ValueError:
        raise BadValue(_("expected a customer number")) from None


_PARSERS: dict[str, Callable[[Any, str | None, int | None], Any]] = {
    "string": _string, "text": _text, "integer": _integer, "bool": _bool, "date": _date, "datetime": _datetime,
    "dictionary": _code, "query": _code, "customer_ref": _customer_ref}  # decimal: parse() passes its limits


def to_text(value: Any) -> str | None:
    """Canonical text for storage and export (ISO dates, plain decimals, true/false)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def to_cel(value: Any) -> Any:
    """What a rule sees: numbers as numbers, dates as timestamps (so `now` compares), codes as strings."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime.combine(value, time(), tzinfo=UTC)
    return value
