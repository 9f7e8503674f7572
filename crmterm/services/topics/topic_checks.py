"""Rules across fields of topics, attributes and templates (hooks of their directory areas)."""

from __future__ import annotations

from typing import Any

import yaml
from sqlmodel import Session, col, func, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.directory.validation import rule_text
from crmterm.services.topics.attribute_values import AMOUNT, BadValue, parse, to_text
from crmterm.store import AttributeDef, ContactTemplate, Inquiry, Place, PlaceType, SalesOrderType, Topic

OVERRIDABLE = ("default", "mandatory", "hidden", "readonly", "active")
MAX_SHORT_CODE = 999


# --- topics -------------------------------------------------------------------------------------------

def refine_topic(document: dict, _ref_exists) -> dict:
    if not 1 <= document["short_code"] <= MAX_SHORT_CODE:
        raise ValidationError("short_code", _("between 1 and {n}").format(n=MAX_SHORT_CODE))
    if document["parent"] == document["code"]:
        raise ValidationError("parent", _("a topic cannot be its own parent"))
    if document.get("attachment_max_kb") is not None and document["attachment_max_kb"] <= 0:
        raise ValidationError("attachment_max_kb", _("a positive number of KB, or empty"))
    return document


def _tree(session: Session) -> dict[str, tuple[int, str | None]]:
    """code -> (short code, parent code) of every topic: configuration, a few hundred rows."""
    rows = session.exec(select(Topic.id, Topic.code, Topic.parent_id, Topic.short_code)).all()
    code_of = {pk: code for pk, code, _p, _s in rows}
    return {code: (short, code_of.get(parent)) for _pk, code, parent, short in rows}


def with_descendants(rows, root_id: int) -> list[int]:
    """The topic `root_id` and every topic below it, from rows with `id` and `parent_id` (the topic tree is
    configuration: small, read whole)."""
    children: dict[int | None, list[int]] = {}
    for row in rows:
        children.setdefault(row.parent_id, []).append(row.id)
    found, todo = [], [root_id]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def ancestors(tree: dict[str, tuple[int, str | None]], code: str | None) -> list[str]:
    found: list[str] = []
    while code is not None and code not in found:
        found.append(code)
        code = tree.get(code, (0, None))[1]
    return found


def check_topic(session: Session, document: dict, before: dict | None) -> None:
    tree = _tree(session)
    own = before["code"] if before else None
    if own is not None and own in ancestors(tree, document["parent"]):
        raise ValidationError("parent", _("'{p}' lies under '{t}': moving there would make a loop").format(
            p=document["parent"], t=own))
    for code, (short, parent) in tree.items():
        if code != own and parent == document["parent"] and short == document["short_code"]:
            raise ValidationError("short_code", _("numeric code {n} is taken by '{c}' on this level").format(
                n=short, c=code))


def topic_in_use(session: Session, row: Topic) -> str | None:
    if session.exec(select(func.count()).where(Topic.parent_id == row.id)).one():
        return _("it has sub-topics")
    if session.exec(select(func.count()).where(AttributeDef.topic_id == row.id)).one():
        return _("attributes are defined on it")
    for template in session.exec(select(ContactTemplate)):
        if row.code in template.topics or template.default_topic_id == row.id:
            return _("template '{t}' offers it").format(t=template.code)
    if session.exec(select(Inquiry.id).where(Inquiry.topic_id == row.id).limit(1)).first() is not None:
        return _("inquiries were registered on it (deactivate it instead)")
    order_type = session.exec(select(SalesOrderType.code).where(SalesOrderType.topic == row.code)).first()
    if order_type is not None:  # its orders' inquiries would have no route
        return _("order type '{t}' is handled on it").format(t=order_type)
    return None


# --- attributes ---------------------------------------------------------------------------------------

def refine_attribute(document: dict, ref_exists) -> dict:
    kind = document["type"]
    if kind == "dictionary" and not document["dictionary"]:
        raise ValidationError("dictionary", _("required for a dictionary attribute"))
    if kind == "query" and not document["query"]:
        raise ValidationError("query", _("required for a query attribute"))
    if kind == "query" and not ref_exists("list_queries", document["query"]):
        raise ValidationError("query", _("no list query '{code}' is configured").format(code=document["query"]))
    document["default"] = _default(document, document["default"], "default", ref_exists)
    document["overrides"] = _overrides(document, ref_exists)
    return document


