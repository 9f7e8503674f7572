"""Log-in with argon2id passwords and a short lock-out after repeated failures.

Parameters are argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4), above OWASP's
minimum (m=19 MiB, t=2, p=1). Hashes made with older parameters are rehashed on the next good log-in.
"""

from __future__ import annotations

import base64
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret
from sqlmodel import Session, select

from crmterm.errors import AuthenticationFailed, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.store import User, utcnow
from crmterm.store import passwords

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
    settings = passwords.settings(session, user.id) if user is not None and user.active else None
    if settings is None:
        _verify(_dummy_hash(), password)
        raise _failed()
    if user.locked_until is not None and user.locked_until > now:
        seconds = int((user.locked_until - now).total_seconds()) + 1
        raise AuthenticationFailed(_("Too many failed attempts; try again in {s} s").format(s=seconds))
    if not _matches(session, user, settings, password):
        user.failed_logins += 1
        if user.failed_logins >= max_attempts:
            user.failed_logins = 0
            user.locked_until = now + timedelta(seconds=lockout_seconds)
        session.add(user)
        raise _failed()  # keep_changes: the counter survives the rollback of the unit of work
    _after_success(session, user, settings, password)
    return Actor(login=user.login, role=Role(user.role_code), id=user.id, display_name=user.display_name)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def _matches(session: Session, user: User, settings: str, password: str) -> bool:
    """The typed password hashed with the stored parameters and salt, compared by the database: the stored
    hash itself is never read (store/passwords)."""
    try:
        params, salt = extract_parameters(settings), settings.split("$")[4]
        candidate = hash_secret(password.encode(), base64.b64decode(salt + "=" * (-len(salt) % 4)),
                                time_cost=params.time_cost, memory_cost=params.memory_cost,
                                parallelism=params.parallelism, hash_len=params.hash_len, type=params.type,
                                version=params.version)
    except (InvalidHashError, VerificationError, ValueError, IndexError):
        return False
    return passwords.matches(session, user.id, candidate.decode())


def _after_success(session: Session, user: User, settings: str, password: str) -> None:
    user.failed_logins, user.locked_until = 0, None
    if _hasher.check_needs_rehash(settings):
        passwords.store(session, user.id, _hasher.hash(password))
    session.add(user)
