"""A user's own preferences, kept in the database so they follow the user to any workstation: today the
language F2 picks. Each user reads and writes only their own; no role is needed beyond being a person
(the CLI's `system` account has none)."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor
from crmterm.settings import LANGUAGES
from crmterm.store import UserPreference, utcnow
from crmterm.store.tables import upsert_insert

LANGUAGE = "language"


def own_id(actor: Actor | None) -> int:
    if actor is None:  # nobody logged in: refused like at every other entry point (issue 20 item 6)
        raise PermissionDenied(_("{who} may not do this ({permission})").format(who=_("anonymous"),
                                                                                permission=_("own preferences")))
    if actor.id is None:
        raise ValidationError(None, _("preferences belong to a user: log in as one"))
    return actor.id


def preferred_language(*, session: Session, actor: Actor) -> str | None:
    """The language this user chose (F2); None when they chose none (the installation's language applies).
    app_user.language is not consulted: it is the language of the notifications sent to the user, set by an
    admin, and the workstation's language stays the installation's until the user picks one."""
    chosen = session.get(UserPreference, (own_id(actor), LANGUAGE))
    return chosen.value if chosen is not None and chosen.value in LANGUAGES else None


def set_language(*, session: Session, actor: Actor, language: str) -> str:
    """Remember `language` for this user only."""
    if language not in LANGUAGES:
        raise ValidationError("language", _("unsupported language '{language}' (use one of: {known})").format(
            language=language, known=", ".join(LANGUAGES)))
    user_id = own_id(actor)
    # One statement, not read-then-insert: two quick F2 presses save from two workers at once, and the second
    # insert would break the key (seen under load). SQLite and PostgreSQL share the ON CONFLICT form.
    now = utcnow()
    insert = upsert_insert(session)
    session.execute(insert(UserPreference).values(user_id=user_id, key=LANGUAGE, value=language, updated_at=now)
                    .on_conflict_do_update(index_elements=["user_id", "key"],
                                           set_={"value": language, "updated_at": now}))
    return language
