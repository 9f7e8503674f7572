"""Issue 20, item 1: an empty login is a usage error, never the password-less `system` account; that account is
only for a connection that owns the schema (the SQLite file's owner, PostgreSQL's owner role). With the
PostgreSQL application role every command names a user."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from conftest import owner_url
from crmterm.store import Party, User
from crmterm.store.db import unit_of_work
from test_cli import app, runner

_NO_USER = {"CRMTERM_USER": None, "CRMTERM_PASSWORD": None}


def _invoke(url: str, home, *args: str, input: str | None = None, **env: str | None):
    return runner.invoke(app, ["--db", url, *args], input=input,
                         env={"CRMTERM_HOME": str(home), **_NO_USER, **env})


def _one_error_line(result, code: int) -> str:
    assert result.exit_code == code, result.output
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1, result.stderr
    return result.stderr


def _logins(url: str) -> set[str]:
    with unit_of_work(url) as session:
        return set(session.exec(select(User.login)))


def test_an_empty_user_option_is_a_usage_error_and_erases_nothing(demo_url, tmp_path):
    url = owner_url(demo_url)  # even the owner's connection: an empty login is a mistake, not "no user"
    for empty in ("", "  "):
        result = _invoke(url, tmp_path, "--user", empty, "customer", "erase", "1", "--yes")
        assert "empty login" in _one_error_line(result, 2)
    with unit_of_work(url) as session:
        assert not session.get(Party, 1).display_name.startswith("erased")


def test_an_empty_crmterm_user_is_the_same_usage_error_and_creates_no_admin(demo_url, tmp_path):
    url = owner_url(demo_url)
    result = _invoke(url, tmp_path, "user", "add", "ghost", "--role", "admin", "--password-stdin",
                     input="s3cret-ghost\n", CRMTERM_USER="")
    assert "empty login" in _one_error_line(result, 2)
    assert "ghost" not in _logins(url)


def test_an_empty_user_option_does_not_fall_back_to_crmterm_user(demo_url, tmp_path):
    result = _invoke(owner_url(demo_url), tmp_path, "--user", "", "user", "list", CRMTERM_USER="admin",
                     CRMTERM_PASSWORD="admin")
    _one_error_line(result, 2)


def test_the_postgresql_application_role_needs_a_user_for_every_command(postgresql_demo_url, tmp_path):
    refused = _invoke(postgresql_demo_url, tmp_path, "user", "add", "ghost", "--role", "admin", "--password-stdin",
                      input="s3cret-ghost\n")
    assert "does not own the crmterm schema" in _one_error_line(refused, 1)
    assert "ghost" not in _logins(postgresql_demo_url)
    listed = _invoke(postgresql_demo_url, tmp_path, "user", "list", "--json", CRMTERM_USER="admin",
                     CRMTERM_PASSWORD="admin")
    assert listed.exit_code == 0, listed.output
    assert "admin" in {u["login"] for u in json.loads(listed.stdout)}


def test_the_postgresql_owner_role_acts_as_system(postgresql_owner_url, tmp_path):
    assert _invoke(postgresql_owner_url, tmp_path, "seed", "demo").exit_code == 0
    added = _invoke(postgresql_owner_url, tmp_path, "user", "add", "maria", "--role", "agent", "--password-stdin",
                    input="s3cret-maria\n")
    assert added.exit_code == 0, added.output
    assert "maria" in _logins(postgresql_owner_url)


def test_a_sqlite_file_of_another_user_needs_a_user(sqlite_demo_url, tmp_path, monkeypatch):
    from crmterm.store import ownership

    assert _invoke(sqlite_demo_url, tmp_path, "user", "list").exit_code == 0  # the file's owner: system
    monkeypatch.setattr(ownership.os, "geteuid", lambda: ownership.os.getuid() + 4242)  # someone else
    refused = _invoke(sqlite_demo_url, tmp_path, "user", "list")
    assert "does not own the crmterm schema" in _one_error_line(refused, 1)
    named = _invoke(sqlite_demo_url, tmp_path, "user", "list", CRMTERM_USER="admin", CRMTERM_PASSWORD="admin")
    assert named.exit_code == 0, named.output


@pytest.mark.parametrize("login", ["", " "])
def test_the_tui_refuses_an_empty_login_too(login, tmp_path):
    result = _invoke(f"sqlite:///{tmp_path / 'x.db'}", tmp_path, CRMTERM_USER=login)
    _one_error_line(result, 2)
