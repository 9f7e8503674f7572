"""Per-user database logins on the real PostgreSQL cluster (store/role_groups, README "Security"): `user add
--db-login` creates `crmterm_u_<login>` in its role's group; an agent's own login cannot change users or
configuration nor read password hashes, nor write the audit log in another's name; an auditor's inserts
nothing; deactivating a user disables the login at once; the CLI and the TUI's gateway log in through it.
The throwaway cluster trusts local connections, so what we check of the password is the SCRAM verifier."""

from __future__ import annotations

import base64

import psycopg
import pytest
from conftest import PG_ROLES, _database_from, as_role
from helpers import ADMIN
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel
from test_cli import cli_on

from crmterm.errors import AuthenticationFailed
from crmterm.services.accounts import db_login_auth, users
from crmterm.services.platform.gateway import Gateway
from crmterm.settings import Settings
from crmterm.store import db_logins, load_all
from crmterm.store.db import dispose_all, unit_of_work
from crmterm.store.role_groups import OWN_ROWS

PASSWORD = "own-secret-7"


@pytest.fixture
def pg_demo(request):
    """The demo database on PostgreSQL only, as the application role."""
    server, template = request.getfixturevalue("pg_server"), request.getfixturevalue("pg_demo_template")
    for url in _database_from(server, template):
        yield as_role(url, PG_ROLES.app)


def _add(url: str, login: str, role: str) -> None:
    with unit_of_work(url) as session:
        users.add_user(session=session, actor=ADMIN, values={"login": login, "role": role}, password=PASSWORD,
                       db_login=True)


def _connect(url: str, login: str) -> psycopg.Connection:
    dsn = make_url(db_logins.url_for(url, login, PASSWORD)).set(drivername="postgresql")
    return psycopg.connect(dsn.render_as_string(hide_password=False), autocommit=True)


def _refused(connection: psycopg.Connection, statement: str) -> str:
    with pytest.raises(psycopg.Error) as refused:
        connection.execute(statement)
    return str(refused.value)


def test_an_agents_own_login_has_an_agents_rights_only(pg_demo):
    _add(pg_demo, "dbagent", "agent")
    with _connect(pg_demo, "dbagent") as agent:
        assert agent.execute("SELECT current_user").fetchone()[0] == "crmterm_u_dbagent"
        assert agent.execute("SELECT count(*) FROM party").fetchone()[0] >= 0  # reads operational rows
        for statement in ("UPDATE app_user SET role_code = 'admin' WHERE login = 'dbagent'",
                          "SELECT password_hash FROM user_password", "UPDATE queue SET code = code",
                          "SELECT crmterm_password_settings(1)",
                          "SELECT crmterm_set_db_login('dbagent', 'admin', NULL, true)"):
            assert "permission denied" in _refused(agent, statement), statement
        forged = ("INSERT INTO audit_log (at, actor, source, action, entity, entity_key) "
                  "VALUES (now(), '{who}', 'cli', 'update', 'users', 'x')")
        assert "may not write in the name of" in _refused(agent, forged.format(who="admin"))
        agent.execute(forged.format(who="dbagent"))  # in its own name: accepted


def test_the_servers_application_role_may_act_as_a_user_with_set_role(pg_demo):
    _add(pg_demo, "dbagent2", "agent")
    app = make_url(pg_demo).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(app, autocommit=True) as connection:
        connection.execute('SET ROLE "crmterm_u_dbagent2"')
        assert "permission denied" in _refused(connection, "UPDATE app_user SET active = false")


def test_an_auditors_login_inserts_nowhere(pg_demo):
    """Nowhere but the auditor's own preferences (role_groups.OWN_ROWS: an auditor may keep their language)."""
    _add(pg_demo, "dbaudit", "auditor")
    with _connect(pg_demo, "dbaudit") as auditor:
        assert auditor.execute("SELECT count(*) FROM audit_log").fetchone()[0] >= 1
        load_all()  # every table on SQLModel.metadata (models load on first use)
        for table in sorted(set(SQLModel.metadata.tables) - set(OWN_ROWS)):
            why = _refused(auditor, f"INSERT INTO {table} DEFAULT VALUES")
            assert "permission denied" in why, (table, why)
        own = auditor.execute("SELECT id FROM app_user WHERE login = 'dbaudit'").fetchone()[0]
        auditor.execute("INSERT INTO user_preference (user_id, key, value, updated_at) "
                        "VALUES (%s, 'language', 'ru', now())", (own,))


