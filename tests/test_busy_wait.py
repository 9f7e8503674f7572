"""No lock error reaches a user (issue 19 item 12): every face runs service calls through
store/db.in_transaction, which waits for a busy SQLite database as long as `busy_wait_seconds` says — a time,
not a number of tries — and then says so as a domain error, never "database is locked"."""

from __future__ import annotations

import sqlite3
import time

import pytest
from sqlalchemy import text

from crmterm.errors import ConfigError, CrmError
from crmterm.settings import busy_wait_seconds, resolve
from crmterm.store.db import DatabaseBusy, in_transaction, sqlite_path, unit_of_work


def _write(session) -> int:
    session.execute(text("UPDATE app_user SET display_name = display_name WHERE login = 'nobody'"))
    return 1


def _hold_write_lock(url: str) -> sqlite3.Connection:
    holder = sqlite3.connect(sqlite_path(url), isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    return holder


@pytest.mark.parametrize("bound", [0.4, 1.5])
def test_the_wait_for_a_busy_database_is_bounded_by_time(sqlite_url, bound):
    holder = _hold_write_lock(sqlite_url)
    try:
        began = time.monotonic()
        with pytest.raises(DatabaseBusy, match="busy") as raised:
            in_transaction(sqlite_url, _write, wait=bound)
        waited = time.monotonic() - began
    finally:
        holder.rollback()
        holder.close()
    assert isinstance(raised.value, CrmError) and "locked" not in str(raised.value)
    # bounded: well short of the 30 s default, with room for a machine running two suites at once
    assert bound - 0.05 <= waited < bound + 10


def test_the_bound_comes_from_the_setting(sqlite_url, monkeypatch, tmp_path):
    monkeypatch.setenv("CRMTERM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CRMTERM_BUSY_WAIT_SECONDS", "0.5")
    busy_wait_seconds.cache_clear()
    try:
        assert busy_wait_seconds() == 0.5
        holder = _hold_write_lock(sqlite_url)
        try:
            began = time.monotonic()
            with pytest.raises(DatabaseBusy):
                in_transaction(sqlite_url, _write)
            assert time.monotonic() - began < 10  # the setting, not the 30 s default
        finally:
            holder.rollback()
            holder.close()
    finally:
        busy_wait_seconds.cache_clear()


def test_a_writer_waits_its_turn_and_then_writes(db_url):
    """Within the bound nothing fails: the unit waits for the other writer and then commits (both backends)."""
    assert in_transaction(db_url, _write, wait=5) == 1
    if db_url.startswith("sqlite"):
        holder = _hold_write_lock(db_url)
        import threading

        threading.Timer(0.5, lambda: (holder.rollback(), holder.close())).start()
        assert in_transaction(db_url, _write, wait=5) == 1
    with unit_of_work(db_url) as session:  # the pooled connection kept no shortened wait
        assert session.execute(text("SELECT 1")).scalar() == 1


def test_busy_wait_seconds_in_config_yaml(tmp_path):
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.yaml").write_text("busy_wait_seconds: 12.5\n", encoding="utf-8")
    assert resolve(environ={"CRMTERM_HOME": str(home)}).busy_wait_seconds == 12.5
    assert resolve(environ={"CRMTERM_HOME": str(tmp_path / "other")}).busy_wait_seconds == 30
    for wrong in ("0", "-1", "soon"):
        with pytest.raises(ConfigError, match="busy_wait_seconds"):
            resolve(environ={"CRMTERM_HOME": str(home), "CRMTERM_BUSY_WAIT_SECONDS": wrong})


def _hold_table_lock(url: str):
    """Another session (the schema owner, as a migration or a bulk job would) holding app_user locked."""
    import psycopg
    from conftest import owner_url

    holder = psycopg.connect(owner_url(url).replace("postgresql+psycopg://", "postgresql://"))
    holder.execute("LOCK TABLE app_user IN ACCESS EXCLUSIVE MODE")
    return holder


@pytest.mark.parametrize("bound", [0.4, 1.5])
def test_a_lock_wait_on_postgresql_is_bounded_too(postgresql_url, bound):
    """Issue 19: on PostgreSQL busy_wait_seconds had no effect: a unit waited for a held lock for ever. Now it
    gives up within the bound with the same domain error as SQLite's busy, not psycopg's lock timeout."""
    holder = _hold_table_lock(postgresql_url)
    try:
        began = time.monotonic()
        with pytest.raises(DatabaseBusy, match="busy") as raised:
            in_transaction(postgresql_url, _write, wait=bound)
        waited = time.monotonic() - began
    finally:
        holder.rollback()
        holder.close()
    assert "lock timeout" not in str(raised.value) and "psycopg" not in str(raised.value)
    # bounded: well short of the 30 s default, with room for a machine running two suites at once
    assert bound - 0.05 <= waited < bound + 10
    with unit_of_work(postgresql_url) as session:  # a pooled connection keeps no shortened wait
        assert session.execute(text("SHOW lock_timeout")).scalar() == "30s"
        assert session.execute(text("SELECT count(*) FROM app_user")).scalar() >= 0


def test_the_postgresql_bound_comes_from_the_setting_and_the_cli_says_it_in_one_line(postgresql_url, monkeypatch,
                                                                                    tmp_path):
    from test_cli import cli_on

    monkeypatch.setenv("CRMTERM_BUSY_WAIT_SECONDS", "0.5")
    busy_wait_seconds.cache_clear()
    holder = _hold_table_lock(postgresql_url)
    try:
        began = time.monotonic()
        done = cli_on(postgresql_url, tmp_path / "home")("user", "list")
        assert time.monotonic() - began < 15  # the 0.5 s setting, not the 30 s default (room for a loaded machine)
    finally:
        holder.rollback()
        holder.close()
        busy_wait_seconds.cache_clear()
    assert done.exit_code == 1
    assert done.stderr.startswith("error: ") and "busy for 0.5 s" in done.stderr and done.stderr.count("\n") == 1
