"""Append-only history and audit for the application role; password hashes hidden from it

History (change_log, inquiry_event, inquiry_event_archive) and the audit log get triggers on both databases.
They refuse UPDATE and DELETE except the three changes crmterm itself makes, each checked against the rows
that justify it, so the application role can no longer rewrite what happened:
- erasure (services/customers/erasure) may clear the values of change rows and the texts of events (and drop keys of
  their data) — only where the customer they belong to is already marked erased;
- a merge (services/customers/customers.merge) may re-point a party's change rows — only to the party it was merged into;
- automation (services/routing/automation) may complete its own event once with what the rule's actions did;
- archiving (services/platform/archive) may delete a live event — only once its copy is in inquiry_event_archive.
TRUNCATE is refused on PostgreSQL (it fires no row trigger). On PostgreSQL the audit log's time is the
server's clock, and a per-user database login (`crmterm db roles`, README "Security") may only write audit
rows in its own name: under the shared application role the database cannot know who is typing, so there
the actor is what the application says; with one login per person it is checked.

Password hashes move to `user_password`, which the application role may write but not read
(`crmterm db roles`); the log-in check goes through two SECURITY DEFINER functions (store/passwords).

Revision ID: 0019
Revises: 0018
"""
from alembic import op
import sqlalchemy as sa

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

DB_LOGIN_PREFIX = 'crmterm_u_'  # store/roles.DB_LOGIN_PREFIX: the database login of crmterm user X


def _erased_owner(entity: str, entity_id: str) -> str:
    """SQL true when the change row's owner (a party, its contact person or a subscriber on its contracts)
    belongs to an erased customer; the same text on both databases."""
    return f"""CASE {entity}
      WHEN 'party' THEN EXISTS (SELECT 1 FROM party p WHERE p.id = {entity_id} AND p.erased_at IS NOT NULL)
      WHEN 'contact_person' THEN EXISTS (SELECT 1 FROM contact_person c JOIN party p ON p.id = c.party_id
                                         WHERE c.id = {entity_id} AND p.erased_at IS NOT NULL)
      WHEN 'subscriber' THEN EXISTS (SELECT 1 FROM subscriber s JOIN contract k ON k.id = s.contract_id
                                     JOIN party p ON p.id = k.payer_party_id
                                     WHERE s.id = {entity_id} AND p.erased_at IS NOT NULL)
      ELSE 0 = 1 END"""


_ERASED_INQUIRY = """(EXISTS (SELECT 1 FROM inquiry i JOIN party p ON p.id = i.party_id
                      WHERE i.id = OLD.inquiry_id AND p.erased_at IS NOT NULL)
   OR EXISTS (SELECT 1 FROM inquiry_archive i JOIN party p ON p.id = i.party_id
              WHERE i.id = OLD.inquiry_id AND p.erased_at IS NOT NULL))"""

_CHANGE_ALLOWED = f"""NEW.id = OLD.id AND NEW.entity = OLD.entity AND NEW.field = OLD.field AND NEW.at = OLD.at
  AND NEW."by" = OLD."by" AND NEW.source = OLD.source
  AND ((NEW.entity_id = OLD.entity_id AND NEW.old IS NULL AND NEW.new IS NULL
        AND {_erased_owner('OLD.entity', 'OLD.entity_id')})
    OR (OLD.entity = 'party' AND NEW.old IS NOT DISTINCT FROM OLD.old AND NEW.new IS NOT DISTINCT FROM OLD.new
        AND EXISTS (SELECT 1 FROM party m WHERE m.id = OLD.entity_id AND m.merged_into_id = NEW.entity_id)))"""

_EVENT_SAME = """NEW.id = OLD.id AND NEW.inquiry_id = OLD.inquiry_id AND NEW.at = OLD.at AND NEW.actor = OLD.actor
  AND NEW.kind = OLD.kind AND NEW.contact_id IS NOT DISTINCT FROM OLD.contact_id
  AND (NEW.text = '' OR NEW.text = OLD.text)"""