def test_the_password_reaches_the_server_as_a_scram_verifier(pg_demo, pg_server):
    _add(pg_demo, "dbpass", "agent")
    superuser = make_url(pg_server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(superuser) as connection:
        stored = connection.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'crmterm_u_dbpass'"
                                    ).fetchone()[0]
    iterations, salt = stored.split("$")[1].split(":")
    assert stored == db_logins.scram_verifier(PASSWORD, salt=base64.b64decode(salt), iterations=int(iterations))


def test_deactivation_disables_the_login_and_a_role_change_moves_it(pg_demo):
    _add(pg_demo, "dbshift", "agent")
    settings = Settings(database_url=pg_demo, per_user_db_logins=True)
    with unit_of_work(pg_demo) as session:
        users.update_user(session=session, actor=ADMIN, login="dbshift", values={"role": "admin"},
                          expected_version=None)
    _, actor = db_login_auth.log_in(settings, "dbshift", PASSWORD)
    assert actor.role == "admin"
    with _connect(pg_demo, "dbshift") as shifted:
        assert shifted.execute("SELECT pg_has_role('crmterm_admin', 'MEMBER'), "
                               "pg_has_role('crmterm_agent', 'MEMBER')").fetchone() == (True, False)
    with unit_of_work(pg_demo) as session:
        users.update_user(session=session, actor=ADMIN, login="dbshift", values={"active": False},
                          expected_version=None)
    dispose_all()  # pooled connections of the login would outlive NOLOGIN
    with pytest.raises(AuthenticationFailed, match="Wrong login or password"):
        db_login_auth.log_in(settings, "dbshift", PASSWORD)


def test_the_gateway_and_the_cli_connect_as_the_users_own_login(pg_demo, tmp_path):
    _add(pg_demo, "dbcli", "supervisor")
    gateway = Gateway(Settings(database_url=pg_demo, per_user_db_logins=True))
    assert gateway.login("dbcli", PASSWORD).login == "dbcli"
    assert make_url(gateway.settings.database_url).username == "crmterm_u_dbcli"
    assert [u.login for u in gateway.call(users.list_users) if u.login == "dbcli"] == ["dbcli"]
    cli = cli_on(pg_demo, tmp_path / "home")
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "dbcli", "CRMTERM_PASSWORD": PASSWORD,
           "CRMTERM_PER_USER_DB_LOGINS": "yes"}
    from test_cli import app, runner
    added = runner.invoke(app, ["--db", pg_demo, "user", "add", "nobody", "--role", "admin",
                                "--password-stdin"], input="pw-nobody\n", env=env)
    assert added.exit_code == 1 and "error:" in added.output  # a supervisor may not add users
    assert cli("user", "show", "dbcli").exit_code == 0


def test_sqlite_has_no_database_logins(sqlite_url, tmp_path):
    cli = cli_on(sqlite_url, tmp_path / "home")
    done = cli("user", "add", "solo", "--role", "agent", "--password-stdin", "--db-login", input="pw-solo\n")
    assert done.exit_code == 1 and done.output.startswith("error:") and "PostgreSQL" in done.output


def test_an_agent_changes_their_own_database_password(pg_demo, pg_server):
    _add(pg_demo, "dbself", "agent")
    settings, actor = db_login_auth.log_in(Settings(database_url=pg_demo, per_user_db_logins=True), "dbself",
                                           PASSWORD)
    with unit_of_work(settings.database_url) as session:
        users.set_password(session=session, actor=actor, login="dbself", password="a-new-one-9")
    superuser = make_url(pg_server).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(superuser) as connection:
        stored = connection.execute("SELECT rolpassword FROM pg_authid WHERE rolname = 'crmterm_u_dbself'"
                                    ).fetchone()[0]
    iterations, salt = stored.split("$")[1].split(":")
    assert stored == db_logins.scram_verifier("a-new-one-9", salt=base64.b64decode(salt), iterations=int(iterations))
    with _connect(pg_demo, "dbself") as agent:  # someone else's password, past the service: refused too
        assert "permission denied" in _refused(agent, "UPDATE user_password SET password_hash = 'x'")
        assert "permission denied" in _refused(agent, "ALTER ROLE crmterm_test_app PASSWORD 'x'")


def test_a_login_is_made_only_for_a_user_of_that_role(pg_demo):
    """Whoever holds the application role cannot leave a database login behind for a user who does not exist
    (it would outlive a change of the application role's password)."""
    for login, role in (("ghost", "admin"), ("agent", "admin")):
        with pytest.raises(Exception, match="not found"), unit_of_work(pg_demo) as session:
            session.execute(text("SELECT crmterm_set_db_login(:login, :role, NULL, true)"),
                            {"login": login, "role": role})
