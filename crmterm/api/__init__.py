"""The HTTP face (`crmterm serve`): FastAPI routers per domain over the same services, roles and errors as the
CLI and the TUI. A request acts as the user of its bearer token (services/accounts/tokens)."""

from crmterm.api.app import app_from_environment, create_app

__all__ = ["app_from_environment", "create_app"]