_EVENT_KEYS_SAME = """NEW.id = OLD.id AND NEW.inquiry_id = OLD.inquiry_id AND NEW.at = OLD.at AND NEW.actor = OLD.actor
  AND NEW.kind = OLD.kind AND NEW.contact_id IS NOT DISTINCT FROM OLD.contact_id"""

# An automation event is written before its rule's actions run (the timeline reads cause, then effect) and
# completed once with what they did (services/routing/automation): allowed while it has no `actions` yet.
_AUTOMATION_DONE = {
    'postgresql': """OLD.kind = 'automation' AND NOT (OLD.data::jsonb ? 'actions')
                     AND (NEW.data::jsonb ? 'actions')""",
    'sqlite': """OLD.kind = 'automation' AND json_extract(OLD.data, '$.actions') IS NULL
                 AND json_extract(NEW.data, '$.actions') IS NOT NULL""",
}

# Every top-level key of the new data is in the old data with the same value: keys may only be dropped.
_DATA_SUBSET = {
    'postgresql': """NOT EXISTS (SELECT 1 FROM jsonb_each(NEW.data::jsonb) n
                     WHERE (OLD.data::jsonb -> n.key) IS DISTINCT FROM n.value)""",
    'sqlite': """NOT EXISTS (SELECT 1 FROM json_each(NEW.data) n WHERE NOT EXISTS (
                     SELECT 1 FROM json_each(OLD.data) o
                     WHERE o.key = n.key AND o.type = n.type AND o.value IS n.value))""",
}

# (table, operation) -> the condition under which the change is allowed; None: never
_RULES = {
    ('change_log', 'UPDATE'): lambda dialect: _CHANGE_ALLOWED,
    ('change_log', 'DELETE'): lambda dialect: None,
    ('inquiry_event', 'UPDATE'): lambda d: f"(({_EVENT_SAME} AND {_DATA_SUBSET[d]} AND {_ERASED_INQUIRY}) "
                                           f"OR ({_EVENT_KEYS_SAME} AND {_AUTOMATION_DONE[d]}))",
    ('inquiry_event', 'DELETE'): lambda d: "EXISTS (SELECT 1 FROM inquiry_event_archive a WHERE a.id = OLD.id)",
    ('inquiry_event_archive', 'UPDATE'): lambda d: f"{_EVENT_SAME} AND {_DATA_SUBSET[d]} AND {_ERASED_INQUIRY}",
    ('inquiry_event_archive', 'DELETE'): lambda dialect: None,
}
_PG_AUDIT_RULES = (('audit_log', 'UPDATE'), ('audit_log', 'DELETE'))  # SQLite has them since 0016


def _name(table: str, operation: str) -> str:
    return f"{table}_append_only_{operation.lower()}"


def _sqlite_trigger(table: str, operation: str, allowed: str | None) -> str:
    allowed = allowed and allowed.replace('IS NOT DISTINCT FROM', 'IS')  # SQLite's spelling
    when = f" WHEN NOT ({allowed})" if allowed else ""
    return (f"CREATE TRIGGER {_name(table, operation)} BEFORE {operation} ON {table}{when} BEGIN "
            f"SELECT RAISE(ABORT, '{table} is append-only'); END")


def _pg_trigger(table: str, operation: str, allowed: str | None) -> list[str]:
    function, row = _name(table, operation), 'OLD' if operation == 'DELETE' else 'NEW'
    check = f"IF {allowed} THEN RETURN {row}; END IF;" if allowed else ""
    return [f"""CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {check}
  RAISE EXCEPTION '{table} is append-only' USING ERRCODE = 'insufficient_privilege'; END $$""",
            f"CREATE TRIGGER {function} BEFORE {operation} ON {table} FOR EACH ROW EXECUTE FUNCTION {function}()"]


def _pg_no_truncate(table: str) -> list[str]:
    return [(f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
             "FOR EACH STATEMENT EXECUTE FUNCTION crmterm_refuse_truncate()")]


