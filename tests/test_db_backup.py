"""`crmterm db backup / restore` (SQLite online backup): consistent while a writer works, restore brings the
content back and keeps the replaced one aside, a newer schema is refused untouched; PostgreSQL points at
pg_dump. Both databases."""

from __future__ import annotations

import sqlite3
import threading

from test_cli import cli_on


def _count(path, table="party") -> int:
    with sqlite3.connect(path) as connection:
        return connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_backup_while_a_writer_works_then_restore(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    if not demo_url.startswith("sqlite"):
        done = cli("db", "backup", str(tmp_path / "b.db"))
        assert done.exit_code == 1 and "pg_dump" in done.output
        return
    live = demo_url.removeprefix("sqlite:///")
    stop = threading.Event()

    def write() -> None:  # an agent registering customers all the while
        with sqlite3.connect(live, timeout=30) as connection:
            n = 0
            while not stop.is_set():
                connection.execute("INSERT INTO party (kind, is_lead, display_name, names, status, name_key, "
                                   "search_key, version, created_at, updated_at) VALUES ('person', 0, ?, '{}', "
                                   "'active', '', '', 1, '2026-01-01', '2026-01-01')", (f"Writer {n}",))
                connection.commit()
                n += 1

    writer = threading.Thread(target=write)
    writer.start()
    try:
        done = cli("db", "backup", str(tmp_path / "b.db"))
    finally:
        stop.set()
        writer.join()
    assert done.exit_code == 0, done.output
    with sqlite3.connect(tmp_path / "b.db") as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    saved = _count(tmp_path / "b.db")
    assert _count(live) >= saved
    assert cli("db", "backup", str(tmp_path / "b.db")).exit_code == 1  # never overwritten silently
    restored = cli("db", "restore", str(tmp_path / "b.db"), "--yes")
    assert restored.exit_code == 0, restored.output
    assert _count(live) == saved
    assert _count(f"{live}.before-restore.bak") >= saved  # what was replaced is kept beside the database


def test_restore_refuses_a_newer_schema_and_changes_nothing(sqlite_url, tmp_path):
    demo_url = sqlite_url  # SQLite only: PostgreSQL is restored with pg_restore (the test above)
    cli = cli_on(demo_url, tmp_path / "home")
    assert cli("db", "backup", str(tmp_path / "b.db")).exit_code == 0
    with sqlite3.connect(tmp_path / "b.db") as copy:
        copy.execute("UPDATE alembic_version SET version_num = '9999'")
    live = demo_url.removeprefix("sqlite:///")
    before = _count(live)
    done = cli("db", "restore", str(tmp_path / "b.db"), "--yes")
    assert done.exit_code == 1 and "newer schema (9999)" in done.output
    assert "Traceback" not in done.output and _count(live) == before
