"""Every configurable area in one registry: the directory's own areas and those each domain declares next to
its rules (topics, routes, SLA, automation), plus the config-as-code sections that are not plain areas
(tracked customer fields, scripts). The directory service, config as code and the admin screens read it.

Each domain registers its areas from its package's `__init__` (`register_kinds`, `register_section`), so the
directory imports no domain and the domains may import the directory's machinery (`kinds`, `validation`).
crmterm/services/__init__.py imports every registering package, so the registry is whole before anything
of the services runs; `require_complete` says so loudly if that ever stops being true."""

from __future__ import annotations

from typing import Any

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.directory.kinds import DIRECTORY_KINDS, Kind

# In the order areas refer to each other: topics after the directory, routes after topics and queues,
# regulations after topics, escalations after queues/priorities/mailing lists, automation after all of them;
# the knowledge areas (the response library) name topics; e-mail intake rules (topics, queues, priorities) last.
AREA_GROUPS = ("directory", "topics", "routes", "sla", "escalations", "automation", "knowledge", "mail")
# The config sections that are not directory areas, by name; config_sections decides where each goes.
SECTION_NAMES = ("tracked_fields", "scripts")

_groups: dict[str, dict[str, Kind]] = {"directory": DIRECTORY_KINDS}
_sections: dict[str, Any] = {}

# Rebuilt in place on each registration, so a reader holding this dict always sees every area in order.
KINDS: dict[str, Kind] = dict(DIRECTORY_KINDS)


def register_kinds(group: str, kinds: dict[str, Kind]) -> None:
    """Declare a domain's areas under one of AREA_GROUPS (called from the domain package's `__init__`)."""
    if group not in AREA_GROUPS:
        raise ValueError(f"unknown area group {group!r}")
    _groups[group] = kinds
    ordered = {name: kind for name_of_group in AREA_GROUPS for name, kind in _groups.get(name_of_group, {}).items()}
    KINDS.clear()
    KINDS.update(ordered)


def register_section(name: str, section: Any) -> None:
    """Declare a config-as-code section that is not a directory area (one of SECTION_NAMES)."""
    if name not in SECTION_NAMES:
        raise ValueError(f"unknown config section {name!r}")
    _sections[name] = section


def kinds_of(group: str) -> dict[str, Kind]:
    require_complete()
    return _groups[group]


def section(name: str) -> Any:
    require_complete()
    return _sections[name]


def require_complete() -> None:
    missing = [g for g in AREA_GROUPS if g not in _groups] + [s for s in SECTION_NAMES if s not in _sections]
    if missing:
        raise RuntimeError(f"directory registry: nothing registered for {', '.join(missing)} "
                           "(import the crmterm.services package first)")


def get_kind(name: str) -> Kind:
    require_complete()
    try:
        return KINDS[name]
    except KeyError:
        raise NotFound(_("directory area"), name) from None
