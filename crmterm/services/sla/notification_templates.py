"""Notification texts: Jinja2 templates per event kind and language (crmterm/templates/notifications/README.md).

The environment is sandboxed and immutable — admins will edit these templates, and a template must not reach
Python internals or change the data it is given — and autoescapes the HTML parts only. A template that fails
to render does not stop the work that raised the event: the notification gets a plain fallback text and the
error, so an admin sees it in `crmterm notify list`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from babel.dates import format_datetime
from markupsafe import Markup, escape

from crmterm.errors import ValidationError
from crmterm.i18n import _

if TYPE_CHECKING:  # Jinja is imported where a template is rendered: every command imports this module
    from jinja2.sandbox import ImmutableSandboxedEnvironment

TEMPLATE_ROOT = Path(__file__).resolve().parents[2] / "templates" / "notifications"
FALLBACK_LANGUAGE = "en"
SUBJECT_LENGTH = 300


@dataclass(frozen=True)
class Rendered:
    template: str  # e.g. "inquiry_transition/ru": which files were used
    subject: str
    text: str
    html: str | None
    error: str | None = None  # set when the template failed and the fallback text was used


def _label(context, value: object) -> str:
    """A {en: …, ru: …} dict in the template's language."""
    language = context.get("lang", FALLBACK_LANGUAGE)
    if isinstance(value, dict):
        return str(value.get(language) or value.get(FALLBACK_LANGUAGE) or next(iter(value.values()), ""))
    return "" if value is None else str(value)


def _when(context, given: object) -> str:
    """An ISO date-time (as stored in the JSON data) in UTC, formatted for the template's language."""
    language = context.get("lang", FALLBACK_LANGUAGE)
    value = given
    if isinstance(given, str):
        try:
            value = datetime.fromisoformat(given)
        except ValueError:
            return given
    if isinstance(value, datetime):
        return format_datetime(value, format="yyyy-MM-dd HH:mm", tzinfo=UTC, locale=language) + " UTC"
    return "" if value is None else str(value)


def _br(value: object) -> Markup:
    return Markup("<br>\n").join(escape(line) for line in str(value or "").splitlines())


@lru_cache(maxsize=8)
def _environment(roots: tuple[Path, ...]) -> ImmutableSandboxedEnvironment:
    from jinja2 import FileSystemLoader, pass_context, select_autoescape
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    environment = ImmutableSandboxedEnvironment(
        loader=FileSystemLoader([str(root) for root in roots]),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)
    environment.filters.update(br=_br, label=pass_context(_label), when=pass_context(_when))  # read the lang
    return environment


def events(roots: tuple[Path, ...] = (TEMPLATE_ROOT,)) -> list[str]:
    """The event kinds that have templates."""
    return sorted({p.name for root in roots if root.is_dir() for p in root.iterdir() if p.is_dir()})


def render(event: str, language: str, data: dict, *, recipient: dict | None = None,
           roots: tuple[Path, ...] = (TEMPLATE_ROOT,)) -> Rendered:
    """Subject, text and HTML of `event` in `language` (English when that language has no templates)."""
    if event not in events(roots):
        raise ValidationError("event", _("no notification templates for '{event}' (known: {known})").format(
            event=event, known=", ".join(events(roots))))
    from jinja2 import TemplateError

    environment = _environment(roots)
    language = language if _exists(environment, f"{event}/{language}.subject") else FALLBACK_LANGUAGE
    context = {**data, "lang": language, "recipient": recipient or {}}
    name = f"{event}/{language}"
    try:
        subject = environment.get_template(f"{name}.subject").render(context)
        text = environment.get_template(f"{name}.txt").render(context).strip() + "\n"
        html = environment.get_template(f"{name}.html").render(context).strip() \
            if _exists(environment, f"{name}.html") else None
    except (TemplateError, ArithmeticError, TypeError, ValueError, LookupError) as error:
        return _fallback(name, event, data, f"{type(error).__name__}: {error}")
    return Rendered(name, one_line(subject), text, html)


def one_line(subject: str) -> str:
    """A header value: no line breaks (they would start new headers), within the column's length."""
    return re.sub(r"\s+", " ", subject).strip()[:SUBJECT_LENGTH]


def _exists(environment: ImmutableSandboxedEnvironment, name: str) -> bool:
    from jinja2 import TemplateNotFound

    try:
        environment.get_template(name)
    except TemplateNotFound:
        return False
    return True


def _fallback(name: str, event: str, data: dict, error: str) -> Rendered:
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str)
    return Rendered(name, one_line(f"crmterm: {event}"), text + "\n", None, error=error[:1000])
