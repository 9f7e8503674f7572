"""Log-in under per-user database logins (settings `per_user_db_logins`, PostgreSQL; store/role_groups): the
database itself checks the password when the user's own login connects, and every later transaction of
that session runs with the user's group privileges — the workstation never holds the application role's
credentials. crmterm's own argon2 check and lock-out do not apply: failed attempts are PostgreSQL's to
throttle (README "Security")."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.exc import OperationalError
from sqlmodel import select

from crmterm.errors import AuthenticationFailed
from crmterm.i18n import _
from crmterm.services.accounts import role_grants
from crmterm.services.accounts.permissions import Actor
from crmterm.settings import Settings
from crmterm.store import User, db_logins
from crmterm.store.db import backend, unit_of_work

# What PostgreSQL answers for a wrong password, an unknown or a disabled (NOLOGIN) login.
_REFUSALS = ("password authentication failed", "is not permitted to log in", "does not exist")


def applies(settings: Settings) -> bool:
    return settings.per_user_db_logins and backend(settings.database_url) == "postgresql"


def log_in(settings: Settings, login: str, password: str) -> tuple[Settings, Actor]:
    """The settings to use from now on (connecting as the user's login) and the user as an actor."""
    url = db_logins.url_for(settings.database_url, login.strip(), password)
    try:
        with unit_of_work(url) as session:
            user = session.exec(select(User).where(User.login == login.strip(), User.active)).first()
            actor = role_grants.actor_for(session, user) if user is not None else None
    except OperationalError as error:
        if any(refusal in str(error.orig) for refusal in _REFUSALS):
            raise AuthenticationFailed(_("Wrong login or password")) from None
        raise
    if actor is None:
        raise AuthenticationFailed(_("Wrong login or password"))
    return replace(settings, database_url=url), actor
