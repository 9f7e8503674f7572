"""Business functions: plugins registered under the entry-point group `crmterm.functions`, each a callable
`fn(*, session, actor, inquiry_id, params) -> str | None` (the text is logged on the inquiry).

A plugin declares its typed parameters with `@business_function(labels=…, params=[Param(…), …])`: the TUI
builds its form from them and every caller (route transition, automation rule, the form) gets the values
typed and checked the same way. A function without the declaration takes its params as given.
Example: crmterm/plugins/balance_sms.py, registered in pyproject.toml.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import inquiry_log
from crmterm.services.topics.attribute_values import BadValue, is_empty, parse
from crmterm.store import Inquiry

GROUP = "crmterm.functions"
PARAM_TYPES = ("string", "text", "integer", "decimal", "bool", "date", "datetime", "choice")


@dataclass(frozen=True)
class Param:
    name: str
    labels: dict[str, str] | str = ""  # {"en": …, "ru": …}: the plugin brings its own translations
    type: str = "string"  # one of PARAM_TYPES
    required: bool = False
    default: Any = None
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Signature:
    labels: dict[str, str] | str
    params: tuple[Param, ...]


_MARK = "crmterm_signature"  # the attribute a declared function carries (a function's own, so set by name)


def business_function(*, labels: dict[str, str] | str, params: list[Param] | tuple[Param, ...] = ()):
    """Declare a plugin's name for people and its typed parameters."""
    def mark(fn: Callable) -> Callable:
        setattr(fn, _MARK, Signature(labels, tuple(params)))
        return fn
    return mark


def _label(labels: dict[str, str] | str, fallback: str) -> str:
    """A plugin's name for people: its translations, or one text for every language."""
    if isinstance(labels, str):
        return labels or fallback
    return pick(labels, fallback)


class ParamRead(BaseModel):
    name: str
    label: str
    type: str
    required: bool
    default: str | None
    choices: list[str]


class FunctionRead(BaseModel):
    name: str
    label: str
    params: list[ParamRead]


class FunctionRun(BaseModel):
    name: str
    inquiry_id: int
    result: str | None


@cache
def registered() -> dict[str, EntryPoint]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load(name: str) -> Callable:
    try:
        return registered()[name].load()
    except KeyError:
        raise NotFound(_("Business function"), name) from None


def signature(fn: Callable) -> Signature | None:
    return getattr(fn, _MARK, None)


def describe(name: str) -> FunctionRead:
    declared = signature(load(name))
    params = [ParamRead(name=p.name, label=_label(p.labels, p.name), type=p.type,
                        required=p.required, default=None if p.default is None else str(p.default),
                        choices=list(p.choices)) for p in (declared.params if declared else ())]
    return FunctionRead(name=name, label=_label(declared.labels, name) if declared else name, params=params)


def available(*, session: Session, actor: Actor) -> list[FunctionRead]:
    """Every installed function that loads (a broken plugin is left out, not fatal), by label."""
    require(actor, Permission.INQUIRIES_READ)
    found = []
    for name in sorted(registered()):
        try:
            found.append(describe(name))
        except Exception:  # noqa: BLE001 - a plugin that fails to import must not take the palette down
            continue
    return sorted(found, key=lambda f: f.label.casefold())


def typed(fn: Callable, params: dict[str, Any], *, computed: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The params typed by the function's declaration; ValidationError names the first bad one. `computed`
    names params whose values are known only when a rule runs (checked then; left as given now)."""
    declared = signature(fn)
    if declared is None:
        return dict(params)
    known = {p.name: p for p in declared.params}
    unknown = sorted(set(params) - set(known))
    if unknown:
        raise ValidationError(unknown[0], _("unknown parameter"))
    return {p.name: params[p.name] if p.name in computed else _typed_value(p, params.get(p.name))
            for p in declared.params}


def _typed_value(param: Param, raw: Any) -> Any:
    if is_empty(raw):
        raw = param.default
    if is_empty(raw):
        if param.required:
            raise ValidationError(param.name, _("required"))
        return None
    if param.type == "choice":
        if str(raw) not in param.choices:
            raise ValidationError(param.name, _("expected one of: {choices}").format(
                choices=", ".join(param.choices)))
        return str(raw)
    try:
        return parse(param.type, raw)
    except BadValue as error:
        raise ValidationError(param.name, str(error)) from None


def call(*, session: Session, actor: Actor, name: str, inquiry_id: int, params: dict[str, Any]) -> str | None:
    """Run a function with typed params (what route transitions and automation rules do)."""
    fn = load(name)
    return fn(session=session, actor=actor, inquiry_id=inquiry_id, params=typed(fn, params))


def run(*, session: Session, actor: Actor, name: str, inquiry_id: int, params: dict[str, Any]) -> FunctionRun:
    """A person runs a function on an inquiry (TUI form, CLI): checked, run, logged on the inquiry."""
    require(actor, Permission.INQUIRIES_WRITE)
    if session.get(Inquiry, inquiry_id) is None:  # before the plugin runs
        raise NotFound(_("Inquiry"), inquiry_id)
    result = call(session=session, actor=actor, name=name, inquiry_id=inquiry_id, params=params)
    inquiry_log.record(session, inquiry_id, actor, "function", text=result or "",
                       data={"function": name, "params": json.loads(json.dumps(params, default=str))})
    return FunctionRun(name=name, inquiry_id=inquiry_id, result=result)
