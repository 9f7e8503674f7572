"""A list query's definition checked against the catalogue and compiled to a SQLAlchemy statement.

Every name in a definition (entity, fields, operators, parameters) is looked up in list_query_catalogue; a
name it does not know is refused with the definition's field, so an admin's typo stops at save or import, and
no text of a definition ever becomes SQL. Values are bound parameters."""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, func
from sqlalchemy.sql.elements import ColumnElement

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.topics.list_query_catalogue import ENTITIES, PARAMETERS, Entity, read_value

MAX_LIMIT = 200  # a list an agent picks from; a longer one belongs in a search
OPERATORS: dict[str, Callable[[ColumnElement[Any], Any], ColumnElement[bool]]] = {
    "eq": lambda c, v: c == v, "ne": lambda c, v: c != v, "lt": lambda c, v: c < v, "le": lambda c, v: c <= v,
    "gt": lambda c, v: c > v, "ge": lambda c, v: c >= v, "in": lambda c, v: c.in_(v),
    "not_in": lambda c, v: c.not_in(v),
    "contains": lambda c, v: func.lower(c).contains(str(v).lower(), autoescape=True),
    "starts_with": lambda c, v: func.lower(c).startswith(str(v).lower(), autoescape=True),
    "empty": lambda c, _v: c.is_(None), "not_empty": lambda c, _v: c.is_not(None),
}
_NO_VALUE = ("empty", "not_empty")
_LISTS = ("in", "not_in")
_TEXT_ONLY = ("contains", "starts_with")
_EMPTY_PARENS = re.compile(r"\s*\(\s*\)")


def check_definition(document: dict, _ref_exists: Any = None) -> dict:
    """The document with its query parts checked and normalised (the area's refine hook)."""
    entity = _entity(document.get("entity"))
    filters = [_filter(entity, i, f) for i, f in enumerate(_filter_list(document.get("filters")), start=1)]
    value_field = _field_name(entity, "value_field", document.get("value_field"))
    for name in label_fields(document.get("label") or ""):
        _field_name(entity, "label", name)
    order = ", ".join(_order_terms(entity, document.get("order") or ""))
    limit = MAX_LIMIT if document.get("limit") is None else document["limit"]
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise ValidationError("limit", _("expected a number from 1 to {n}").format(n=MAX_LIMIT))
    return {**document, "filters": filters, "value_field": value_field, "order": order, "limit": limit}


def _entity(name: Any) -> Entity:
    if name not in ENTITIES:
        raise ValidationError("entity", _("unknown entity '{e}' (use one of: {names})").format(
            e=name, names=", ".join(ENTITIES)))
    return ENTITIES[name]


def _field_name(entity: Entity, where: str, name: Any) -> str:
    if not isinstance(name, str) or name not in entity.fields:
        raise ValidationError(where, _("unknown field '{f}' of {entity} (use one of: {names})").format(
            f=name, entity=entity.name, names=", ".join(entity.fields)))
    return name


def _filter_list(raw: Any) -> list:
    if isinstance(raw, str):  # the admin form's one line of YAML (or JSON)
        raw = _parse_yaml(raw)
    if raw in (None, ""):
        return []
    if not isinstance(raw, list) or not all(isinstance(f, dict) for f in raw):
        raise ValidationError("filters", _("expected a list of {field, op, value or param}"))
    return raw


def _parse_yaml(text: str) -> Any:
    import yaml  # here: only a form's typed filters need it

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ValidationError("filters", _("not YAML: {e}").format(e=str(error).splitlines()[0])) from None


