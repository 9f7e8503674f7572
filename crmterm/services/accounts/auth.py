"""Log-in with argon2id passwords and a short lock-out after repeated failures.

Parameters are argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, m=64 MiB, p=4), above OWASP's
minimum (m=19 MiB, t=2, p=1). Hashes made with older parameters are rehashed on the next good log-in.

Failures are counted per login name typed (store.LoginGuard), whether or not the user exists, so an unknown
name locks like a real one and the answers never tell which logins exist (issue 20, item 3). The slow hash
check runs outside any lock; the attempt is then settled in one retried write transaction (SQLite: BEGIN
IMMEDIATE, PostgreSQL: the guard row locked FOR UPDATE) before anything is answered, so parallel guesses are
each counted and lock the name (issue 20, item 2). That transaction takes its lock before it looks at whether
the password was right: a busy database cannot answer differently for a right and a wrong one.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import hash_secret
from sqlalchemy import update
from sqlmodel import Session, col, select

from crmterm.errors import AuthenticationFailed, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import role_grants
from crmterm.services.accounts.permissions import Actor
from crmterm.store import LoginGuard, User, passwords, utcnow
from crmterm.store.db import in_transaction, unit_of_work
from crmterm.store.tables import saved_id, upsert_insert

_hasher = PasswordHasher()
MIN_PASSWORD_LENGTH = 4
_PLAIN_KEY_LENGTH = 64  # the longest login there can be (services/accounts/users._LOGIN)


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


def _locked(seconds: int) -> AuthenticationFailed:
    return AuthenticationFailed(_("Too many failed attempts; try again in {s} s").format(s=seconds))


def guard_key(login: str) -> str:
    """The name a failure is counted under: as typed (trimmed) when it could be a login, else a digest (a
    10 MB name or one with control characters or undecodable bytes is counted too, in a bounded key)."""
    name = login.strip()
    if len(name) <= _PLAIN_KEY_LENGTH and name.isprintable() and name.isascii():
        return name
    return "sha256:" + hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class _Rehash:
    """A rehash with today's parameters of a user's weaker stored hash (the one that was checked)."""

    user_id: int
    old_hash: str
    new_hash: str


@dataclass(frozen=True)
class _Checked:
    """What the hash check found, carried into the write transaction (no ORM object crosses it)."""

    key: str
    actor: Actor | None = None  # set only when the password was right
    rehash: _Rehash | None = None


def authenticate(*, url: str, login: str, password: str, max_attempts: int = 5,
                 lockout_seconds: int = 60) -> Actor:
    """The user behind `login` if the password is right and the name is not locked; else AuthenticationFailed
    (its failure count is committed). Opens its own units of work on `url`."""
    checked = _check_password(url, login, password)
    return in_transaction(url, lambda session: _settle(session, checked, max_attempts, lockout_seconds),
                          immediate=True)


def _check_password(url: str, login: str, password: str) -> _Checked:
    """The slow hash check, outside any lock. The stored hash is never read: its masked settings give the
    parameters and salt, and the database compares the candidate (store/passwords)."""
    key = guard_key(login)
    if key.startswith("sha256:"):  # no login is that long or odd: a name that can have no user
        _verify(_dummy_hash(), password)
        return _Checked(key=key)
    with unit_of_work(url) as session:
        user = session.exec(select(User).where(User.login == key)).first()
        settings = passwords.settings(session, saved_id(user)) if user is not None and user.active else None
        if user is None or settings is None:
            _verify(_dummy_hash(), password)
            return _Checked(key=key)
        candidate = _candidate(settings, password)
        if candidate is None or not passwords.matches(session, saved_id(user), candidate):
            return _Checked(key=key)
        rehash = (_Rehash(user_id=saved_id(user), old_hash=candidate, new_hash=_hasher.hash(password))
                  if _hasher.check_needs_rehash(settings) else None)
        actor = role_grants.actor_for(session, user)
    return _Checked(key=key, actor=actor, rehash=rehash)


def _settle(session: Session, checked: _Checked, max_attempts: int, lockout_seconds: int) -> Actor:
    guard = _guard(session, checked.key)
    now = utcnow()
    if guard.locked_until is not None and guard.locked_until > now:  # right or wrong: the same answer
        raise _locked(int((guard.locked_until - now).total_seconds()) + 1)
    if checked.actor is not None:  # the password was right
        # Reset, never deleted: a parallel attempt waiting on this row must still find it (PostgreSQL).
        guard.failures, guard.locked_until = 0, None
        session.add(guard)
        _store_rehash(session, checked)
        return checked.actor
    guard.failures += 1
    if guard.failures >= max_attempts:
        guard.failures, guard.locked_until = 0, now + timedelta(seconds=lockout_seconds)
    session.add(guard)
    raise _failed()  # keep_changes: the count is committed with the refusal


def _guard(session: Session, key: str) -> LoginGuard:
    """The name's row, created when missing, locked until the transaction ends (PostgreSQL: FOR UPDATE, so
    parallel attempts queue behind it; SQLite: the unit began IMMEDIATE and holds the write lock)."""
    session.execute(upsert_insert(session)(LoginGuard).values(login=key, failures=0).on_conflict_do_nothing(
        index_elements=["login"]))
    return session.exec(select(LoginGuard).where(LoginGuard.login == key).with_for_update()).one()


def _store_rehash(session: Session, checked: _Checked) -> None:
    rehash = checked.rehash
    if rehash is None:
        return
    # Only over the hash that was checked: a password changed meanwhile is not overwritten with the old one.
    if passwords.matches(session, rehash.user_id, rehash.old_hash):
        passwords.store(session, rehash.user_id, rehash.new_hash)


def forget_failures(session: Session, login: str) -> None:
    """A new password starts the name's count afresh and lifts its lock (the row stays: see _settle)."""
    session.execute(update(LoginGuard).where(col(LoginGuard.login) == guard_key(login))
                    .values(failures=0, locked_until=None))


def _verify(password_hash: str, password: str) -> bool:
    # As bytes: a password with undecodable bytes (lone surrogates) is simply wrong, not a traceback.
    try:
        return _hasher.verify(password_hash, password.encode("utf-8", "surrogatepass"))
    except (VerificationError, InvalidHashError):
        return False


def _candidate(settings: str, password: str) -> str | None:
    """The typed password hashed with the stored parameters and salt (None: settings it cannot use)."""
    try:
        params, salt = extract_parameters(settings), settings.split("$")[4]
        candidate = hash_secret(password.encode("utf-8", "surrogatepass"),
                                base64.b64decode(salt + "=" * (-len(salt) % 4)),
                                time_cost=params.time_cost, memory_cost=params.memory_cost,
                                parallelism=params.parallelism, hash_len=params.hash_len, type=params.type,
                                version=params.version)
    except (InvalidHashError, VerificationError, ValueError, IndexError):
        return None
    return candidate.decode()
