"""PostgreSQL least privilege (`crmterm db roles`): the whole PostgreSQL half of the suite runs as the
application role (tests/conftest.py); here we show that role refuses DDL and changes to the audit log while
the everyday services work, that new tables made by the owner are covered, and that the CLI never shows a
password. SQLite: no roles — new database files are private to their owner (0600)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from conftest import PG_ROLES, as_role
from crmterm.services.platform import archive
from crmterm.services.customers import customer_import
from crmterm.services.routing import queues
from crmterm.services.reports import reports
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.reports.reports_scope import ReportParams
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.store import User, utcnow
from crmterm.store.db import dispose_all, engine_for, unit_of_work
from helpers import ADMIN
from test_archive import finish

DDL = ("CREATE TABLE intruder (id integer)", "DROP TABLE audit_log", "ALTER TABLE party ADD COLUMN x integer",
       "CREATE INDEX ix_intruder ON party (kind)", "TRUNCATE audit_log",
       "UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log", "UPDATE alembic_version SET version_num = 'x'")


def _refused(url: str, statement: str) -> str:
    with pytest.raises(DBAPIError) as refused, engine_for(url).begin() as connection:
        connection.execute(text(statement))
    return str(refused.value.orig)


def test_the_application_role_may_not_change_the_schema_or_the_audit_log(postgresql_url):
    with engine_for(postgresql_url).connect() as connection:
        assert connection.execute(text("SELECT current_user")).scalar() == PG_ROLES.app
    for statement in DDL:
        why = _refused(postgresql_url, statement)
        assert "permission denied" in why or "must be owner" in why, (statement, why)


def test_everyday_services_work_as_the_application_role(demo_url, tmp_path):
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "inquiries": [
        {"topic": "slow_data", "values": {"problem_since": "2026-11-27T08:00"}} for _i in range(3)]})
    with unit_of_work(demo_url) as session:
        ids = register(session=session, actor=ADMIN, draft=draft).inquiry_ids
    with unit_of_work(demo_url) as session:
        agent = session.exec(select(User).where(User.login == "agent")).one()
        taker = Actor(login="agent", role=Role.AGENT, id=agent.id)
        assert queues.take_next(session=session, actor=taker, queue="first_line") is not None
    people = tmp_path / "people.csv"
    people.write_text("type,name,email\nparty,Role Test,role@example.org\n", encoding="utf-8")
    with unit_of_work(demo_url) as session:
        assert customer_import.import_file(session=session, actor=ADMIN, path=people).created == {"party": 1}
    now = utcnow()
    with unit_of_work(demo_url) as session:
        table = reports.run(session=session, actor=ADMIN, name="topics",
                            params=ReportParams(start=now.replace(year=now.year - 1), end=now))
    assert table.rows
    finish(demo_url, ids)
    assert archive.run(url=demo_url, actor=ADMIN, before=archive.cutoff(365)).archived >= 1


def test_applied_roles_cover_tables_the_owner_creates_later(postgresql_url, pg_server, tmp_path):
    database = make_url(postgresql_url).database
    admin = make_url(pg_server).set(database=database).render_as_string(hide_password=False)
    env = {"CRMTERM_DB_OWNER_PASSWORD": "o-secret-9", "CRMTERM_DB_APP_PASSWORD": "a-secret-9"}
    done = _cli(admin, tmp_path, env, "--apply")
    assert done.exit_code == 0, done.output
    assert "o-secret-9" not in done.output and "a-secret-9" not in done.output
    owner, app = (make_url(admin).set(username=r, password=p) for r, p in (("t_owner", "o-secret-9"),
                                                                           ("t_app", "a-secret-9")))
    with psycopg.connect(owner.set(drivername="postgresql").render_as_string(hide_password=False)) as c:
        c.execute("CREATE TABLE future_table (id serial PRIMARY KEY, note text)")  # a later migration
        c.execute("ALTER TABLE party ADD COLUMN owner_may integer")  # the owner owns the old tables too
    app_url = app.render_as_string(hide_password=False)
    with engine_for(app_url).begin() as connection:
        connection.execute(text("INSERT INTO future_table (note) VALUES ('ok')"))
        assert connection.execute(text("SELECT count(*) FROM future_table")).scalar() == 1
    assert "must be owner" in _refused(app_url, "DROP TABLE future_table")
    dispose_all()


def _cli(url: str, tmp_path: Path, env: dict, *extra: str):
    from test_cli import app, runner

    return runner.invoke(app, ["--db", url, "db", "roles", "--owner", "t_owner", "--app", "t_app", *extra],
                         env={"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": None, **env})


def test_printed_sql_masks_passwords_and_sqlite_says_it_has_no_roles(postgresql_url, sqlite_url, tmp_path):
    env = {"CRMTERM_DB_OWNER_PASSWORD": "o-secret-9", "CRMTERM_DB_APP_PASSWORD": "it's-secret"}
    printed = _cli(postgresql_url, tmp_path, env)
    assert printed.exit_code == 0, printed.output
    assert "secret" not in printed.output and "PASSWORD '********'" in printed.output
    assert 'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA "public" TO "t_app"' in printed.output
    assert 'REVOKE UPDATE, DELETE, TRUNCATE ON "public".audit_log FROM "t_app"' in printed.output
    as_json = json.loads(_cli(postgresql_url, tmp_path, env, "--json").stdout)
    assert as_json["applied"] is False and "secret" not in as_json["sql"]
    bad = _cli(postgresql_url, tmp_path, {}, "--app", "Robert'); DROP")
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    sqlite = _cli(sqlite_url, tmp_path, env)
    assert sqlite.exit_code == 1 and "0600" in sqlite.output


def test_new_sqlite_databases_and_backups_are_private(tmp_path):
    from crmterm.store import backup, migrate

    url = f"sqlite:///{tmp_path / 'new' / 'crmterm.db'}"
    migrate.upgrade(url)

    made = backup.backup(url, tmp_path / "copy.db")
    for path in (tmp_path / "new" / "crmterm.db", made.path):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path
    dispose_all()


def test_the_owner_url_fixture_may_change_the_schema(postgresql_owner_url):
    with engine_for(postgresql_owner_url).begin() as connection:
        assert connection.execute(text("SELECT current_user")).scalar() == PG_ROLES.owner
        connection.execute(text("CREATE TABLE allowed_here (id integer)"))
    assert as_role(postgresql_owner_url, PG_ROLES.app) != postgresql_owner_url


def test_printed_sql_keeps_history_append_only_hashes_unread_and_sets_up_the_group_roles(postgresql_url, tmp_path):
    printed = _cli(postgresql_url, tmp_path, {}).output
    history = '"public".change_log, "public".inquiry_event, "public".inquiry_event_archive, "public".audit_log'
    for line in (f'REVOKE TRUNCATE ON {history} FROM "t_app"',
                 'REVOKE SELECT ON "public".user_password FROM "t_app"',
                 'GRANT SELECT (user_id) ON "public".user_password TO "t_app"',
                 'REVOKE SELECT ON "public".user_password FROM "crmterm_auditor"',
                 'ALTER FUNCTION "public".crmterm_set_db_login(text, text, text, boolean) OWNER TO '
                 '"crmterm_login_manager"'):
        assert line in printed, line
    for group in ("crmterm_agent", "crmterm_supervisor", "crmterm_admin", "crmterm_auditor"):
        assert f'CREATE ROLE "{group}" NOLOGIN' in printed