def _pg_audit_insert() -> list[str]:
    """The server's clock stamps the row; a per-user login writes only in its own name (see the docstring)."""
    return [f"""CREATE FUNCTION audit_log_checked_insert() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE own text;
BEGIN
  NEW.at := clock_timestamp();
  SELECT u.login INTO own FROM app_user u WHERE '{DB_LOGIN_PREFIX}' || u.login = current_user;
  IF own IS NOT NULL AND NEW.actor IS DISTINCT FROM own THEN
    RAISE EXCEPTION 'audit_log: % may not write in the name of %', own, NEW.actor
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NEW;
END $$""",
            ("CREATE TRIGGER audit_log_checked_insert BEFORE INSERT ON audit_log FOR EACH ROW "
             "EXECUTE FUNCTION audit_log_checked_insert()")]


def _pg_password_functions(schema: str) -> list[str]:
    """The log-in check without reading the hash: the parameters and salt (the digest masked), then a yes/no
    for a candidate hash computed by the client (store/passwords). SECURITY DEFINER: they run as their
    owner (`crmterm db roles` gives them to the owner role and EXECUTE to the application role only)."""
    head = f"LANGUAGE sql STABLE SECURITY DEFINER SET search_path = {schema}, pg_temp AS"
    return [
        f"""CREATE FUNCTION crmterm_password_settings(uid integer) RETURNS text {head} $$
  SELECT regexp_replace(password_hash, '[^$]*$', repeat('A', length(substring(password_hash from '[^$]*$'))))
  FROM user_password WHERE user_id = uid $$""",
        f"""CREATE FUNCTION crmterm_password_matches(uid integer, candidate text) RETURNS boolean {head} $$
  SELECT coalesce((SELECT password_hash = candidate FROM user_password WHERE user_id = uid), false) $$""",
        "REVOKE EXECUTE ON FUNCTION crmterm_password_settings(integer) FROM PUBLIC",
        "REVOKE EXECUTE ON FUNCTION crmterm_password_matches(integer, text) FROM PUBLIC",
    ]


def _passwords_table() -> None:
    op.create_table('user_password',
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('password_hash', sa.String(length=255), nullable=False),
                    sa.ForeignKeyConstraint(['user_id'], ['app_user.id'],
                                            name=op.f('fk_user_password_user_id_app_user')),
                    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_user_password')))
    op.execute("INSERT INTO user_password (user_id, password_hash) "
               "SELECT id, password_hash FROM app_user WHERE password_hash IS NOT NULL")
    op.execute("ALTER TABLE app_user DROP COLUMN password_hash")  # SQLite >= 3.35: no table rebuild


def upgrade() -> None:
    _passwords_table()
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for (table, operation), rule in _RULES.items():
            op.execute(_sqlite_trigger(table, operation, rule(dialect)))
        return
    schema = op.get_bind().execute(sa.text("SELECT current_schema()")).scalar_one()
    statements = ["""CREATE FUNCTION crmterm_refuse_truncate() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME USING ERRCODE = 'insufficient_privilege'; END $$"""]
    for (table, operation), rule in _RULES.items():
        statements += _pg_trigger(table, operation, rule(dialect))
    for table, operation in _PG_AUDIT_RULES:
        statements += _pg_trigger(table, operation, None)
    for table in ('change_log', 'inquiry_event', 'inquiry_event_archive', 'audit_log'):
        statements += _pg_no_truncate(table)
    statements += _pg_audit_insert() + _pg_password_functions(schema)
    for statement in statements:
        op.execute(statement)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for table, operation in _RULES:
            op.execute(f"DROP TRIGGER IF EXISTS {_name(table, operation)}")
    else:
        for table, operation in (*_RULES, *_PG_AUDIT_RULES):
            op.execute(f"DROP FUNCTION IF EXISTS {_name(table, operation)}() CASCADE")
        for name in ('audit_log_checked_insert()', 'crmterm_refuse_truncate()',
                     'crmterm_password_settings(integer)', 'crmterm_password_matches(integer, text)'):
            op.execute(f"DROP FUNCTION IF EXISTS {name} CASCADE")
    op.add_column('app_user', sa.Column('password_hash', sa.String(length=255), nullable=True))
    op.execute("UPDATE app_user SET password_hash = (SELECT p.password_hash FROM user_password p "
               "WHERE p.user_id = app_user.id)")
    op.drop_table('user_password')
