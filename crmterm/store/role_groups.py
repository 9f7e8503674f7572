"""Per-user database logins on PostgreSQL (README "Security"): one group role per crmterm role with the table
privileges that role needs, and one LOGIN role per crmterm user, member of its group, so the credentials on
an agent's machine can do no more in the database than that agent may.

The floor has two models (both set up by `crmterm db roles`):
- shared: every workstation connects as the application role (rows of every table, history append-only);
- per user: a workstation connects as `crmterm_u_<login>` with the user's own password (settings
  `per_user_db_logins`); servers keep the application role and may `SET ROLE crmterm_u_<login>` per request
  (the application role is granted every user login for that).
Group privileges are a coarse floor under the services' role checks (services/accounts/permissions): the auditor
reads (no password hashes) and writes nothing; agents and supervisors write operational rows but only read
configuration and users; admins write what the application role writes. A user's login is created,
re-grouped, given a new password and disabled (NOLOGIN) by `crmterm_set_db_login`, a SECURITY DEFINER
function owned by a NOLOGIN role with CREATEROLE, so no login role needs CREATEROLE; it manages only
`crmterm_u_*` roles and takes a SCRAM verifier, never a clear password (store/db_logins)."""

from __future__ import annotations

GROUPS = ("agent", "supervisor", "admin", "auditor")
GROUP_PREFIX = "crmterm_"
DB_LOGIN_PREFIX = "crmterm_u_"  # migration 0019's audit trigger knows it too
LOGIN_MANAGER = "crmterm_login_manager"
SET_DB_LOGIN = "crmterm_set_db_login"
WRITERS = ("agent", "supervisor", "admin")
# What agents and supervisors may read but not write: configuration, users and their passwords, API tokens
# (a row there acts as any user it names; servers write them as the application role).
CONFIG_TABLES = (
    "alembic_version", "api_token", "app_user", "attribute_def", "attribute_group", "automation_rule", "calendar",
    "channel", "client_category", "contact_template", "customer_attribute", "dictionary", "dictionary_item",
    "escalation_rule", "mailing_list", "place", "place_type", "priority", "queue", "role", "route",
    "route_revision", "script", "sla_rule", "structure", "topic", "tracked_field", "user_group", "user_password",
    "skill", "agent_skill", "step_skill",
    "webhook_subscription",
    "sales_product", "sales_price_list", "sales_process", "sales_discount_limit", "sales_order_type",
    "technician",
)
# Webhook secrets sign what receivers trust: only admins' logins read them. Everyone else reads the columns
# publishing an event needs (services/integrations/outbox), so an agent's change still fills the outbox.
WEBHOOK_PUBLIC_COLUMNS = "id, kind, url, created_at, created_by, removed_at, removed_by"
# What every user, the auditor too, writes for itself: one's own preferences (the language F2 picks) are not
# business data. Not app_user, which agents may not write. Not registration_draft: a draft is a contact being
# registered, which auditors may not do (services: INQUIRIES_WRITE), so agents write it as operational rows. Not
# login_guard: under per-user logins PostgreSQL checks the password and crmterm's lock-out is not used
# (services/accounts/db_login_auth); the shared application role writes it.
OWN_ROWS = ("user_preference", "agent_presence")
HISTORY = ("change_log", "inquiry_event", "inquiry_event_archive", "audit_log")


def group(role: str) -> str:
    return f"{GROUP_PREFIX}{role}"


def statements(schema: str, database: str, owner: str, app: str) -> list[str]:
    """The group roles, their privileges in `database` and the login manager (identifiers already quoted)."""
    sql: list[str] = []
    for role in GROUPS:
        name = f'"{group(role)}"'
        sql += [*_create_nologin(group(role)), f"GRANT CONNECT ON DATABASE {database} TO {name}",
                f"GRANT USAGE ON SCHEMA {schema} TO {name}",
                f"REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {name}",
                f"GRANT SELECT ON ALL TABLES IN SCHEMA {schema} TO {name}",
                f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT SELECT ON TABLES TO {name}",
                f"REVOKE SELECT ON {schema}.user_password FROM {name}"]
        if role != "admin":
            sql += [f"REVOKE SELECT ON {schema}.webhook_subscription FROM {name}",
                    f"GRANT SELECT ({WEBHOOK_PUBLIC_COLUMNS}) ON {schema}.webhook_subscription TO {name}"]
        if role in WRITERS:
            sql += _writer(schema, owner, name, role)
        sql += [f"GRANT INSERT, UPDATE, DELETE ON {schema}.{table} TO {name}" for table in OWN_ROWS]
    return sql + _login_manager(schema, app)


