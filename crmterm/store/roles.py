"""Least privilege on PostgreSQL: an owner role that runs migrations and owns every table, and an application
role that may only read and write rows (`crmterm db roles`).

The application role gets SELECT/INSERT/UPDATE/DELETE on the tables and USAGE/SELECT/UPDATE on the
sequences (UPDATE: setval, which the demo and synthetic data need after writing explicit ids — it changes
numbering, never the schema), the same on everything the owner creates later (default privileges: run
`db upgrade` as the owner), and no CREATE on the schema — so DDL is refused. The audit log is append-only
for it (SELECT, INSERT), and it may not write alembic_version. SQLite has no roles: there the file's mode
(0600, store/db) is the boundary.

History (change_log, inquiry_event and its archive) is append-only through migration 0019's triggers, and
password hashes (user_password) are written but never read by the application role: run `db roles` again
after a `db upgrade` that adds tables, so such revokes cover them.

Roles are cluster-wide and the statements are idempotent: running them again sets the passwords and
re-grants. Apply them as a superuser (or a role with CREATEROLE that may take ownership of the tables)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy.engine import make_url

from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.store import role_groups
from crmterm.store.db import normalise_url

_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MASK = "********"
DML = "SELECT, INSERT, UPDATE, DELETE"
HISTORY_TABLES = ("change_log", "inquiry_event", "inquiry_event_archive", "audit_log")


@dataclass(frozen=True)
class RolePlan:
    owner: str = "crmterm_owner"
    app: str = "crmterm_app"
    owner_password: str | None = None  # None: the role's password is left as it is
    app_password: str | None = None
    schema: str = "public"


def _ident(name: str, what: str) -> str:
    if not _NAME.match(name):
        raise ConfigError(_("{what} '{name}': use lower-case letters, digits and '_' (at most 63)").format(
            what=what, name=name))
    return f'"{name}"'


def _literal(secret: str) -> str:
    return "'" + secret.replace("'", "''") + "'"


def statements(plan: RolePlan, database: str, *, masked: bool) -> list[str]:
    """The SQL for `database`, in order; with `masked`, passwords are shown as ********."""
    owner, app = _ident(plan.owner, _("owner role")), _ident(plan.app, _("application role"))
    schema, db = _ident(plan.schema, _("schema")), '"' + database.replace('"', '""') + '"'
    if plan.owner == plan.app:
        raise ConfigError(_("the owner and the application role must differ"))
    sql = [_create(plan.owner), _create(plan.app)]
    for role, secret in ((owner, plan.owner_password), (app, plan.app_password)):
        password = f" PASSWORD {_literal(MASK if masked else secret)}" if secret is not None else ""
        sql.append(f"ALTER ROLE {role} WITH LOGIN NOSUPERUSER NOCREATEROLE NOCREATEDB NOBYPASSRLS{password}")
    sql += [
        f"GRANT CONNECT ON DATABASE {db} TO {owner}, {app}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM PUBLIC",
        f"GRANT USAGE, CREATE ON SCHEMA {schema} TO {owner}",
        f"REVOKE CREATE ON SCHEMA {schema} FROM {app}",
        f"GRANT USAGE ON SCHEMA {schema} TO {app}",
        _take_ownership(plan.schema, plan.owner),
        f"GRANT {DML} ON ALL TABLES IN SCHEMA {schema} TO {app}",
        f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT {DML} ON TABLES TO {app}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
        f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {app}",
        f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit_log FROM {app}",
        f"REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON {schema}.alembic_version FROM {app}",
        *_history_and_passwords(schema, app),
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT EXECUTE ON FUNCTIONS TO {app}",
    ]
    return sql + role_groups.statements(schema, db, owner, app)  # per-user logins (store/role_groups)


def _history_and_passwords(schema: str, app: str) -> list[str]:
    """History is append-only (migration 0019's triggers allow only erasure, merge and archive changes;
    TRUNCATE would skip them). Password hashes: written, never read — the log-in check runs through the
    two SECURITY DEFINER functions, granted to the application role alone (not to per-user logins)."""
    history = ", ".join(f"{schema}.{table}" for table in HISTORY_TABLES)
    return [f"REVOKE TRUNCATE ON {history} FROM {app}",
            f"REVOKE SELECT ON {schema}.user_password FROM {app}",
            f"GRANT SELECT (user_id) ON {schema}.user_password TO {app}",
            f"GRANT EXECUTE ON FUNCTION {schema}.crmterm_password_settings(integer), "
            f"{schema}.crmterm_password_matches(integer, text) TO {app}"]


def _create(name: str) -> str:
    return (f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
            f'CREATE ROLE "{name}" LOGIN; END IF; END $$')


def _take_ownership(schema: str, owner: str) -> str:
    """Tables, views and free-standing sequences of the schema go to the owner (indexes and the sequences
    of serial columns follow their table), and so do our functions (those of extensions stay: pg_trgm's)
    — the SECURITY DEFINER ones then run as the owner, not as whoever ran the migration."""
    return f"""DO $$ DECLARE r record; BEGIN
  FOR r IN SELECT p.oid::regprocedure AS signature FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
           WHERE n.nspname = '{schema}' AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = p.oid
                                                        AND d.deptype = 'e')
  LOOP
    EXECUTE format('ALTER FUNCTION %s OWNER TO %I', r.signature, '{owner}');
  END LOOP;
  FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = '{schema}' AND c.relkind IN ('r', 'p', 'v', 'm', 'S')
             AND NOT EXISTS (SELECT FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i', 'e'))
  LOOP
    EXECUTE format('ALTER %s %I.%I OWNER TO %I',
                   CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW'
                                  WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END,
                   '{schema}', r.relname, '{owner}');
  END LOOP;
END $$"""


def database_of(url: str) -> str:
    url = normalise_url(url)
    if not url.startswith("postgresql"):
        raise ConfigError(_("SQLite has no roles: protect the database file instead (it is created 0600)"))
    return make_url(url).database or "postgres"


def script(plan: RolePlan, url: str) -> str:
    """The statements as a psql script, passwords masked."""
    return ";\n".join(statements(plan, database_of(url), masked=True)) + ";\n"


def apply(plan: RolePlan, url: str) -> None:
    """Run the statements in one transaction on `url` (a superuser's connection to the database)."""
    import psycopg  # here: every command imports this module (through the schema check), few apply roles

    sql = statements(plan, database_of(url), masked=False)
    dsn = make_url(normalise_url(url)).set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        with psycopg.connect(dsn) as connection:
            for statement in sql:
                connection.execute(statement)
    except psycopg.Error as error:
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigError(_("cannot apply the roles: {why}").format(why=first)) from None
