"""`crmterm serve`: the HTTP API (crmterm/api) under uvicorn."""

from __future__ import annotations

import os

import typer

from crmterm.cli._common import env_of
from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.services.platform.bootstrap import ensure_database
from crmterm.settings import mask_url


def serve(ctx: typer.Context, host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
          port: int = typer.Option(8080, "--port", min=1, max=65535),
          workers: int = typer.Option(1, "--workers", min=1, max=64, help="Processes (PostgreSQL only)."))-> None:
    """Serve the HTTP API (OpenAPI at /docs, /health) until interrupted."""
    import uvicorn  # loaded only for this command

    settings = env_of(ctx).settings
    if workers > 1 and settings.database_url.startswith("sqlite"):
        # One SQLite file has one writer at a time: more processes would only queue on its lock.
        raise ConfigError(_("--workers {n}: a SQLite database is served by one process; use PostgreSQL for "
                            "more").format(n=workers))
    ensure_database(settings.database_url)  # migrated once here, not by every worker at once
    os.environ["CRMTERM_DATABASE_URL"] = settings.database_url  # the workers' app_from_environment reads it
    os.environ["CRMTERM_LANG"] = settings.language
    typer.echo(_("Serving {db} on http://{host}:{port} (API docs at /docs)").format(
        db=mask_url(settings.database_url), host=host, port=port), err=True)
    typer.echo(_("Customer portal: http://{host}:{port}/portal/").format(host=host, port=port), err=True)
    uvicorn.run("crmterm.api:app_from_environment", factory=True, host=host, port=port, workers=workers,
                log_level="info")
