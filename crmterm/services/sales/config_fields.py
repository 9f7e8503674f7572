"""Field checks shared by the sales sections of config as code: codes, names by language, dates, percentages,
money, and a reference to another sales entry (in the file being imported or already in the database)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

from sqlmodel import Session, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.directory.validation import RefExists

_CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")


def fields(values: dict, allowed: set[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(str(sorted(unknown, key=str)[0]), _("unknown field"))


def code(values: dict, field: str = "code") -> str:
    value = values.get(field)
    if not isinstance(value, str) or not value:
        raise ValidationError(field, _("required"))
    if not _CODE.match(value) or len(value) > 64:
        raise ValidationError(field, _("use Latin letters, digits and '_', starting with a letter"))
    return value


def names(values: dict, field: str = "names") -> dict[str, str]:
    raw = values.get(field) or {}
    if not isinstance(raw, dict) or not all(isinstance(v, str) for v in raw.values()):
        raise ValidationError(field, _("expected names by language, e.g. en: …, ru: …"))
    return {str(k): v.strip() for k, v in sorted(raw.items(), key=lambda kv: str(kv[0])) if v.strip()}


def day(values: dict, field: str, required: bool = False) -> date | None:
    raw = values.get(field)
    if raw in (None, ""):
        if required:
            raise ValidationError(field, _("required"))
        return None
    if isinstance(raw, date):
        return raw
    try:
        return date.fromisoformat(str(raw))
    except ValueError:
        raise ValidationError(field, _("expected a date YYYY-MM-DD")) from None


def iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def decimal(raw: object, field: str, *, maximum: Decimal | None = None) -> Decimal:
    if isinstance(raw, bool) or not isinstance(raw, int | float | str | Decimal):
        raise ValidationError(field, _("expected a number"))
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        raise ValidationError(field, _("expected a number")) from None
    if not value.is_finite() or value < 0 or (maximum is not None and value > maximum):
        raise ValidationError(field, _("expected a number from 0 to {max}").format(max=maximum or "…"))
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError(field, _("at most two decimals"))
    return value.quantize(Decimal("0.01"))


def money_text(value: Decimal) -> str:
    return f"{value:.2f}"


def known(session: Session, ref_exists: RefExists, section: str, model, value: str) -> bool:
    """A sales entry named in the file being imported, or already in the database."""
    try:
        if ref_exists(section, value):
            return True
    except NotFound:  # not a directory area: the file's codes were checked first, now the table
        pass
    return session.exec(select(model.id).where(model.code == value)).first() is not None
