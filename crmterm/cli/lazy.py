"""Command groups loaded only when they run (Click's "lazy group" pattern).

Importing every command module means importing every service, SQLAlchemy and Alembic behind it: well over a
second before `crmterm --help` or a one-line script call can do anything. So the root group knows its commands
by name, with the one line `--help` shows for each, and imports a command's module only when that command is
resolved to run (or to show its own help)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar

import typer
from typer._click import Command, Context, HelpFormatter  # Typer vendors Click: its own classes
from typer.core import TyperCommand, TyperGroup


@dataclass(frozen=True)
class Lazy:
    """`target` is "module:attribute", a Typer app (a command group) or a function (a single command);
    `help` is the line `crmterm --help` lists, kept here so the listing imports no command module."""

    target: str
    help: str


class _Unloaded(TyperCommand):
    """Stands in the group for a command whose module is not imported yet: its name and its help line."""

    def __init__(self, name: str, entry: Lazy) -> None:
        super().__init__(name, help=entry.help)
        self.target = entry.target


class LazyGroup(TyperGroup):
    """A TyperGroup whose `lazy` commands are imported on first use. Subclasses set `lazy`. Stand-ins fill
    `commands` from the start, so the listing and Typer's "did you mean" see every name."""

    lazy: ClassVar[dict[str, Lazy]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._listing = False
        for name, entry in self.lazy.items():
            self.commands.setdefault(name, _Unloaded(name, entry))

    def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
        command = super().get_command(ctx, cmd_name)
        if isinstance(command, _Unloaded) and not self._listing:  # the listing shows the stand-in's line
            command = self.commands[cmd_name] = load(cmd_name, command.target)
        return command

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        with self._only_listing():
            super().format_help(ctx, formatter)

    @contextmanager
    def _only_listing(self) -> Iterator[None]:
        self._listing = True
        try:
            yield
        finally:
            self._listing = False


def load(name: str, target: str) -> Command:
    """The Click command Typer builds for `target` under `name`, exactly as `add_typer`/`command` on the root
    app would have built it."""
    module_name, attribute = target.split(":")
    found = getattr(importlib.import_module(module_name), attribute)
    holder = typer.Typer()
    if isinstance(found, typer.Typer):
        holder.add_typer(found, name=name)
    else:
        holder.command(name)(found)
    return typer.main.get_group(holder).commands[name]
