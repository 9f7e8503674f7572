"""Errors in background work never close the app (issue 19 item 1).

Every service call of the TUI goes through `Gateway.call`; making it fail injects the error into whatever
worker each screen starts. A domain error must become a notification, anything else a dialog naming the log
file that holds the traceback — and the app must still be running afterwards."""

from __future__ import annotations

import pytest

from crmterm.app import make_app
from crmterm.errors import NotFound
from crmterm.screens.common.failures import LOG_FILE_NAME, FailureDialog
from crmterm.services.platform.gateway import Gateway
from helpers import notices, settle
from test_snapshots import _login

SIZE = (120, 36)


def _open_inquiry(app) -> None:
    from crmterm.screens.inquiry.inquiry_view import InquiryScreen

    app.push_screen(InquiryScreen(1))


def _open_article(app) -> None:
    from crmterm.screens.knowledge.kb_article import ArticleScreen

    app.push_screen(ArticleScreen(1))


# screen → (who, keys that open it and start its workers, or a callable that pushes it)
SCREENS = {
    "workspace": ("admin", None),  # the failure is injected before log-in: every tab's first load fails
    "register": ("agent", ("f4", *"+79161000001", "enter")),
    "customers": ("agent", ("f3", *"iv")),
    "queues": ("agent", ("f11", "f7")),
    "reports": ("supervisor", ("ctrl+l", "ctrl+r")),
    "knowledge base": ("agent", ("alt+k", *"roaming", "enter")),
    "problems": ("agent", ("alt+p",)),
    "notifications": ("agent", ("ctrl+b",)),
    "inquiry": ("agent", _open_inquiry),
    "article": ("agent", _open_article),
}

ERRORS = {
    "domain": lambda where: NotFound("article", f"gone-{where}"),
    "unexpected": lambda where: RuntimeError(f"boom-{where}"),
}


def _failing(error: BaseException):
    def call(self, service, /, **kwargs):
        raise error
    return call


def _shown(app) -> list[str]:
    """Every text the user can see about failures: notifications and the failure dialog's labels."""
    texts = [notification.message for notification in notices(app)]
    for screen in app.screen_stack:
        if isinstance(screen, FailureDialog):
            texts += [str(label.render()) for label in screen.query("Label")]
    return texts


@pytest.mark.parametrize("kind", sorted(ERRORS))
@pytest.mark.parametrize("where", sorted(SCREENS))
async def test_a_failing_worker_is_reported_and_the_app_keeps_running(ui_settings, monkeypatch, where, kind):
    login, opener = SCREENS[where]
    error = ERRORS[kind](where.replace(" ", "-"))
    app = make_app(ui_settings)
    async with app.run_test(size=SIZE) as pilot:
        if opener is None:
            monkeypatch.setattr(Gateway, "call", _failing(error))
            await _login(pilot, login)
        else:
            await _login(pilot, login)
            monkeypatch.setattr(Gateway, "call", _failing(error))
            if callable(opener):
                opener(pilot.app)
            else:
                await pilot.press(*opener)
        await settle(pilot)
        # every worker the opener started has failed and been reported: on a loaded machine a late one would
        # otherwise open its own dialog after Escape closed the first
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert pilot.app.is_running and pilot.app.return_code is None
        shown = "\n".join(_shown(pilot.app))
        assert f"{where.replace(' ', '-')}" in shown, shown
        dialogs = [screen for screen in pilot.app.screen_stack if isinstance(screen, FailureDialog)]
        if kind == "domain":
            assert not dialogs  # an answer the user can act on: a notification, no dialog
        else:
            assert len(dialogs) == 1 and "RuntimeError" in shown
            log = ui_settings.where.logs / LOG_FILE_NAME
            assert str(log) in shown and "Traceback" in log.read_text(encoding="utf-8")
            await pilot.press("escape")  # the dialog closes; the screen behind it is still there
            await settle(pilot)
            # every service call still fails, so a periodic one (a watcher, the presence mark) may report anew
            # on a slow machine: that is a new dialog; the one shown has gone and the app runs on
            assert dialogs[0] not in pilot.app.screen_stack and pilot.app.is_running
