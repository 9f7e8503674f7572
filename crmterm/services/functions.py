"""Business functions: plugins registered under the entry-point group `crmterm.functions`, each a callable
`fn(*, session, actor, inquiry_id, params) -> str | None` (the text is logged on the inquiry)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from importlib.metadata import entry_points

from crmterm.errors import NotFound
from crmterm.i18n import _

GROUP = "crmterm.functions"


@cache
def registered() -> dict[str, object]:
    return {ep.name: ep for ep in entry_points(group=GROUP)}


def load(name: str) -> Callable:
    try:
        return registered()[name].load()
    except KeyError:
        raise NotFound(_("Business function"), name) from None
