"""A config-as-code section that is a plain list of entries, one mapping each: how every such section reads
its body (the directory's areas, users and roles here; tracked fields, scripts and portal offers in their
domains). Imports nothing of the domains, so any of them may build on it."""

from __future__ import annotations

from typing import Any

from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.services.directory.yaml_lines import LineDict


def entry(item: Any, section: str, line: int, file: str | None) -> LineDict:
    if not isinstance(item, LineDict):
        raise ConfigError(_("{section}: each entry must be a mapping").format(section=section), file=file,
                          line=line)
    return item


class FlatSection:
    """A section that is a plain list of entries (one mapping each)."""

    name: str
    top_level = True

    def read(self, plan: Any, body: list, line: int, file: str | None) -> None:
        for item in body:
            plan.add(self.name, entry(item, self.name, line, file))