def _default(document: dict, raw: Any, field: str, ref_exists) -> str | None:
    try:
        value = parse(document["type"], raw, pattern=document["pattern"], max_length=document["max_length"],
                      decimals=AMOUNT)
    except BadValue as error:
        raise ValidationError(field, str(error)) from None
    if value is None:
        return None
    if document["type"] == "dictionary" and not ref_exists("dictionary_items", f"{document['dictionary']}/{value}"):
        raise ValidationError(field, _("'{v}' is not an item of dictionary '{d}'").format(
            v=value, d=document["dictionary"]))
    return to_text(value)


def _overrides(document: dict, ref_exists) -> dict:
    raw = document["overrides"] or {}
    if isinstance(raw, str):
        try:
            raw = yaml.safe_load(raw) or {}
        except yaml.YAMLError as error:
            raise ValidationError("overrides", _("not valid YAML: {e}").format(e=str(error).splitlines()[0]))
    if not isinstance(raw, dict):
        raise ValidationError("overrides", _("expected topic: {default: …, mandatory: …}"))
    clean: dict[str, dict] = {}
    for topic, changes in raw.items():
        if not ref_exists("topics", str(topic)):
            raise ValidationError("overrides", _("unknown topic '{t}'").format(t=topic))
        if not isinstance(changes, dict) or set(changes) - set(OVERRIDABLE):
            raise ValidationError("overrides", _("topic '{t}': only {names} can be overridden").format(
                t=topic, names=", ".join(OVERRIDABLE)))
        clean[str(topic)] = _override(document, str(topic), changes, ref_exists)
    return dict(sorted(clean.items()))


def _override(document: dict, topic: str, changes: dict, ref_exists) -> dict:
    clean: dict[str, Any] = {}
    for name, raw in changes.items():
        where = f"overrides.{topic}.{name}"
        if name == "default":
            clean[name] = _default(document, raw, where, ref_exists)
        elif name == "active":
            if not isinstance(raw, bool):
                raise ValidationError(where, _("expected yes or no"))
            clean[name] = raw
        else:
            clean[name] = rule_text(where, raw, ref_exists)
    return clean


def check_attribute(session: Session, document: dict, before: dict | None) -> None:
    if before is not None and before["type"] != document["type"]:
        raise ValidationError("type", _("the type of an attribute cannot change; add a new attribute"))
    tree = _tree(session)
    for topic in document["overrides"]:
        if document["topic"] not in ancestors(tree, topic)[1:]:
            raise ValidationError("overrides", _("'{t}' is not below '{a}', where the attribute is defined")
                                  .format(t=topic, a=document["topic"]))


# --- templates ----------------------------------------------------------------------------------------

def refine_template(document: dict, _ref_exists) -> dict:
    for default, allowed in (("default_place", "places"), ("default_topic", "topics"),
                             ("default_client_category", "client_categories")):
        if document[default] and document[allowed] and document[default] not in document[allowed]:
            raise ValidationError(default, _("not among the allowed ones"))
    return document


def check_template(session: Session, document: dict, before: dict | None) -> None:
    taken = session.exec(select(ContactTemplate.code).where(
        ContactTemplate.short_code == document["short_code"])).all()
    if any(code != (before or {}).get("code") for code in taken):
        raise ValidationError("short_code", _("numeric code {n} is taken by '{c}'").format(
            n=document["short_code"], c=taken[0]))
    if not document["place_type"]:
        return
    place_type = session.exec(select(PlaceType).where(PlaceType.code == document["place_type"])).one()
    places = [document["default_place"], *document["places"]]
    types = dict(session.exec(select(Place.code, Place.place_type_id).where(col(Place.code).in_(
        [p for p in places if p])).order_by(Place.code)).all())
    for code, type_id in types.items():
        if type_id != place_type.id:
            raise ValidationError("places", _("'{p}' is not a place of type '{t}'").format(
                p=code, t=place_type.code))
    if place_type.direction not in ("both", document["direction"]):
        raise ValidationError("direction", _("places of type '{t}' only take '{d}' contacts").format(
            t=place_type.code, d=place_type.direction))
    if document["channel"] and place_type.channels and document["channel"] not in place_type.channels:
        raise ValidationError("channel", _("not allowed for places of type '{t}'").format(t=place_type.code))


def group_in_use(session: Session, row) -> str | None:
    if session.exec(select(func.count()).where(AttributeDef.group_id == row.id)).one():
        return _("attributes belong to it")
    return None

