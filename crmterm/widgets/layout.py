"""The logged-in user's workspace layout as the widgets read it (services/accounts/workspace): loaded once at
log-in by the app (CrmApp.workspace_layout), the default before that or when it could not be read."""

from __future__ import annotations

from textual.app import App

from crmterm.services.accounts.workspace import Layout


def current_layout(app: App) -> Layout:
    layout = getattr(app, "workspace_layout", None)
    return layout if isinstance(layout, Layout) else Layout()


def shown_columns(app: App, list_name: str) -> list[str]:
    """The columns of the list `list_name` (workspace.LISTS) the user shows, in their order."""
    return current_layout(app).columns[list_name]