def _writer(schema: str, owner: str, name: str, role: str) -> list[str]:
    write = "INSERT, UPDATE, DELETE"
    sql = [f"GRANT {write} ON ALL TABLES IN SCHEMA {schema} TO {name}",
           f"GRANT USAGE, SELECT, UPDATE ON ALL SEQUENCES IN SCHEMA {schema} TO {name}",
           f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} GRANT {write} ON TABLES TO {name}",
           (f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA {schema} "
            f"GRANT USAGE, SELECT, UPDATE ON SEQUENCES TO {name}"),
           f"REVOKE UPDATE, DELETE, TRUNCATE ON {schema}.audit_log FROM {name}",
           f"REVOKE TRUNCATE ON {', '.join(f'{schema}.{t}' for t in HISTORY)} FROM {name}",
           f"REVOKE {write}, TRUNCATE ON {schema}.alembic_version FROM {name}"]
    if role == "admin":
        return sql + [f"GRANT SELECT (user_id) ON {schema}.user_password TO {name}"]
    config = ", ".join(f"{schema}.{table}" for table in CONFIG_TABLES)
    return sql + [f"REVOKE {write}, TRUNCATE ON {config} FROM {name}"]


def _create_nologin(name: str, extra: str = "") -> list[str]:
    create = (f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
              f'CREATE ROLE "{name}" NOLOGIN; END IF; END $$')
    return [create, f'ALTER ROLE "{name}" NOLOGIN {extra}'.rstrip()]


def _login_manager(schema: str, app: str) -> list[str]:
    """The function admins call through users.add_user/update_user; it may be given only to `crmterm_u_*`."""
    groups = ", ".join(f"'{role}'" for role in GROUPS)
    function = f"{schema}.{SET_DB_LOGIN}(text, text, text, boolean)"
    return [
        *_create_nologin(LOGIN_MANAGER, "CREATEROLE NOSUPERUSER NOCREATEDB NOBYPASSRLS"),
        f'GRANT SELECT (login, role_code, active) ON {schema}.app_user TO "{LOGIN_MANAGER}"',
        f"""CREATE OR REPLACE FUNCTION {schema}.{SET_DB_LOGIN}(login text, crm_role text, verifier text,
                                                            active boolean) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE name text := '{DB_LOGIN_PREFIX}' || login; g text;
BEGIN
  IF login !~ '^[a-z0-9][a-z0-9._-]{{0,52}}$' THEN
    RAISE EXCEPTION 'login % cannot be a database login (at most 53 characters)', login;
  END IF;
  IF crm_role NOT IN ({groups}) THEN RAISE EXCEPTION 'unknown role %', crm_role; END IF;
  -- a login mirrors a crmterm user: no login for a user who does not exist, in another role or state
  IF NOT EXISTS (SELECT FROM {schema}.app_user u WHERE u.login = {SET_DB_LOGIN}.login AND u.role_code = crm_role
                 AND u.active = {SET_DB_LOGIN}.active) THEN
    RAISE EXCEPTION 'user % with role % (active: %) not found', login, crm_role, active;
  END IF;
  IF verifier IS NOT NULL AND verifier !~ '^SCRAM-SHA-256\\$' THEN
    RAISE EXCEPTION 'a SCRAM-SHA-256 verifier is expected, never a clear password';
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = name) THEN
    EXECUTE format('CREATE ROLE %I NOLOGIN', name);
  END IF;
  -- (a superuser role of that name is refused here: only a superuser may alter one)
  EXECUTE format('ALTER ROLE %I WITH %s NOCREATEROLE NOCREATEDB INHERIT', name,
                 CASE WHEN active THEN 'LOGIN' ELSE 'NOLOGIN' END);
  IF verifier IS NOT NULL THEN EXECUTE format('ALTER ROLE %I PASSWORD %L', name, verifier); END IF;
  FOREACH g IN ARRAY ARRAY[{groups}] LOOP
    IF g = crm_role THEN EXECUTE format('GRANT %I TO %I', '{GROUP_PREFIX}' || g, name);
    ELSE EXECUTE format('REVOKE %I FROM %I', '{GROUP_PREFIX}' || g, name); END IF;
  END LOOP;
  EXECUTE format('GRANT %I TO %I', name, '{app.strip('"')}');  -- servers: SET ROLE per request
  RETURN name;
END $$""",
        f'ALTER FUNCTION {function} OWNER TO "{LOGIN_MANAGER}"',
        f"REVOKE EXECUTE ON FUNCTION {function} FROM PUBLIC",
        f'GRANT EXECUTE ON FUNCTION {function} TO {app}, "{group("admin")}"',
    ]
