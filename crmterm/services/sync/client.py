"""What the faces call on a node (the CLI's `crmterm sync`, the TUI's sync action): the database URL in, the
engine's sessions and the HTTP transport built here, a SyncResult out."""

from __future__ import annotations

from collections.abc import Callable

from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.services.sync import node, status
from crmterm.services.sync.http_transport import HttpTransport
from crmterm.services.sync.node import Sessions, SyncResult
from crmterm.store.db import unit_of_work

SCOPES = ("mine", "territory", "all")


def sessions_for(url: str) -> Sessions:
    return lambda: unit_of_work(url)


def init(url: str, *, server_url: str, token: str, scope: str = "mine", row_limit: int = 20_000,
         progress: Callable[[int], None] | None = None) -> SyncResult:
    if scope not in SCOPES:
        raise ConfigError(_("--scope must be one of {scopes}").format(scopes=", ".join(SCOPES)))
    transport = HttpTransport(server_url, token)
    try:
        return node.init_node(sessions_for(url), transport, server_url=server_url, token=token, scope=scope,
                              row_limit=row_limit, progress=progress)
    finally:
        transport.close()


def sync_once(url: str, *, progress: Callable[[int], None] | None = None) -> SyncResult:
    with unit_of_work(url) as session:
        here = status.node(session)
        if here is None:
            raise ConfigError(_("this database is not a node: run `crmterm sync init --server URL --token T`"))
        server_url, token = here.server_url, here.token
    transport = HttpTransport(server_url, token)
    try:
        return node.synchronise(sessions_for(url), transport, progress=progress)
    finally:
        transport.close()