def _filter(entity: Entity, number: int, raw: dict) -> dict:
    def refuse(message: str) -> ValidationError:
        return ValidationError("filters", _("filter {n}: {problem}").format(n=number, problem=message))

    unknown = set(raw) - {"field", "op", "value", "param"}
    if unknown:
        raise refuse(_("unknown key '{k}'").format(k=sorted(unknown)[0]))
    try:
        name = _field_name(entity, "filters", raw.get("field"))
    except ValidationError as error:
        raise refuse(error.detail) from None
    op = raw.get("op", "eq")
    if op not in OPERATORS:
        raise refuse(_("unknown operator '{op}' (use one of: {names})").format(op=op, names=", ".join(OPERATORS)))
    if op in _TEXT_ONLY and entity.fields[name].type != "str":
        raise refuse(_("'{op}' compares text; {f} is not text").format(op=op, f=name))
    if op in _NO_VALUE:
        return {"field": name, "op": op}
    if ("value" in raw) == ("param" in raw):
        raise refuse(_("give either a value or a param"))
    if "param" in raw:
        if raw["param"] not in PARAMETERS:
            raise refuse(_("unknown parameter '{p}' (use one of: {names})").format(
                p=raw["param"], names=", ".join(PARAMETERS)))
        return {"field": name, "op": op, "param": raw["param"]}
    _read(entity, name, op, raw["value"], refuse)
    return {"field": name, "op": op, "value": raw["value"]}


def _read(entity: Entity, name: str, op: str, raw: Any, refuse: Callable[[str], ValidationError]) -> Any:
    type_ = entity.fields[name].type
    try:
        if op in _LISTS:
            items = raw if isinstance(raw, list) else [raw]
            return [read_value(type_, item) for item in items]
        return read_value(type_, raw)
    except (TypeError, ValueError):
        raise refuse(_("'{v}' is not a value of {f}").format(v=raw, f=name)) from None


def label_fields(template: str) -> list[str]:
    """The field names a label template uses; only plain {name} placeholders are allowed."""
    try:
        parts = list(string.Formatter().parse(template))
    except ValueError as error:
        raise ValidationError("label", str(error)) from None
    names = []
    for _text, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValidationError("label", _("use plain {{field}} placeholders, got '{{{p}}}'").format(p=name))
        names.append(name)
    return names


def _order_terms(entity: Entity, order: str) -> list[str]:
    terms = [t.strip() for t in order.split(",") if t.strip()]
    for term in terms:
        _field_name(entity, "order", term.removeprefix("-"))
    return terms


def compile_query(definition: dict, params: dict) -> Select[Any] | None:
    """The statement of a checked definition with `params` bound; None when a filter needs a parameter the
    context lacks (a customer's lists are empty until the customer is chosen)."""
    entity = ENTITIES[definition["entity"]]
    names = [definition["value_field"], *label_fields(definition["label"])]
    query = entity.base().add_columns(*(entity.fields[n].column().label(n) for n in dict.fromkeys(names)))
    for item in definition["filters"]:
        value = item.get("value")
        if "param" in item:
            value = params.get(item["param"])
            if value in (None, ""):
                return None
        typed = None if item["op"] in _NO_VALUE else _read(entity, item["field"], item["op"], value, _bad_bound)
        query = query.where(OPERATORS[item["op"]](entity.fields[item["field"]].column(), typed))
    for term in _order_terms(entity, definition.get("order") or ""):
        column = entity.fields[term.removeprefix("-")].column()
        query = query.order_by(column.desc() if term.startswith("-") else column)
    return query.limit(min(int(definition["limit"]), MAX_LIMIT))


def _bad_bound(message: str) -> ValidationError:
    """A parameter from the context that is not a value of its field (a customer number that is text)."""
    return ValidationError("filters", message)


def render(definition: dict, rows: list[Any]) -> list[tuple[str, str]]:
    """(value, label) pairs; an empty field inside parentheses drops them ("Ivan ()" reads "Ivan")."""
    found = []
    for row in rows:
        values = {k: "" if v is None else v for k, v in row._mapping.items()}
        label = _EMPTY_PARENS.sub("", definition["label"].format(**values)).strip()
        found.append((str(values[definition["value_field"]]), label or str(values[definition["value_field"]])))
    return found
