"""Turning a user's values for a directory entry into clean, typed values — one rule per field type."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from zoneinfo import available_timezones

from crmterm.errors import ValidationError, refuse_control, refuse_controls_within
from crmterm.i18n import _
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.settings import LANGUAGES
from crmterm.workflow import rules

_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
RefExists = Callable[[str, str], bool]  # (kind name, code) -> known?


def clean_values(kind: Kind, values: dict, ref_exists: RefExists) -> dict:
    """Every field of `kind` validated and normalised; raises ValidationError naming the first bad field."""
    unknown = set(values) - {f.name for f in kind.all_fields}
    if unknown:
        raise ValidationError(sorted(unknown)[0], _("unknown field"))
    document = {spec.name: _clean(spec, values.get(spec.name), ref_exists) for spec in kind.all_fields}
    if kind.code_pattern and not re.match(kind.code_pattern, document["code"]):
        raise ValidationError("code", _("use Latin letters, digits and '_', starting with a letter"))
    return kind.refine(document, ref_exists) if kind.refine else document


def _clean(spec: FieldSpec, raw: Any, ref_exists: RefExists) -> Any:
    if raw is None or raw == "" or raw == [] or raw == {}:
        if spec.required:
            raise ValidationError(spec.name, _("required"))
        return list(spec.default) if isinstance(spec.default, tuple) else spec.default
    return _CLEANERS[spec.type](spec, raw, ref_exists)


def _str(spec: FieldSpec, raw: Any, _refs: RefExists) -> str:
    if not _is_scalar(raw):
        raise ValidationError(spec.name, _("expected text"))
    text = str(raw).strip()
    refuse_control(spec.name, text)
    if len(text) > spec.max_length:
        raise ValidationError(spec.name, _("at most {n} characters").format(n=spec.max_length))
    if spec.name == "code" and not _CODE.match(text):
        raise ValidationError(spec.name, _("use letters, digits, '_', '-' or '.'"))
    return text


def _is_scalar(raw: Any) -> bool:
    """Text, or a number YAML read from unquoted digits — never a list, a mapping or yes/no."""
    return isinstance(raw, str | int | float) and not isinstance(raw, bool)


def _int(spec: FieldSpec, raw: Any, _refs: RefExists) -> int:
    if not _is_scalar(raw):
        raise ValidationError(spec.name, _("expected a whole number"))
    try:
        return int(str(raw).strip())
    except ValueError:
        raise ValidationError(spec.name, _("expected a whole number")) from None


def _bool(spec: FieldSpec, raw: Any, _refs: RefExists) -> bool:
    if isinstance(raw, bool):
        return raw
    if not isinstance(raw, str | int):
        raise ValidationError(spec.name, _("expected yes or no"))
    text = str(raw).strip().lower()
    if text in {"true", "yes", "1", "on", "да"}:
        return True
    if text in {"false", "no", "0", "off", "нет"}:
        return False
    raise ValidationError(spec.name, _("expected yes or no"))


def _choice(spec: FieldSpec, raw: Any, _refs: RefExists) -> str:
    if not isinstance(raw, str) or raw not in spec.choices:
        raise ValidationError(spec.name, _("expected one of: {choices}").format(choices=", ".join(spec.choices)))
    return raw


def _ref(spec: FieldSpec, raw: Any, ref_exists: RefExists) -> str:
    code = _str(spec, raw, ref_exists)
    if not ref_exists(spec.ref_kind, code):
        raise ValidationError(spec.name, _("unknown reference '{code}'").format(code=code))
    return code


def _list(raw: Any, spec: FieldSpec) -> list[str]:
    items = raw.split(",") if isinstance(raw, str) else raw
    if not isinstance(items, list | tuple):
        raise ValidationError(spec.name, _("expected a list"))
    if not all(_is_scalar(i) for i in items):
        raise ValidationError(spec.name, _("expected a list of codes or texts, not nested lists or objects"))
    seen: list[str] = []
    for item in (str(i).strip() for i in items):
        if item and item not in seen:
            seen.append(item)
    return seen


def _refs(spec: FieldSpec, raw: Any, ref_exists: RefExists) -> list[str]:
    codes = _list(raw, spec)
    for code in codes:
        if not ref_exists(spec.ref_kind, code):
            raise ValidationError(spec.name, _("unknown reference '{code}'").format(code=code))
    return codes


def _emails(spec: FieldSpec, raw: Any, _refs: RefExists) -> list[str]:
    emails = _list(raw, spec)
    for email in emails:
        if not _EMAIL.match(email):
            raise ValidationError(spec.name, _("not an e-mail address: '{v}'").format(v=email))
    return emails


def _tz(spec: FieldSpec, raw: Any, _refs: RefExists) -> str:
    if not isinstance(raw, str) or raw not in _time_zones():
        raise ValidationError(spec.name, _("unknown time zone '{v}'").format(v=raw))
    return raw


def _time_zones() -> set[str]:
    global _ZONES
    if _ZONES is None:
        _ZONES = available_timezones() | {"UTC"}
    return _ZONES


_ZONES: set[str] | None = None


def _labels(spec: FieldSpec, raw: Any, _refs: RefExists) -> dict[str, str]:
    if isinstance(raw, str):
        raw = {"en": raw}
    if not isinstance(raw, dict):
        raise ValidationError(spec.name, _("expected names by language, e.g. en: …, ru: …"))
    if not all(isinstance(v, str | None) for v in raw.values()):
        raise ValidationError(spec.name, _("expected text"))
    labels = {str(k): v.strip() for k, v in raw.items() if v is not None and v.strip()}
    for language, label in labels.items():
        refuse_control(f"{spec.name}.{language}", label)
    for language in labels:
        if language not in LANGUAGES and len(language) != 2:
            raise ValidationError(spec.name, _("unknown language '{lang}'").format(lang=language))
    if not labels:
        raise ValidationError(spec.name, _("required"))
    return dict(sorted(labels.items()))


def _text(spec: FieldSpec, raw: Any, _refs: RefExists) -> str:
    if not _is_scalar(raw):
        raise ValidationError(spec.name, _("expected text"))
    text = str(raw).strip()
    refuse_control(spec.name, text, multiline=True)
    if len(text) > spec.max_length:
        raise ValidationError(spec.name, _("at most {n} characters").format(n=spec.max_length))
    return text


def _rule(spec: FieldSpec, raw: Any, ref_exists: RefExists) -> str:
    return rule_text(spec.name, _text(spec, raw, ref_exists) if not isinstance(raw, bool) else raw, ref_exists)


def _regex(spec: FieldSpec, raw: Any, ref_exists: RefExists) -> str:
    text = _text(spec, raw, ref_exists)
    try:
        re.compile(text)
    except re.error as error:
        raise ValidationError(spec.name, _("not a valid pattern: {e}").format(e=error)) from None
    return text


def _yaml(spec: FieldSpec, raw: Any, _refs: RefExists) -> Any:
    refuse_controls_within(spec.name, raw)
    return raw  # structure checked by the area's refine hook, which knows what it should hold


_CLEANERS = {"text": _text, "rule": _rule, "regex": _regex, "yaml": _yaml, "document": _yaml, "str": _str, "int": _int,
             "bool": _bool, "choice": _choice, "ref": _ref, "refs": _refs, "emails": _emails, "tz": _tz,
             "labels": _labels}


def rule_text(field: str, raw: Any, ref_exists) -> str:
    """A flag as CEL text, with syntax, variables and attribute codes checked."""
    text = rules.normalise(raw)

    def known(owner: str, code: str) -> bool:
        return ref_exists("attributes" if owner == "inquiry" else "customer_attributes", code)

    found = rules.problems(text, known)
    if found:
        raise ValidationError(field, str(found[0]))
    return text


def live_rule_problem(raw: str) -> str | None:
    """Syntax and variables of a rule as an admin types it (attribute codes are checked on save)."""
    found = rules.problems(rules.normalise(raw))
    return str(found[0]) if found else None
