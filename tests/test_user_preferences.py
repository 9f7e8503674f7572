"""Language is a user's preference (issue 19 item 13): F2 switches at once for this user only, stored per user
in the database (user_preference, which every role may write, not app_user), applied at log-in; the CLI's
--lang still wins for a command."""

from __future__ import annotations

import pytest
from sqlmodel import select
from typer.testing import CliRunner

from crmterm.cli import app as cli_app
from crmterm.errors import ValidationError
from crmterm.i18n import set_language
from crmterm.services.accounts import preferences
from crmterm.services.accounts.permissions import SYSTEM, Actor
from crmterm.store import User, UserPreference
from crmterm.store.db import unit_of_work
from conftest import owner_url


def _actor(url: str, login: str) -> Actor:
    from crmterm.services.accounts.permissions import Role

    with unit_of_work(url) as session:
        user = session.exec(select(User).where(User.login == login)).one()
        return Actor(login=login, role=Role(user.role_code), id=user.id)


def test_each_user_keeps_their_own_language(demo_url):
    agent, supervisor = _actor(demo_url, "agent"), _actor(demo_url, "supervisor")
    with unit_of_work(demo_url) as session:
        assert preferences.preferred_language(session=session, actor=agent) is None
        preferences.set_language(session=session, actor=agent, language="ru")
    with unit_of_work(demo_url) as session:
        assert preferences.preferred_language(session=session, actor=agent) == "ru"
        assert preferences.preferred_language(session=session, actor=supervisor) is None
        preferences.set_language(session=session, actor=agent, language="en")  # changed, not a second row
    with unit_of_work(demo_url) as session:
        rows = session.exec(select(UserPreference)).all()
        assert [(r.user_id, r.key, r.value) for r in rows] == [(agent.id, "language", "en")]


def test_an_unknown_language_or_no_user_is_refused(demo_url):
    agent = _actor(demo_url, "agent")
    with unit_of_work(demo_url) as session:
        with pytest.raises(ValidationError, match="unsupported language 'xx'"):
            preferences.set_language(session=session, actor=agent, language="xx")
        with pytest.raises(ValidationError, match="log in"):
            preferences.set_language(session=session, actor=SYSTEM, language="ru")


def test_the_cli_speaks_the_users_language_unless_lang_is_given(demo_url, tmp_path):
    with unit_of_work(demo_url) as session:
        preferences.set_language(session=session, actor=_actor(demo_url, "agent"), language="ru")
    runner = CliRunner()
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "agent", "CRMTERM_PASSWORD": "agent",
           "CRMTERM_LANG": None}

    def run(*args: str):
        return runner.invoke(cli_app, ["--db", demo_url, *args], env=env)

    try:
        own = run("inquiry", "show", "999999")
        assert own.exit_code == 1 and "не найден" in own.stderr, own.stderr
        given = run("--lang", "en", "inquiry", "show", "999999")
        assert given.exit_code == 1 and "not found" in given.stderr, given.stderr
        env["CRMTERM_USER"], env["CRMTERM_PASSWORD"] = "supervisor", "supervisor"
        other = run("inquiry", "show", "999999")
        assert other.exit_code == 1 and "not found" in other.stderr, other.stderr
    finally:
        set_language("en")


def test_agents_may_write_their_preferences_but_not_app_user_under_group_roles():
    from crmterm.store.role_groups import CONFIG_TABLES, OWN_ROWS, statements

    assert "user_preference" in OWN_ROWS and "user_preference" not in CONFIG_TABLES and "app_user" in CONFIG_TABLES
    sql = statements("public", "crm", "owner", "app")
    for group in ("agent", "supervisor", "admin", "auditor"):
        assert f'GRANT INSERT, UPDATE, DELETE ON public.user_preference TO "crmterm_{group}"' in sql
