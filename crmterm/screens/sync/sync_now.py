"""A sync started from the TUI ("Sync now" in the command palette, S on the conflict screen): the same push and
pull as `crmterm sync`, over HTTP in a thread worker, answered by a notification (what went each way, or why
it could not: offline, refused). The status bar follows by itself (the workspace watches the database)."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.widget import Widget

from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.services.sync import sync_views
from crmterm.services.sync.node import SyncResult
from crmterm.widgets.host import CrmHost


def start_sync(host: Widget, then: Callable[[], object] | None = None) -> None:
    """Synchronise now; `then` runs on the UI thread afterwards, whatever came of it."""
    app: CrmHost = host.app  # type: ignore[assignment]
    app.notify(_("Synchronising with the server…"))
    host.run_worker(partial(_synchronise, app, then), thread=True, exclusive=True, group="sync-now")


def _synchronise(app: CrmHost, then: Callable[[], object] | None) -> None:
    try:
        result = sync_views.sync_now(actor=app.actor, database_url=app.gateway.settings.database_url)
    except CrmError as error:  # offline, refused, not a node: said, and the sync log has it
        app.call_from_thread(app.notify, str(error), severity="error")
    else:
        app.call_from_thread(app.notify, summary(result))
    if then is not None:
        app.call_from_thread(then)


def summary(result: SyncResult) -> str:
    return _("Synchronised: up {pushed}, down {pulled}, conflicts {conflicts}, refused {refused}").format(
        pushed=result.pushed, pulled=result.pulled, conflicts=result.conflicts, refused=result.refused)
