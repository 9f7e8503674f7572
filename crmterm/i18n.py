"""Translations from the Babel catalogues in locales/, switchable at run time.

Catalogues are read from the .po files directly (compiled in memory on first use), so a checkout never runs
with stale .mo files and there is no build step. `N_` marks a string for extraction only; it is translated
where it is shown.

The language is the process's (`set_language`: the TUI, the CLI) unless `language_for_request` overrides it
in the current context: a server that answers customers in several languages at once (the portal) cannot
switch a process-wide value per request without one request's language leaking into another's messages. The
override is a context variable, so a thread or task sees only its own; the process's language stays the
default, since Textual's thread workers do not inherit context variables.
"""

from __future__ import annotations

import gettext as _gettext
import io
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton, format_time
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_decimal
from babel.units import format_unit

from crmterm.locations import resource_dir

DOMAIN = "crmterm"
_current = "en"
_override: ContextVar[str | None] = ContextVar("crmterm_language", default=None)


@lru_cache(maxsize=None)
def _translations(language: str) -> _gettext.NullTranslations:
    po_file = resource_dir("locales") / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_file.is_file():
        return _gettext.NullTranslations()
    with po_file.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return _gettext.GNUTranslations(buffer)


def set_language(language: str) -> None:
    global _current
    _current = language


def current_language() -> str:
    return _override.get() or _current


@contextmanager
def language_for_request(language: str) -> Iterator[str]:
    """Messages and formats in `language` within the block, for this context only (one request of a server
    serving several languages at once); the process's language is left alone."""
    token = _override.set(language)
    try:
        yield language
    finally:
        _override.reset(token)


def _(message: str) -> str:
    return _translations(current_language()).gettext(message)


gettext = _


def ngettext(singular: str, plural: str, n: int) -> str:
    return _translations(current_language()).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark for extraction; translate later with `_()` where it is displayed."""
    return message


def language_name(language: str) -> str:
    return (Locale.parse(language).get_display_name(language) or language).capitalize()


def fmt_date(value: date | None, *, short: bool = False) -> str:
    """The one date-only format: the language's medium form ("Nov 20, 2026"), or its short form where a list
    has little room ("11/20/26", "20.11.2026"); a datetime counts by its local day."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = (value.astimezone() if value.tzinfo else value).date()
    return format_date(value, format="short" if short else "medium", locale=current_language())


def fmt_datetime(value: datetime | None, *, without_year: bool = False) -> str:
    """The one date-and-time format of every screen: the language's short form, in local time (the database
    holds UTC; a naive value is taken as already local). `without_year`: the same form without the year, for
    list columns of near moments such as deadlines ("12/7 10:11 AM", "07.12 10:11")."""
    if value is None:
        return ""
    local, language = (value.astimezone() if value.tzinfo else value), current_language()
    if without_year:
        return f"{format_skeleton('Md', local, locale=language)} {format_time(local, format='short', locale=language)}"
    return format_datetime(local, format="short", locale=language)


def fmt_clock(value: datetime) -> str:
    """A time of day under a day already shown (calendar slots): "10:00" on the 24-hour clock in every
    language, in local time; a narrow calendar column has no room for "10:00 AM"."""
    local = value.astimezone() if value.tzinfo else value
    return format_time(local, format="HH:mm", locale=current_language())


def fmt_duration(delta: timedelta, *, capped: bool = True) -> str:
    """The one form of an age or time left, compact for a list column, with the language's narrow units from
    Babel ("-5d 16h", "-5 д. 16 ч"): hours and minutes under a day ("0:45", "-1:10"), days and hours within
    ten days, then days, stopping at 99 days (a countdown that far off tells nothing more). A measured time
    (a report's time to close) is not `capped`: 150 days is a finding there."""
    sign = "-" if delta < timedelta(0) else ""
    minutes = int(abs(delta).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    if days >= 10:
        return sign + _unit(min(days, 99) if capped else days, "duration-day")
    if days:
        return f"{sign}{_unit(days, 'duration-day')} {_unit(f'{rest // 60:02d}', 'duration-hour')}"
    return f"{sign}{rest // 60}:{rest % 60:02d}"


def _unit(value: int | str, unit: str) -> str:
    return format_unit(value, unit, length="narrow", locale=current_language())


def fmt_number(value: int | float | Decimal) -> str:
    return format_decimal(value, locale=current_language())


def pick(labels: dict[str, str] | None, fallback: str = "") -> str:
    """The label in the current language, else English, else any, else `fallback`."""
    if not labels:
        return fallback
    return labels.get(current_language()) or labels.get("en") or next(iter(labels.values()), fallback)


def translator(language: str) -> _gettext.NullTranslations:
    """The catalogue of `language` on its own, for a face that serves several languages at once (the
    portal's pages), where switching the process's language for each request would not do."""
    return _translations(language)
