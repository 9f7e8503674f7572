"""Starting the terminal UI: make the database ready (first run: migrate and load the demo), then run."""

from __future__ import annotations

from crmterm.cli._common import Env
from crmterm.services import bootstrap, seed
from crmterm.services.permissions import SYSTEM


def run_tui(env: Env) -> None:
    url = env.settings.database_url
    bootstrap.ensure_database(url)
    demo_logins: dict[str, str] = {}
    with env.unit_of_work() as session:
        if not bootstrap.has_users(session):
            demo_logins = seed.seed_demo(session=session, actor=SYSTEM).logins  # first run: a working demo
    from crmterm.app import make_app

    make_app(env.settings, demo_logins=demo_logins).run()
