"""API tokens: bearer tokens for `crmterm serve` (`crmterm token create|list|revoke`). A token acts as one user,
with that user's role, narrowed by its scope: `read` tokens may only read, `write` tokens do what the user may.

Only the sha256 of a token's secret is stored. A slow password hash (argon2id, as for passwords) is not needed:
it protects guessable secrets, while a token's secret is 256 random bits that no dictionary holds, so one fast,
unsalted hash is as safe and lets a request find its token by an indexed lookup instead of trying every row."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import AuthenticationFailed, NotFound, PermissionDenied, ValidationError, refuse_control
from crmterm.i18n import _
from crmterm.services.accounts import audit, role_grants
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import ApiToken, User, utcnow
from crmterm.store.tables import saved_id

PREFIX = "crm_"  # tells a crmterm token apart in a config file or a secret scanner's report
MAX_DAYS = 3650
USE_RECORDED_EVERY = timedelta(minutes=1)  # `last_used_at` is written at most this often: reads stay reads


class Scope(StrEnum):
    READ = "read"
    WRITE = "write"


class TokenRead(BaseModel):
    id: int
    name: str
    login: str
    scope: str
    created_at: datetime
    created_by: str
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class NewToken(TokenRead):
    token: str  # the secret: shown once, never stored


@dataclass(frozen=True)
class ApiCaller:
    """Who a request acts for: the token's user as an Actor, and the token that proved it."""

    actor: Actor
    token_id: int
    token_name: str
    scope: Scope


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


def _read(token: ApiToken, login: str) -> TokenRead:
    return TokenRead.model_validate({**token.model_dump(), "login": login})


def _user(session: Session, login: str) -> User:
    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise NotFound(_("user"), login)
    return user


def _for_whom(actor: Actor, login: str, permission: Permission) -> None:
    """One's own tokens, or anyone's with `permission` (admins): checked before any row is read."""
    if actor is None or actor.id is None or login != actor.login:
        require(actor, permission)


def _checked(name: str, scope: str, expires_days: int | None) -> Scope:
    refuse_control("name", name)
    if not name.strip() or len(name) > 64:
        raise ValidationError("name", _("give a name of 1 to 64 characters"))
    if scope not in set(Scope):
        raise ValidationError("scope", _("'{v}' is not a scope (read, write)").format(v=scope))
    if expires_days is not None and not 1 <= expires_days <= MAX_DAYS:
        raise ValidationError("expires", _("give 1 to {n} days").format(n=MAX_DAYS))
    return Scope(scope)


def create_token(*, session: Session, actor: Actor, login: str, name: str, scope: str = "read",
                 expires_days: int | None = None, source: str = "cli") -> NewToken:
    """A new token for `login` (one's own, or anyone's for admins); the secret is returned once."""
    _for_whom(actor, login, Permission.USERS_WRITE)
    checked, user = _checked(name, scope, expires_days), _user(session, login)
    if not user.active:
        raise ValidationError("login", _("user {login} is inactive").format(login=login))
    secret = PREFIX + secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=expires_days) if expires_days else None
    token = ApiToken(user_id=saved_id(user), name=name.strip(), token_hash=hash_secret(secret), scope=checked,
                     created_by=actor.login, expires_at=expires)
    session.add(token)
    session.flush()
    audit.record(session, actor, "create", "api_token", f"{token.id} {token.name}", source=source,
                 after={"login": login, "scope": str(checked), "expires_at": expires.isoformat() if expires else None})
    return NewToken.model_validate({**_read(token, login).model_dump(), "token": secret})


def list_tokens(*, session: Session, actor: Actor, login: str | None = None) -> list[TokenRead]:
    """Tokens with their last use: one's own, or (users.read) everyone's, or one user's."""
    if login is None and not (actor is not None and actor.can(Permission.USERS_READ)):
        login = actor.login if actor is not None and actor.id is not None else None
    _for_whom(actor, login or "", Permission.USERS_READ)
    query = select(ApiToken, User.login).join(User, col(User.id) == ApiToken.user_id).order_by(col(ApiToken.id))
    if login is not None:
        query = query.where(User.login == login)
    return [_read(token, owner) for token, owner in session.exec(query)]


def revoke_token(*, session: Session, actor: Actor, token_id: int, source: str = "cli") -> TokenRead:
    """Revoke a token (one's own, or anyone's for admins); revoking a revoked token changes nothing."""
    if actor is None or actor.id is None:
        require(actor, Permission.USERS_WRITE)  # only a person has tokens of their own
    row = session.exec(select(ApiToken, User.login).join(User, col(User.id) == ApiToken.user_id)
                       .where(ApiToken.id == token_id)).first()
    if row is None:
        raise NotFound(_("token"), token_id)
    if row[0].user_id != actor.id:
        require(actor, Permission.USERS_WRITE)
    token, owner = row
    if token.revoked_at is None:
        token.revoked_at = utcnow()
        session.add(token)
        audit.record(session, actor, "revoke", "api_token", f"{token.id} {token.name}", source=source,
                     after={"login": owner})
    return _read(token, owner)


def authenticate(session: Session, secret: str) -> ApiCaller:
    """The caller behind a bearer token; AuthenticationFailed when it is unknown, revoked, expired or its user
    inactive. Records the token's use (at most once a minute)."""
    row = session.exec(select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id)
                       .where(ApiToken.token_hash == hash_secret(secret))).first() if secret else None
    if row is None:
        raise AuthenticationFailed(_("invalid API token"))
    token, user = row
    now = utcnow()
    if token.revoked_at is not None:
        raise AuthenticationFailed(_("API token {name} was revoked").format(name=token.name))
    if token.expires_at is not None and token.expires_at <= now:
        raise AuthenticationFailed(_("API token {name} has expired").format(name=token.name))
    if not user.active:
        raise AuthenticationFailed(_("user {login} is inactive").format(login=user.login))
    if token.last_used_at is None or now - token.last_used_at >= USE_RECORDED_EVERY:
        token.last_used_at = now
        session.add(token)
    actor = role_grants.actor_for(session, user)
    return ApiCaller(actor=actor, token_id=token.id or 0, token_name=token.name, scope=Scope(token.scope))


def require_write_scope(caller: ApiCaller) -> None:
    if caller.scope is not Scope.WRITE:
        raise PermissionDenied(_("API token {name} may only read (scope read)").format(name=caller.token_name))


def record_api_write(session: Session, caller: ApiCaller, method: str, path: str) -> None:
    """Every write through the API is in the audit log with the token that made it, in the write's transaction."""
    audit.record(session, caller.actor, method.lower(), "api", f"{method} {path}"[:200], source="api",
                 after={"token": caller.token_name, "token_id": caller.token_id})
