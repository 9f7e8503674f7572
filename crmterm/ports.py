"""Ports: what a lower package needs from the packages above it, handed in when those are imported.

A domain package low in the order (routing, sla) must call code of a package above it (inquiries, service)
without importing it statically (pyproject's acyclic_siblings contract). The higher package's `__init__` calls
`provide(name=function)`; the lower one asks `get(name)`. A port asked before its provider was imported
imports that package by dotted name, so a command that never needs it never loads it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


class Ports:
    def __init__(self, owner: str, sources: Mapping[str, str]) -> None:
        """`owner` names the asking package in errors; `sources` maps each port to the package providing it."""
        self.owner, self.sources = owner, dict(sources)
        self._provided: dict[str, Callable[..., Any]] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.sources)

    def provide(self, **providers: Callable[..., Any]) -> None:
        unknown = set(providers) - set(self.sources)
        if unknown:
            raise ValueError(f"{self.owner} ports: unknown {', '.join(sorted(unknown))}")
        self._provided.update(providers)

    def get(self, name: str) -> Callable[..., Any]:
        if name not in self._provided:
            importlib.import_module(self.sources[name])  # its package's __init__ calls provide()
        try:
            return self._provided[name]
        except KeyError:
            raise RuntimeError(f"{self.owner}: nothing provides {name} ({self.sources[name]} did not)") from None
