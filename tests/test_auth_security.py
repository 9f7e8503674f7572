"""Issue 12, part 2: argon2id parameters and rehash, lock-out at the default 5 failures, and passwords never in
logs, argv, reprs or on screen (the database URL is masked wherever it is shown)."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
import typer
from argon2 import PasswordHasher
from argon2.low_level import Type
from sqlmodel import select

from crmterm.app import make_app
from crmterm.cli import app as cli_app
from crmterm.errors import AuthenticationFailed
from crmterm.services.accounts import auth
from crmterm.settings import MailSettings, Settings
from crmterm.store import User
from crmterm.store.db import unit_of_work
from crmterm.settings import mask_url
from crmterm.store import passwords
from helpers import settle
from test_display_safety import screen_lines
from test_tui import SIZE, _login

SECRET = "S3cret-Pw"
PG_URL = f"postgresql+psycopg://crm:{SECRET}@db.example:5432/crm"


def _hash_of(url: str, login: str) -> str:
    """Parameters and salt of the stored hash, its digest masked: all the application role may read."""
    with unit_of_work(url) as session:
        return passwords.settings(session, session.exec(select(User.id).where(User.login == login)).one())


def _params(encoded: str) -> dict[str, int]:
    fields = encoded.split("$")[3]  # $argon2id$v=19$m=65536,t=3,p=4$salt$hash
    return {k: int(v) for k, v in (part.split("=") for part in fields.split(","))}


def test_hashes_use_argon2id_defaults_above_the_owasp_minimum(demo_url, product_password_hashing):
    with unit_of_work(demo_url) as session:  # a password set now (the demo's were hashed by the tests' quick hasher)
        agent = session.exec(select(User.id).where(User.login == "agent")).one()
        passwords.store(session, agent, auth.hash_password("agent-password"))
    stored = _hash_of(demo_url, "agent")
    assert stored.startswith("$argon2id$")
    assert _params(stored) == {"m": 65536, "t": 3, "p": 4}  # argon2-cffi defaults: 64 MiB, 3 passes, 4 lanes
    params = _params(stored)
    assert params["m"] >= 19 * 1024 and params["t"] >= 2 and params["p"] >= 1  # OWASP: 19 MiB, t=2, p=1


def test_a_weaker_hash_is_rehashed_on_the_next_good_login(demo_url, product_password_hashing):
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID).hash("agent")
    with unit_of_work(demo_url) as session:
        passwords.store(session, session.exec(select(User.id).where(User.login == "agent")).one(), weak)
    with pytest.raises(AuthenticationFailed):
        auth.authenticate(url=demo_url, login="agent", password="wrong")
    assert _hash_of(demo_url, "agent") == passwords.mask(weak)  # a failed attempt changes nothing
    auth.authenticate(url=demo_url, login="agent", password="agent")
    stronger = _hash_of(demo_url, "agent")
    assert stronger != passwords.mask(weak) and _params(stronger) == {"m": 65536, "t": 3, "p": 4}
    assert auth.authenticate(url=demo_url, login="agent", password="agent").login == "agent"


def test_the_default_lock_out_comes_after_five_failures(demo_url):
    def attempt(password: str):
        return auth.authenticate(url=demo_url, login="agent", password=password)

    for _n in range(4):
        with pytest.raises(AuthenticationFailed, match="Wrong login"):
            attempt("bad")
    assert attempt("agent").login == "agent"  # four failures: not locked, and a success starts over
    for _n in range(5):
        with pytest.raises(AuthenticationFailed, match="Wrong login"):
            attempt("bad")
    with pytest.raises(AuthenticationFailed, match="Too many failed attempts"):
        attempt("agent")


def test_mask_url_hides_the_password():
    assert SECRET not in mask_url(PG_URL) and "crm:***@db.example" in mask_url(PG_URL)
    assert SECRET not in mask_url(f"not a url://crm:{SECRET}@host/x")


def test_settings_repr_shows_no_password():
    settings = Settings(database_url=PG_URL, password=SECRET, mail=MailSettings(username="u", password=SECRET))
    assert SECRET not in repr(settings) and SECRET not in str(settings) and "***" in repr(settings)


def test_no_cli_option_takes_a_password_on_the_command_line():
    def commands(command):
        yield command
        for sub in getattr(command, "commands", {}).values():
            yield from commands(sub)

    offenders = [f"{command.name} {opt}" for command in commands(typer.main.get_command(cli_app))
                 for param in command.params if param.param_type_name == "option" and not param.is_flag
                 for opt in param.opts if "password" in opt and not opt.endswith("-env")]
    assert offenders == []


async def test_status_bar_and_home_show_the_database_url_masked(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        pilot.app.gateway.settings = replace(ui_settings, database_url=PG_URL)  # shown, not connected to
        workspace = pilot.app.screen
        workspace.refresh_status()
        workspace.query_one("TabbedContent").active = "home"  # built when first opened: with the URL above
        await settle(pilot)
        shown = "\n".join(screen_lines(pilot.app)[0])
        assert "crm:***@db.example" in shown and SECRET not in shown


async def test_login_password_is_masked_and_never_logged(ui_settings, caplog):
    caplog.set_level(logging.DEBUG)
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await settle(pilot)
        password = pilot.app.screen.query_one("#password")
        assert password.password
        await pilot.click("#login")
        await pilot.press(*"agent", "enter", *"agent-typo", "enter")
        await settle(pilot)
        assert "agent-typo" not in "\n".join(screen_lines(pilot.app)[0])
        await _login(pilot, "agent", "agent")
    auth.authenticate(url=ui_settings.database_url, login="agent", password="agent")
    assert caplog.records is not None and "agent-typo" not in caplog.text
    assert "password='agent'" not in caplog.text and "'agent-typo'" not in caplog.text
