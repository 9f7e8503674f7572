"""Every configurable area in one registry: the directory's own areas and those each domain declares next to
its rules (topics, routes, SLA, automation), plus the config-as-code sections that are not plain areas
(tracked customer fields, scripts, the portal's offers). The directory service, config as code and the admin
screens read it.

Each domain registers its areas from its package's `__init__` (`register_kinds`, `register_section`), so the
directory imports no domain statically and the domains may import the directory's machinery (`kinds`,
`validation`). The first read of the registry imports every registering package by dotted name (REGISTERING),
so a command that never reads it never loads those domains; `require_complete` says so loudly if a package
stops registering what it should."""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from typing import Any

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.directory.kinds import DIRECTORY_KINDS, Kind

# In the order areas refer to each other: topics after the directory, routes after topics and queues,
# regulations after topics, escalations after queues/priorities/mailing lists, automation after all of them;
# the knowledge areas (the response library) name topics; e-mail intake rules (topics, queues, priorities) last.
AREA_GROUPS = ("directory", "topics", "routes", "sla", "escalations", "automation", "knowledge", "mail")
# The config sections that are not directory areas, by name; config_sections decides where each goes.
SECTION_NAMES: tuple[str, ...] = ("tracked_fields", "scripts", "portal_topics", "portal_functions", "products",
                                  "price_lists", "sales_processes", "discount_limits", "order_types",
                                  "activity_plans", "technicians", "loyalty_tiers")
# The packages whose `__init__` registers areas or sections: imported before the registry is first read
REGISTERING = ("crmterm.services.customers", "crmterm.services.topics", "crmterm.services.routing",
               "crmterm.services.sla", "crmterm.services.knowledge", "crmterm.services.mail",
               "crmterm.services.portal", "crmterm.services.sales", "crmterm.services.service",
               "crmterm.services.retention")

_groups: dict[str, dict[str, Kind]] = {"directory": DIRECTORY_KINDS}
_sections: dict[str, Any] = {}

# Rebuilt in place on each registration, so a reader holding KINDS always sees every area in order.
_ordered: dict[str, Kind] = dict(DIRECTORY_KINDS)


class _AllKinds(Mapping[str, Kind]):
    """Every area, in order; reading it first makes the registry whole (screens build their lists from it
    when they are imported)."""

    def __getitem__(self, name: str) -> Kind:
        require_complete()
        return _ordered[name]

    def __iter__(self) -> Iterator[str]:
        require_complete()
        return iter(dict(_ordered))

    def __len__(self) -> int:
        require_complete()
        return len(_ordered)


KINDS: Mapping[str, Kind] = _AllKinds()


def register_kinds(group: str, kinds: dict[str, Kind]) -> None:
    """Declare a domain's areas under one of AREA_GROUPS (called from the domain package's `__init__`)."""
    if group not in AREA_GROUPS:
        raise ValueError(f"unknown area group {group!r}")
    _groups[group] = kinds
    ordered = {name: kind for name_of_group in AREA_GROUPS for name, kind in _groups.get(name_of_group, {}).items()}
    _ordered.clear()
    _ordered.update(ordered)


def register_section(name: str, section: Any) -> None:
    """Declare a config-as-code section that is not a directory area (one of SECTION_NAMES): the section, or
    "module:Class" of one, made when first read (the package registering it then imports nothing for it)."""
    if name not in SECTION_NAMES:
        raise ValueError(f"unknown config section {name!r}")
    _sections[name] = section


def kinds_of(group: str) -> dict[str, Kind]:
    require_complete()
    return _groups[group]


def section(name: str) -> Any:
    require_complete()
    found = _sections[name]
    if isinstance(found, str):
        module, attribute = found.split(":")
        found = _sections[name] = getattr(importlib.import_module(module), attribute)()
    return found


def require_complete() -> None:
    if _missing():
        for package in REGISTERING:
            importlib.import_module(package)
    missing = _missing()
    if missing:
        raise RuntimeError(f"directory registry: nothing registered for {', '.join(missing)} "
                           f"(none of {', '.join(REGISTERING)} did)")


def _missing() -> list[str]:
    return [g for g in AREA_GROUPS if g not in _groups] + [s for s in SECTION_NAMES if s not in _sections]


def get_kind(name: str) -> Kind:
    require_complete()
    try:
        return _ordered[name]
    except KeyError:
        raise NotFound(_("directory area"), name) from None
