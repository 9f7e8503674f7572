"""What the TUI does when background work fails: it never closes.

A domain error (`CrmError`: not found, refused, conflict…) is an answer the user can act on, so it becomes a
notification. Anything else is a bug or a broken database: a dialog says what failed and where the traceback
was written (a rotating log file in the logs folder), and the agent keeps working in the screens behind it.
"""

from __future__ import annotations

import logging
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Label

from crmterm.i18n import N_, _
from crmterm.locations import ensure
from crmterm.text import bounded, visible
from crmterm.widgets.host import CrmModal

LOG_FILE_NAME = "crmterm.log"
LOG_MAX_BYTES = 1_000_000  # five files of 1 MB: weeks of rare failures, never a full disk
LOG_BACKUPS = 5

_logger = logging.getLogger("crmterm.tui")
_logger.propagate = False  # the terminal belongs to Textual: nothing may print to stderr under it


def failure_log(logs_dir: Path) -> Path:
    """The log file under `logs_dir`, its rotating handler attached once per file."""
    path = ensure(logs_dir) / LOG_FILE_NAME
    if not any(getattr(handler, "baseFilename", None) == str(path.resolve()) for handler in _logger.handlers):
        handler = RotatingFileHandler(path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        _logger.addHandler(handler)
        _logger.setLevel(logging.INFO)
    return path


def log_failure(logs_dir: Path, what: str, error: BaseException) -> Path | None:
    """Write `error` with its traceback to the log; the file's path, or None when it cannot be written
    (a read-only home must not turn one failure into a second one)."""
    try:
        path = failure_log(logs_dir)
        text = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        _logger.error("%s failed\n%s", what, text)
        for handler in _logger.handlers:
            handler.flush()
        return path
    except OSError:
        return None


def describe(error: BaseException) -> str:
    """One bounded line naming the error: its type and the first line of its message."""
    message = str(error).strip().splitlines()[0] if str(error).strip() else ""
    name = type(error).__name__
    return bounded(f"{name}: {message}" if message else name)


class FailureDialog(CrmModal[None]):
    """Something unexpected failed: what it was, the error, where the details are. Only Escape closes it: it
    may come up while an agent types ahead, and an Enter meant for the form must not dismiss it unread, so
    nothing in it can take the focus (a button would take that Enter)."""

    AUTO_FOCUS = None
    BINDINGS = [Binding("escape", "close", N_("Close"), id="failure.close")]

    def __init__(self, what: str, error: BaseException, log_path: Path | None) -> None:
        super().__init__()
        self.what, self.error, self.log_path = what, error, log_path

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="failure"):
            yield Label(_("Something went wrong"), classes="dialog-title")
            yield Label(visible(_("{what} failed: {error}").format(what=self.what, error=describe(self.error))),
                        id="failure-message", markup=False)
            details = (_("The details were written to {path}").format(path=self.log_path) if self.log_path
                       else _("The details could not be written to the log folder"))
            yield Label(visible(details), id="failure-log", markup=False)
            yield Label(_("Your work in the screens behind this message is kept. Escape closes it."),
                        classes="hint")

    def action_close(self) -> None:
        self.dismiss(None)


def work_title(worker_name: str) -> str:
    """A worker's method name as words (`action_helpful` → `helpful`, `open_article` → `open article`)."""
    return worker_name.removeprefix("action_").replace("_", " ").strip() or _("background work")
