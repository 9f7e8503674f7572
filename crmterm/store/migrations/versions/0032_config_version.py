"""Configuration version counter: one row that every change of a configuration table bumps

The configuration cache (store/config_cache) must notice a change committed by any process. It read a
fingerprint of all configuration tables in every transaction (PostgreSQL: count and sum of xmin over 19
tables; SQLite: a digest of their contents whenever another connection had committed anything, which with
many agents registering is nearly every transaction). Triggers now bump `config_version.n` on every insert,
update, delete (and TRUNCATE on PostgreSQL) of those tables, whoever writes (a service, config import, psql),
and the cache reads that one row. The table list is store/config_cache.CONFIG_TABLES at this revision;
tests/test_config_cache.py checks that every table the cache relies on has its triggers.

Revision ID: 0032
Revises: 0031
"""
from alembic import op

revision = '0032'
down_revision = '0031'
branch_labels = None
depends_on = None

TABLES = ("app_user", "attribute_def", "attribute_group", "automation_rule", "calendar", "channel",
          "client_category", "contact_template", "dictionary", "dictionary_item", "place", "place_type",
          "priority", "queue", "route", "route_revision", "sla_rule", "topic", "webhook_subscription")
_BUMP = "UPDATE config_version SET n = n + 1 WHERE id = 1"


def upgrade() -> None:
    op.execute("CREATE TABLE config_version (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)")
    op.execute("INSERT INTO config_version (id, n) VALUES (1, 0)")
    if op.get_bind().dialect.name == "postgresql":
        # SECURITY DEFINER: a per-user database login that may write a configuration table bumps the counter
        # without a grant on it (every login may read it: the default privileges give SELECT). The table is
        # named with its schema and the search path pinned, as a definer function must.
        schema = op.get_bind().exec_driver_sql("SELECT quote_ident(current_schema())").scalar()
        bump = _BUMP.replace("config_version", f"{schema}.config_version")
        op.execute(f"""CREATE FUNCTION config_version_bump() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog AS $$ BEGIN {bump}; RETURN NULL; END $$""")
        for table in TABLES:
            op.execute(f"CREATE TRIGGER {table}_config_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                       f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION config_version_bump()")
        return
    for table in TABLES:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER {table}_config_version_{operation.lower()} AFTER {operation} ON {table} "
                       f"BEGIN {_BUMP}; END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER {table}_config_version ON {table}")
        op.execute("DROP FUNCTION config_version_bump()")
    else:
        for table in TABLES:
            for operation in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER {table}_config_version_{operation}")
    op.execute("DROP TABLE config_version")
