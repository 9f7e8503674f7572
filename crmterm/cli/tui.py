"""Starting the terminal UI (the app prepares the database itself, off the UI thread)."""

from __future__ import annotations

from crmterm.cli._common import Env


def run_tui(env: Env) -> None:
    from crmterm.app import make_app  # Textual is imported only when the TUI runs

    make_app(env.settings).run()
