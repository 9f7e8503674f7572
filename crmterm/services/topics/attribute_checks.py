"""Checking values typed into an attribute form: types, dictionary items, query lists, customer references,
and the mandatory flags evaluated over the values themselves. Errors are per field, for the form to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.topics import attribute_queries
from crmterm.services.topics.attribute_forms import AttributeForm, Flags, rule_context
from crmterm.services.topics.attribute_values import AMOUNT, BadValue, is_empty, parse, to_text
from crmterm.store import Dictionary, DictionaryItem, Party, config_cache


@dataclass
class CheckedValues:
    values: dict[str, Any]  # typed value (None when empty) of every field of the form
    errors: dict[str, str]  # field code -> message
    flags: dict[str, Flags]

    def raise_first(self) -> None:
        if self.errors:
            code, message = next(iter(self.errors.items()))
            raise ValidationError(code, message)


def defaults(form: AttributeForm) -> dict[str, str | None]:
    return {f.code: f.default for f in form.fields}


def options(*, session: Session, actor: Actor, form: AttributeForm, customer_id: int | None = None,
            context: dict | None = None) -> dict[str, list[tuple[str, str]]]:
    """(code, label) choices of the form's dictionary and query fields; active dictionary items only."""
    return _choices(session, actor, form, customer_id, context)[0]


def _choices(session: Session, actor: Actor, form: AttributeForm, customer_id: int | None,
             context: dict | None) -> tuple[dict[str, list[tuple[str, str]]], dict[str, str]]:
    """The choices, and the message of each query field whose list failed or ran out of time (the form shows
    it next to the field and stays usable)."""
    require(actor, Permission.DIRECTORY_READ)
    items = _dictionary_items(session, {f.dictionary for f in form.fields if f.dictionary})
    found: dict[str, list[tuple[str, str]]] = {}
    failed: dict[str, str] = {}
    for f in form.fields:  # topic_checks makes a dictionary field name its dictionary, a query field its query
        if f.type == "dictionary":
            found[f.code] = [(code, pick(labels, code)) for code, labels in items.get(f.dictionary or "", [])]
        elif f.type == "query":
            try:
                found[f.code] = attribute_queries.run(session, f.query or "", query_params(form, customer_id, context))
            except attribute_queries.ListQueryFailed as error:
                found[f.code], failed[f.code] = [], str(error)
    return found, failed


def query_params(form: AttributeForm, customer_id: int | None, context: dict | None) -> dict[str, Any]:
    """What a list query may bind (list_query_catalogue.PARAMETERS), from the form's context."""
    context = context or {}
    contact, operator = context.get("contact") or {}, context.get("operator") or {}
    return {"customer_id": customer_id, "topic": form.topic, "channel": contact.get("channel"),
            "place": contact.get("place"), "operator": operator.get("login")}


def check_values(*, session: Session, actor: Actor, form: AttributeForm, raw: dict[str, Any],
                 customer_id: int | None = None, context: dict | None = None,
                 fill_defaults: bool = False) -> CheckedValues:
    """Typed values and per-field errors. `fill_defaults` gives fields missing from `raw` their default
    (the CLI); a form sends every field, so an emptied default stays empty."""
    require(actor, Permission.DIRECTORY_READ)
    errors: dict[str, str] = {}
    for code in raw:
        if form.field(code) is None:
            errors[code] = _("not an attribute of topic '{t}'").format(t=form.topic)
    values: dict[str, Any] = {}
    for f in form.fields:
        text = raw.get(f.code, f.default if fill_defaults else None)
        try:
            values[f.code] = parse(f.type, text, pattern=f.pattern, max_length=f.max_length,
                                   decimals=AMOUNT)
        except BadValue as error:
            errors[f.code] = str(error)
            values[f.code] = None
    _check_choices(session, form, values, errors, customer_id, context)
    flags = form.flags(rule_context(form, values, **(context or {})))
    for f in form.fields:
        if flags[f.code].mandatory and f.code not in errors and is_empty(values[f.code]):
            errors[f.code] = _("required")
    ordered = {f.code: errors[f.code] for f in form.fields if f.code in errors}
    ordered.update({c: m for c, m in errors.items() if c not in ordered})
    return CheckedValues(values=values, errors=ordered, flags=flags)


