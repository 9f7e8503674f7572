"""The UI's door to the services: each call is one unit of work, made as the logged-in actor.

Screens run these calls in worker threads; nothing returned holds a live ORM object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from crmterm.services.accounts import auth, db_login_auth
from crmterm.services.accounts.permissions import Actor, Permission
from crmterm.settings import Settings, mask_url
from crmterm.store.db import backend, in_transaction

T = TypeVar("T")


class Gateway:
    def __init__(self, settings: Settings, actor: Actor | None = None, source: str = "tui") -> None:
        self.settings, self.actor, self.source = settings, actor, source

    @property
    def database_label(self) -> str:
        return mask_url(self.settings.database_url)

    @property
    def backend(self) -> str:
        return backend(self.settings.database_url)

    def can(self, permission: Permission) -> bool:
        return self.actor is not None and self.actor.can(permission)

    def login(self, login: str, password: str) -> Actor:
        if db_login_auth.applies(self.settings):  # the database checks the password (per-user logins)
            self.settings, self.actor = db_login_auth.log_in(self.settings, login, password)
            return self.actor
        self.actor = auth.authenticate(url=self.settings.database_url, login=login, password=password,
                                       max_attempts=self.settings.lockout_attempts,
                                       lockout_seconds=self.settings.lockout_seconds)
        return self.actor

    def call(self, service: Callable[..., T], /, **kwargs: Any) -> T:
        """Run `service(session=…, actor=…, **kwargs)` in its own transaction (re-run if SQLite was busy)."""
        return in_transaction(self.settings.database_url,
                              lambda session: service(session=session, actor=self.actor, **kwargs))

    def change(self, service: Callable[..., T], /, **kwargs: Any) -> T:
        """Like `call`, for services that record where a change came from."""
        return self.call(service, source=self.source, **kwargs)
