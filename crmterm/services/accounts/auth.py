"""Log-in with argon2id passwords and a short lock-out after repeated failures.

Parameters are argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4), above OWASP's
minimum (m=19 MiB, t=2, p=1). Hashes made with older parameters are rehashed on the next good log-in.
"""

from __future__ import annotations

from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlmodel import Session, select

from crmterm.errors import AuthenticationFailed, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.store import User, utcnow

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 4


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    """Verifying against this keeps the time of "no such user" equal to "wrong password"."""
    return _hasher.hash("not-a-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError("password", _("at least {n} characters").format(n=MIN_PASSWORD_LENGTH))
    return _hasher.hash(password)


def _failed() -> AuthenticationFailed:
    # The same message whatever was wrong: no hint whether the login exists.
    return AuthenticationFailed(_("Wrong login or password"))


def authenticate(*, session: Session, login: str, password: str, max_attempts: int = 5,
                 lockout_seconds: int = 60) -> Actor:
    user = session.exec(select(User).where(User.login == login.strip())).first()
    now = utcnow()
    if user is None or not user.active or user.password_hash is None:
        _verify(_dummy_hash(), password)
        raise _failed()
    if user.locked_until is not None and user.locked_until > now:
        seconds = int((user.locked_until - now).total_seconds()) + 1
        raise AuthenticationFailed(_("Too many failed attempts; try again in {s} s").format(s=seconds))
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= max_attempts:
            user.failed_logins = 0
            user.locked_until = now + timedelta(seconds=lockout_seconds)
        session.add(user)
        raise _failed()  # keep_changes: the counter survives the rollback of the unit of work
    _after_success(session, user, password)
    return Actor(login=user.login, role=Role(user.role_code), id=user.id, display_name=user.display_name)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _after_success(session: Session, user: User, password: str) -> None:
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    session.add(user)
