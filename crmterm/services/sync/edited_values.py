"""The value a user typed to resolve a sync conflict ("edit"), checked and typed like the field it goes into.

A form gives text: numbers (a category, a priority) become ints, phone numbers E.164, lists and names
(JSON columns) are read as JSON (a list also as comma-separated text); text is refused with control characters
(NUL anywhere), over the column's length, or empty where the field may not be. A value that is not text
(from the API or a test) is checked the same way, without parsing. Each refusal names the field, so a dialog
can show it under its input and keep what was typed."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import JSON, Integer, select
from sqlmodel import Session

from crmterm.errors import ValidationError, refuse_control, refuse_nul
from crmterm.i18n import _
from crmterm.services.customers.phones import to_e164
from crmterm.services.sync.journal import MODELS

_REQUIRED = {("party", "display_name"), ("contact_person", "name")}
_MULTILINE = {("inquiry", "text")}
_CHOICES = {("party", "status"): ("active", "closed")}


def typed_value(session: Session, table: str, field: str, raw: Any) -> Any:
    """`raw` as the value of `table.field`: parsed when it is text from a form, refused when it does not fit."""
    model = MODELS[table]
    column = model.__table__.c[field]
    if isinstance(column.type, JSON):
        return _structured_value(field, raw, wants_list=model.model_fields[field].default_factory is list)
    if isinstance(column.type, Integer):
        number = _number(field, raw)
        _check_reference(session, column, field, number)
        return number
    return _text(table, field, raw, getattr(column.type, "length", None), column.nullable)


def _check_reference(session: Session, column: Any, field: str, value: int | None) -> None:
    """A number that points at another table (a category, a priority) must name a row the node holds."""
    if value is None:
        return
    for key in column.foreign_keys:
        if session.execute(select(key.column).where(key.column == value)).first() is None:
            raise ValidationError(field, _("no {target} with id {id}").format(target=key.column.table.name,
                                                                               id=value))


def _text(table: str, field: str, raw: Any, length: int | None, nullable: bool) -> str | None:
    if raw is not None and not isinstance(raw, str):
        raise ValidationError(field, _("text expected"))
    text = (raw or "").strip()
    refuse_nul(field, text)
    refuse_control(field, text, multiline=(table, field) in _MULTILINE)
    if (table, field) in _CHOICES and text not in _CHOICES[(table, field)]:
        raise ValidationError(field, _("one of: {choices}").format(choices=", ".join(_CHOICES[(table, field)])))
    if not text:
        if (table, field) in _REQUIRED:
            raise ValidationError(field, _("must not be empty"))
        return None if nullable else ""
    if length is not None and len(text) > length:
        raise ValidationError(field, _("at most {n} characters").format(n=length))
    if (table, field) == ("party", "phone"):
        return to_e164(text, field)
    if (table, field) == ("party", "email") and ("@" not in text or " " in text):
        raise ValidationError(field, _("not an e-mail address: '{v}'").format(v=text))
    return text


def _number(field: str, raw: Any) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise ValidationError(field, _("a whole number expected"))
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValidationError(field, _("a whole number expected, not '{v}'").format(v=raw)) from None


def _structured_value(field: str, raw: Any, *, wants_list: bool) -> Any:
    value = raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw) if raw.strip()[:1] in ("[", "{") else _comma_list(raw, wants_list, field)
        except json.JSONDecodeError as error:
            raise ValidationError(field, _("not valid JSON: {why}").format(why=error.msg)) from None
    if wants_list and not isinstance(value, list) or not wants_list and not isinstance(value, dict):
        raise ValidationError(field, _("a list expected") if wants_list else _("a mapping expected"))
    items = value if isinstance(value, list) else list(value.values())
    for item in items:
        if not isinstance(item, str):
            raise ValidationError(field, _("text expected"))
        refuse_nul(field, item)
        refuse_control(field, item)
    return value


def _comma_list(raw: str, wants_list: bool, field: str) -> list[str]:
    if not wants_list:
        raise ValidationError(field, _("a mapping expected, such as {example}").format(example='{"en": "…"}'))
    return [part.strip() for part in raw.split(",") if part.strip()]
