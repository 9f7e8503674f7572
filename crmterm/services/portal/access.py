"""Customers' log-in: a one-time code sent through the notification outbox, or a PIN the customer set;
sessions found by the hash of their cookie, each with its CSRF token.

Every answer is the same whether the number or contract exists: asking for a code always "sends" one (only
a known number gets a notification), and a wrong code, a wrong PIN and an unknown number fail alike, after
the same argon2 check. Attempts are counted in store.LoginGuard (the staff log-in's guard, under a "portal:"
name) per number and per network address: too many code requests or failures lock both for a while. The
address has a higher limit of its own: customers behind one NAT address share it, and one customer's typos
must not lock out the others. Wrong PINs also count per customer: a company with a hundred numbers must not
get a hundred numbers' worth of guesses. A number keeps only its newest code, so a log-in checks one hash,
as an unknown number does."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import lru_cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete
from sqlmodel import Session, col, select

from crmterm.errors import AuthenticationFailed, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.portal import identity
from crmterm.services.portal.identity import PortalCustomer
from crmterm.services.sla import notifications
from crmterm.store import LoginGuard, PortalCode, PortalPin, PortalSession, utcnow
from crmterm.store.tables import upsert_insert

PORTAL = Actor(login="portal", role=Role.AGENT, display_name="Customer portal")  # acts for customers
CODE_MINUTES = 10
SESSION_HOURS = 8
MAX_ATTEMPTS = 5  # code requests or failures per number before a lock (settings: portal_login_attempts)
ADDRESS_ATTEMPTS = 50  # per client address (settings: portal_address_attempts)
LOCK_SECONDS = 15 * 60
# OWASP's minimum argon2id: codes live minutes, and a PIN of a few digits would not resist an offline search
# at any cost (what protects both is the lock after five guesses, and the hashes never leaving the database).
_ADDRESS = "portal:a:"  # the guard keys of client addresses
_PARTY = "portal:p:"  # the guard keys of customers (PIN failures over all their numbers)
_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


@lru_cache(maxsize=1)
def _dummy() -> str:
    """Checked against when there is nothing to check: an unknown number takes as long as a known one."""
    return _hasher.hash("000000")


def hash_pin(pin: str) -> str:
    return _hasher.hash(pin)


@dataclass(frozen=True)
class Limits:
    attempts: int = MAX_ATTEMPTS
    lock_seconds: int = LOCK_SECONDS
    address_attempts: int = ADDRESS_ATTEMPTS

    def of(self, key: str) -> int:
        """The limit of one guard key (see `_keys`): the address's, or the number's."""
        return self.address_attempts if key.startswith(_ADDRESS) else self.attempts


def _failed() -> AuthenticationFailed:
    return AuthenticationFailed(_("Wrong number or code"))


def _count(session: Session, keys: list[str], limits: Limits, *, failure: bool = True) -> None:
    """Refuse while any key is locked; else count one attempt on each (a lock once `attempts` is reached)."""
    now = utcnow()
    guards = []
    for key in keys:
        session.execute(upsert_insert(session)(LoginGuard).values(login=key, failures=0)
                        .on_conflict_do_nothing(index_elements=["login"]))
        guards.append(session.exec(select(LoginGuard).where(LoginGuard.login == key).with_for_update()).one())
    for guard in guards:
        if guard.locked_until is not None and guard.locked_until > now:
            raise AuthenticationFailed(_("Too many attempts; try again in {m} min").format(
                m=int((guard.locked_until - now).total_seconds() // 60) + 1))
    for guard in guards if failure else ():
        guard.failures += 1
        if guard.failures >= limits.of(guard.login):
            guard.failures, guard.locked_until = 0, now + timedelta(seconds=limits.lock_seconds)
        session.add(guard)


def _keys(key: str, address: str) -> list[str]:
    digest = hashlib.sha256(key.encode()).hexdigest()[:40]
    return [f"portal:n:{digest}", f"{_ADDRESS}{address[:60]}"]


def request_code(*, session: Session, typed: str, address: str, language: str, limits: Limits = Limits()) -> None:
    """Queue a one-time code for the customer behind `typed`; nothing tells whether there is one."""
    key = identity.login_key(typed)
    if key is None:
        raise ValidationError("login", _("type a phone number or a contract number"))
    _count(session, _keys(key, address), limits)
    found = identity.find(session, key)
    code = f"{secrets.randbelow(10 ** 6):06d}"
    code_hash = _hasher.hash(code)  # hashed for unknown numbers too: the answer takes as long either way
    if found is None or found.send_to is None:
        return
    # a new code replaces the number's old ones: a log-in then checks one hash, like an unknown number's
    session.execute(delete(PortalCode).where(col(PortalCode.login_key) == key))
    session.add(PortalCode(login_key=key, party_id=found.party_id, code_hash=code_hash,
                           expires_at=utcnow() + timedelta(minutes=CODE_MINUTES)))
    text = _("Your crmterm log-in code: {code}. It is valid for {m} minutes.").format(code=code, m=CODE_MINUTES)
    subject = _("Log-in code {code}").format(code=code)  # in the subject too: `crmterm notify list` shows it
    notifications.notify(session=session, event="message", recipients=[found.send_to], language=language,
                         data={"subject": subject, "text": text}, key=f"portal_code:{secrets.token_hex(8)}")


def _verify(stored: str, typed: str) -> bool:
    try:
        return _hasher.verify(stored, typed.strip().encode())
    except (VerificationError, InvalidHashError):
        return False


def log_in_with_code(*, session: Session, typed: str, code: str, address: str, language: str,
                     limits: Limits = Limits()) -> tuple[str, PortalCustomer]:
    """A new session (its cookie secret and the customer) for a right, unused, unexpired code."""
    key = identity.login_key(typed) or "none:"
    keys = _keys(key, address)
    _count(session, keys, limits, failure=False)
    row = session.exec(select(PortalCode).where(PortalCode.login_key == key, col(PortalCode.used_at).is_(None),
                                                PortalCode.expires_at > utcnow())
                       .order_by(col(PortalCode.id).desc()).limit(1)).first()
    right = _verify(row.code_hash if row else _dummy(), code)  # one check, known number or not
    matched = row if right else None
    if matched is None:
        _count(session, keys, limits)
        raise _failed()
    matched.used_at = utcnow()
    session.add(matched)
    return _start(session, key, keys, language, "code")


def log_in_with_pin(*, session: Session, typed: str, pin: str, address: str, language: str,
                    limits: Limits = Limits()) -> tuple[str, PortalCustomer]:
    key = identity.login_key(typed) or "none:"
    found = identity.find(session, key) if key != "none:" else None
    keys = _keys(key, address) + ([f"{_PARTY}{found.party_id}"] if found else [])
    _count(session, keys, limits, failure=False)
    stored = session.get(PortalPin, found.party_id) if found else None
    if not _verify(stored.pin_hash if stored else _dummy(), pin) or stored is None:
        _count(session, keys, limits)
        raise _failed()
    return _start(session, key, keys, language, "pin")


def _start(session: Session, key: str, keys: list[str], language: str, how: str) -> tuple[str, PortalCustomer]:
    found = identity.find(session, key)
    if found is None:  # the customer was closed since the code was sent
        raise _failed()
    for guard_key in (k for k in keys if not k.startswith(_ADDRESS)):  # clears all but the address's count
        guard = session.get(LoginGuard, guard_key)
        if guard is not None:
            guard.failures = 0
            session.add(guard)
    secret = secrets.token_urlsafe(32)
    row = PortalSession(token_hash=_digest(secret), party_id=found.party_id, visible=sorted(found.visible),
                        csrf=secrets.token_urlsafe(24), language=language,
                        expires_at=utcnow() + timedelta(hours=SESSION_HOURS))
    session.add(row)
    customer = _customer(session, row)
    audit.record(session, PORTAL, "log_in", "portal_customer", str(found.party_id), after={"by": how},
                 source="portal")
    return secret, customer


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _customer(session: Session, row: PortalSession) -> PortalCustomer:
    return PortalCustomer(party_id=row.party_id, name=identity.display_name(session, row.party_id),
                          visible=frozenset(int(p) for p in row.visible), language=row.language, csrf=row.csrf)


def customer_of(*, session: Session, secret: str) -> PortalCustomer | None:
    """The customer of a live session (None: no such session, or it expired)."""
    row = session.get(PortalSession, _digest(secret)) if secret else None
    if row is None or row.expires_at <= utcnow():
        return None
    if not identity.is_active(session, row.party_id):  # closed, merged or erased since the log-in
        return None
    return _customer(session, row)


def log_out(*, session: Session, secret: str) -> None:
    session.execute(delete(PortalSession).where(col(PortalSession.token_hash) == _digest(secret)))
    session.execute(delete(PortalSession).where(col(PortalSession.expires_at) <= utcnow()))  # tidy up


def set_pin(*, session: Session, customer: PortalCustomer, pin: str) -> None:
    """A PIN of 4–8 digits for the next log-ins (hashed like passwords)."""
    if not (pin.isdecimal() and pin.isascii() and 4 <= len(pin) <= 8):
        raise ValidationError("pin", _("4 to 8 digits"))
    row = session.get(PortalPin, customer.party_id) or PortalPin(party_id=customer.party_id, pin_hash="")
    row.pin_hash, row.updated_at = hash_pin(pin), utcnow()
    session.add(row)
    audit.record(session, PORTAL, "set_pin", "portal_customer", str(customer.party_id), source="portal")


def set_language(*, session: Session, secret: str, language: str) -> None:
    row = session.get(PortalSession, _digest(secret))
    if row is not None:
        row.language = language
        session.add(row)
