"""The application factory: settings in, a FastAPI app out (tests build one per database; uvicorn's workers
build theirs from the environment `crmterm serve` sets)."""

from __future__ import annotations

from fastapi import FastAPI

from crmterm.api import errors, portal
from crmterm.api.limits import BodyLimit
from crmterm.api.portal import too_large
from crmterm.api.routes import (
    activities,
    billing,
    calls,
    contacts,
    customers,
    health,
    inquiries,
    opportunities,
    orders,
    products,
    queues,
    quotes,
    reports,
    sync,
    topics,
)
from crmterm.i18n import set_language
from crmterm.services.platform.bootstrap import ensure_database
from crmterm.settings import Settings, resolve

DESCRIPTION = """crmterm's network API: the services of the CLI and the TUI, with the same roles.

Every request but `/health` carries `Authorization: Bearer TOKEN` (`crmterm token create LOGIN --name NAME`).
Errors are `{"detail": "one line", "field": "where" | null}`: 401 no or bad token, 403 role or scope refused,
404 not found, 409 changed by someone else, 413 body too large, 422 bad input."""


def create_app(settings: Settings) -> FastAPI:
    ensure_database(settings.database_url)
    set_language(settings.language)
    app = FastAPI(title="crmterm", version="1", description=DESCRIPTION)
    app.state.settings = settings
    errors.install(app)
    portal.install(app)  # the customer portal's pages at /portal (after the API's handlers: it keeps them)
    for module in (health, customers, contacts, inquiries, queues, topics, calls, sync):
        app.include_router(module.router)
    for module in (products, quotes, opportunities, activities, orders, billing, reports):  # sales and billing
        app.include_router(module.router)
    app.add_middleware(BodyLimit, max_bytes=settings.api_max_body_kb * 1024, page=too_large.page)  # portal: HTML
    return app


def app_from_environment() -> FastAPI:
    """For `uvicorn --factory`: `crmterm serve` puts the database URL and language into the environment."""
    return create_app(resolve())
