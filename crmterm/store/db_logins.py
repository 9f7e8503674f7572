"""A crmterm user's own PostgreSQL login (store/role_groups): kept in step with the user by services/accounts/users,
used by the CLI to connect as that user when `per_user_db_logins` is on. SQLite has no logins: every call
here is a no-op or False there."""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlmodel import Session

from crmterm.store.db import normalise_url
from crmterm.store.role_groups import DB_LOGIN_PREFIX, SET_DB_LOGIN

SCRAM_ITERATIONS = 4096  # PostgreSQL's own default (scram_iterations)


def login_name(login: str) -> str:
    return f"{DB_LOGIN_PREFIX}{login}"


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores for `password` (RFC 5802/7677, as libpq's
    PQencryptPasswordConn builds it): the clear password never reaches the server or its logs."""
    salt = salt or os.urandom(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()
    salt64, stored64, server64 = (base64.b64encode(raw).decode() for raw in (salt, stored_key, server_key))
    return f"SCRAM-SHA-256${iterations}:{salt64}${stored64}:{server64}"


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def exists(session: Session, login: str) -> bool:
    if not _postgresql(session):
        return False
    return session.execute(text("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :name)"),
                           {"name": login_name(login)}).scalar_one()


def set_login(session: Session, *, login: str, role: str, active: bool, password: str | None) -> str | None:
    """Create or update the user's login: its group, LOGIN or NOLOGIN, and (when given) its password."""
    if not _postgresql(session):
        return None
    verifier = scram_verifier(password) if password else None
    return session.execute(text(f"SELECT {SET_DB_LOGIN}(:login, :role, :verifier, :active)"),
                           {"login": login, "role": role, "verifier": verifier, "active": active}).scalar()


def is_session_login(session: Session, login: str) -> bool:
    """Whether this connection is the user's own login (then the user may change only its password)."""
    return _postgresql(session) and session.execute(text("SELECT current_user")).scalar() == login_name(login)


def set_own_password(session: Session, password: str) -> None:
    """PostgreSQL lets every login change its own password, and nothing else about itself. ALTER ROLE takes
    no bound parameters (and text() would read ':…' as one); the verifier holds only base64, digits, '$' and
    ':'."""
    session.connection().exec_driver_sql(f"ALTER ROLE CURRENT_USER PASSWORD '{scram_verifier(password)}'")


def url_for(url: str, login: str, password: str) -> str:
    """`url` (a PostgreSQL server and database, usually without credentials) logging in as the user's login."""
    parsed = make_url(normalise_url(url))
    return parsed.set(username=login_name(login), password=password).render_as_string(hide_password=False)
