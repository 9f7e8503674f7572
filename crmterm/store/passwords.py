"""Password hashes without reading them: on PostgreSQL the application role may write `user_password` but
not read it (`crmterm db roles`), so whoever holds its credentials — every agent's machine under the shared
role — cannot copy the hashes and crack them offline.

The log-in check is split in two (migration 0019's SECURITY DEFINER functions on PostgreSQL, plain reads on
SQLite, which has no roles): `settings` gives the stored hash with its digest masked (algorithm, parameters
and salt: nothing to crack), the caller computes the candidate hash of the typed password with them
(services/accounts/auth), and `matches` answers whether it equals the stored one."""

from __future__ import annotations

import hmac
import re

from sqlalchemy import text, update
from sqlmodel import Session, col, select

from crmterm.store.tables import rowcount
from crmterm.store.users import User, UserPassword

_DIGEST = re.compile(r"[^$]*$")


def _postgresql(session: Session) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def mask(password_hash: str) -> str:
    """The hash with its digest replaced by as many 'A's (what crmterm_password_settings returns)."""
    return _DIGEST.sub(lambda found: "A" * len(found.group(0)), password_hash, count=1)


def settings(session: Session, user_id: int) -> str | None:
    """The user's hash with the digest masked, or None when the user has no password."""
    if _postgresql(session):
        return session.execute(text("SELECT crmterm_password_settings(:uid)"), {"uid": user_id}).scalar()
    stored = session.exec(select(UserPassword.password_hash).where(UserPassword.user_id == user_id)).first()
    return None if stored is None else mask(stored)


def matches(session: Session, user_id: int, candidate: str) -> bool:
    if _postgresql(session):
        return bool(session.execute(text("SELECT crmterm_password_matches(:uid, :candidate)"),
                                    {"uid": user_id, "candidate": candidate}).scalar())
    stored = session.exec(select(UserPassword.password_hash).where(UserPassword.user_id == user_id)).first()
    return stored is not None and hmac.compare_digest(stored.encode(), candidate.encode())


def store(session: Session, user_id: int, password_hash: str) -> None:
    """Set the user's hash (an UPDATE first: it needs no read of the hash column, which the role lacks)."""
    changed = rowcount(session.execute(update(UserPassword).where(col(UserPassword.user_id) == user_id)
                              .values(password_hash=password_hash)
                              .execution_options(synchronize_session=False)))
    if not changed:
        session.add(UserPassword(user_id=user_id, password_hash=password_hash))
        session.flush()


def without_password():
    """A condition on User: no hash stored (reads only user_password.user_id, which the role may)."""
    return ~select(UserPassword.user_id).where(UserPassword.user_id == User.id).exists()
