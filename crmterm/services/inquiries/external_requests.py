"""Idempotent requests from other systems: a request carrying an external id is done once.

The id is claimed first — `INSERT … ON CONFLICT DO NOTHING` on (source, external_id) — in the transaction
that then does the work and stores its result, so the claim, the effect and the result commit together or
not at all (a failed request can be retried with the same id). A repeat finds the row and returns the stored
result, changing nothing. Two racing calls: on PostgreSQL the second INSERT waits for the first transaction
and then sees its row; SQLite runs writers one at a time and the claim is the transaction's first write.
An id reused for a different request (another kind or other content) is refused, not replayed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, ValidationError
from crmterm.i18n import _, fmt_datetime
from crmterm.services.accounts.permissions import Actor
from crmterm.store import ExternalRequest, utcnow

ID_LENGTH = 200
SOURCE_LENGTH = 64


@dataclass(frozen=True)
class Outcome:
    result: dict  # as stored: JSON types
    replayed: bool  # True: a repeat; nothing was done this time


def once(session: Session, actor: Actor, *, external_id: str | None, source: str | None, kind: str,
         request: dict, work: Callable[[], tuple[dict, int | None]]) -> Outcome:
    """`work()` → (result, inquiry id) once per (source, external id); without an external id, every time.
    `source` defaults to the caller's login (each system its own account)."""
    if external_id is None:
        return Outcome(plain(work()[0]), replayed=False)
    key, origin = _checked(external_id, "external_id", ID_LENGTH), _checked(source or actor.login, "source",
                                                                            SOURCE_LENGTH)
    digest = _digest(kind, request)
    claimed = _claim(session, {"source": origin, "external_id": key, "kind": kind, "digest": digest,
                               "result": {}, "created_at": utcnow(), "created_by": actor.login})
    if claimed is None:
        return Outcome(_replay(session, origin, key, kind, digest), replayed=True)
    result, inquiry_id = work()
    result = plain(result)
    session.execute(update(ExternalRequest).where(col(ExternalRequest.id) == claimed)
                    .values(result=result, inquiry_id=inquiry_id).execution_options(synchronize_session=False))
    return Outcome(result, replayed=False)


def plain(value: dict) -> dict:
    return json.loads(json.dumps(value, default=str))


def _checked(value: str, field: str, limit: int) -> str:
    text = str(value).strip()
    if not text:
        raise ValidationError(field, _("required"))
    if len(text) > limit:
        raise ValidationError(field, _("at most {n} characters").format(n=limit))
    return text


def _digest(kind: str, request: dict) -> str:
    text = json.dumps({"kind": kind, "request": request}, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def _claim(session: Session, row: dict) -> int | None:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (dialect.insert(ExternalRequest).values(**row)
                 .on_conflict_do_nothing(index_elements=["source", "external_id"]).returning(ExternalRequest.id))
    return session.execute(statement).scalar()


def _replay(session: Session, source: str, external_id: str, kind: str, digest: str) -> dict:
    first = session.exec(select(ExternalRequest).where(ExternalRequest.source == source,
                                                       ExternalRequest.external_id == external_id)).one()
    if first.kind != kind or first.digest != digest:
        raise Conflict(_("external id '{id}' of {source} was already used for another request at {at}").format(
            id=external_id, source=source, at=fmt_datetime(first.created_at)))
    return first.result