def _check_choices(session: Session, form: AttributeForm, values: dict, errors: dict,
                   customer_id: int | None, context: dict | None) -> None:
    chosen = [f for f in form.fields if values.get(f.code) is not None and f.code not in errors]
    items = _dictionary_items(session, {f.dictionary for f in chosen if f.type == "dictionary" and f.dictionary})
    customers = {values[f.code] for f in chosen if f.type == "customer_ref"}
    known_customers = set(session.exec(select(col(Party.id)).where(col(Party.id).in_(customers))).all()) \
        if customers else set()
    for f in chosen:
        value = values[f.code]
        if f.type == "dictionary" and value not in {code for code, _l in items.get(f.dictionary or "", [])}:
            errors[f.code] = _("'{v}' is not an active item of '{d}'").format(v=value, d=f.dictionary)
        elif f.type == "query":
            try:
                allowed = {code for code, _l in attribute_queries.run(
                    session, f.query or "", query_params(form, customer_id, context))}
            except attribute_queries.ListQueryFailed as error:
                errors[f.code] = str(error)
                continue
            if value not in allowed:
                errors[f.code] = (_("choose the customer first") if customer_id is None
                                  else _("'{v}' is not in the list").format(v=value))
        elif f.type == "customer_ref" and value not in known_customers:
            errors[f.code] = _("no customer number {n}").format(n=value)


def _dictionary_items(session: Session, dictionaries: set[str]) -> dict[str, list[tuple[str, dict]]]:
    if not dictionaries:
        return {}
    return config_cache.cached(session, ("dictionary_items", frozenset(dictionaries)),
                               lambda: _load_dictionary_items(session, dictionaries))


def _load_dictionary_items(session: Session, dictionaries: set[str]) -> dict[str, list[tuple[str, dict]]]:
    rows = session.execute(select_rows(col(Dictionary.code), col(DictionaryItem.code), col(DictionaryItem.labels))
                           .join(Dictionary, col(Dictionary.id) == col(DictionaryItem.dictionary_id))
                           .where(col(Dictionary.code).in_(dictionaries), col(DictionaryItem.active).is_(True))
                           .order_by(col(DictionaryItem.sort_order), col(DictionaryItem.code))).all()
    found: dict[str, list[tuple[str, dict]]] = {}
    for dictionary, code, labels in rows:
        found.setdefault(dictionary, []).append((code, labels))
    return found


@dataclass
class FormPreview:
    """A topic's form filled with sample values: what an agent would see, as the admin preview shows it."""

    form: AttributeForm
    checked: CheckedValues
    choices: dict[str, list[tuple[str, str]]]
    choice_errors: dict[str, str] = field(default_factory=dict)  # query fields whose list failed: why

    def fields(self) -> list[dict[str, Any]]:
        """A row per field with its sample value, flags and problem (`topic form`'s table and JSON)."""
        rows = []
        for group in self.form.groups:
            for f in group.fields:
                flags = self.checked.flags[f.code]
                rows.append({"group": group.label, "code": f.code, "label": f.label, "type": f.type,
                             "from": f.defined_on, "value": to_text(self.checked.values[f.code]),
                             "mandatory": flags.mandatory, "hidden": flags.hidden, "readonly": flags.readonly,
                             "error": self.checked.errors.get(f.code) or self.choice_errors.get(f.code)})
        return rows

    def document(self) -> dict[str, Any]:
        """The document of `crmterm topic form --json` and of the API's `/topics/{topic}/form`."""
        return {"topic": self.form.topic, "path": self.form.path, "type": self.form.inquiry_type,
                "fields": self.fields(), "errors": self.checked.errors}


def sample_values(items: list[str], field: str) -> dict[str, str]:
    """`CODE=VALUE` items (the CLI's repeatable --attr, the API's attr query) as a dict; `field` names the
    option in the error."""
    values = {}
    for item in items:
        code, sep, value = item.partition("=")
        if not sep:
            raise ValidationError(field, _("expected CODE=VALUE, got '{v}'").format(v=item))
        values[code.strip()] = value
    return values


def preview(*, session: Session, actor: Actor, topic: str, raw: dict[str, Any], customer_id: int | None = None,
            fill_defaults: bool = True, context: dict | None = None) -> FormPreview:
    from crmterm.services.topics.attribute_forms import effective_attributes

    form = effective_attributes(session=session, actor=actor, topic=topic)
    checked = check_values(session=session, actor=actor, form=form, raw=raw, customer_id=customer_id,
                           context=context, fill_defaults=fill_defaults)
    choices, failed = _choices(session, actor, form, customer_id, context)
    return FormPreview(form, checked, choices, failed)
