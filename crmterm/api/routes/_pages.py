"""Keyset pages over a service's ordered list (the sales and billing services answer whole lists, bounded by
their own limits): the cursor is the sort key of the last item shown, so a page after it starts at the first
item whose key is greater — an item added or changed meanwhile neither repeats a page nor pushes one along."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import TypeVar

from crmterm.errors import ValidationError
from crmterm.i18n import _

T = TypeVar("T")
Key = tuple[str | int | float, ...]
EVERYTHING = 100_000  # what a route asks of a service it pages itself


def _cursor(after: str) -> list:
    try:
        cursor = json.loads(after)
    except (ValueError, RecursionError):
        raise ValidationError("after", _("not a page cursor")) from None
    if not isinstance(cursor, list) or not cursor:
        raise ValidationError("after", _("not a page cursor"))
    return cursor


def page(items: Sequence[T], key: Callable[[T], Key], limit: int, after: str | None) -> tuple[list[T], str | None]:
    """The `limit` items after the cursor `after` (None: from the first), and the cursor of the next page (None
    on the last one). `items` are sorted by `key` ascending."""
    rest = list(items)
    if after:
        cursor = _cursor(after)
        try:
            rest = [item for item in rest if list(key(item)) > cursor]
        except TypeError:  # a cursor of other types (another list's, or made up)
            raise ValidationError("after", _("not a page cursor")) from None
    shown = rest[:limit]
    more = len(rest) > limit
    return shown, json.dumps(list(key(shown[-1]))) if more else None
