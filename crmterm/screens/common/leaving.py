"""Leaving with work on the screens: Ctrl+Q, log-out and the lock screen's log-out ask first when a screen
holds input that leaving would lose (issue 19). A widget or screen says so through `unsaved_input()`, which
returns what would be lost (or None); the Register tab's registration is kept as a draft before leaving
(`keep_draft_blocking`), so the question says it comes back."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import App

from crmterm.i18n import _
from crmterm.screens.common.dialogs import ConfirmScreen


def unsaved_work(app: App) -> list[str]:
    """What every open screen (top first) would lose, in words."""
    found: list[str] = []
    for screen in reversed(app.screen_stack):
        for node in (screen, *screen.query("*")):
            ask = getattr(node, "unsaved_input", None)
            what = ask() if callable(ask) else None
            if what and what not in found:
                found.append(what)
    return found


def leave_after_asking(app: App, leave: Callable[[], object], question: str) -> None:
    """Run `leave` at once when nothing would be lost, else after the user agreed."""
    unsaved = unsaved_work(app)
    if not unsaved:
        leave()
        return

    def answered(agreed: bool | None) -> None:
        if agreed:
            _keep_drafts(app)
            leave()

    app.push_screen(ConfirmScreen(_("Not saved: {listed}. {question}").format(listed="; ".join(unsaved),
                                                                              question=question)), answered)


def _keep_drafts(app: App) -> None:
    for screen in app.screen_stack:
        for node in screen.query("*"):
            keep = getattr(node, "keep_draft_blocking", None)
            if callable(keep):
                keep()
