"""A node's synchronisation: push the journal, then pull until the server has nothing more, each batch in its
own transaction. The watermarks are saved with each applied pull batch and every push answer is recorded with
its batch, so a broken connection loses at most the batch in flight: the next sync resends a push batch (the
server answers a change id it has seen with its first answer) or asks for the pull batch again.

The transport is handed in (services/sync/http_transport): `get(path, params)` and `post(path, body)` give the
answer, raise SyncUnreachable when the server cannot be reached, and count the bytes sent and received."""

from __future__ import annotations

import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import func, update
from sqlmodel import Session, select

from crmterm.errors import ConfigError, CrmError
from crmterm.i18n import _
from crmterm.services.sync import journal, new_customers, node_apply, registrations, status
from crmterm.services.sync.journal import INQUIRY_STATE, MODELS
from crmterm.services.sync.state_actions import STATE_ACTIONS
from crmterm.store import Party, utcnow
from crmterm.store.sync import NODE_ID, SyncConflict, SyncJournal, SyncNode, SyncRun, SyncShadow
from crmterm.store.sync_ids import become_node

PUSH_BATCH = 200  # changes per push (a registration carries its whole draft; the API refuses bodies over 1 MB)
PULL_BATCH = 500  # rows per pull page
Sessions = Callable[[], AbstractContextManager[Session]]


class SyncUnreachable(CrmError):
    """The server did not answer (no network, refused, timed out): the node works on offline."""


class Transport(Protocol):
    bytes_up: int
    bytes_down: int

    def get(self, path: str, params: dict[str, Any]) -> dict[str, Any]: ...

    def post(self, path: str, body: dict[str, Any]) -> dict[str, Any]: ...


@dataclass
class SyncResult:
    pushed: int = 0
    pulled: int = 0
    conflicts: int = 0
    refused: int = 0
    bytes_up: int = 0
    bytes_down: int = 0
    numbered: list[tuple[str, int]] = field(default_factory=list)  # (local reference, server number)


def init_node(sessions: Sessions, transport: Transport, *, server_url: str, token: str, scope: str, row_limit: int,
              progress: Callable[[int], None] | None = None) -> SyncResult:
    """Make an empty database a node of the server and pull what its user needs."""
    with sessions() as session:
        here = status.node(session)
        if here is not None:
            raise ConfigError(_("this database is already a node of {url}").format(url=here.server_url))
        if session.exec(select(func.count()).select_from(Party)).one():
            raise ConfigError(_("sync init fills an empty database; this one has customers already"))
    first = transport.get("/sync/pull", pull_params({}, scope, row_limit))
    with sessions() as session:
        session.add(SyncNode(id=NODE_ID, server_url=server_url, token=token, login=first.get("login", ""),
                             scope=scope, row_limit=row_limit))
        session.flush()
        become_node(session)
    return synchronise(sessions, transport, first_answer=first, progress=progress)


def pull_params(watermarks: dict, scope: str, row_limit: int) -> dict[str, Any]:
    return {"watermarks": json.dumps(watermarks, separators=(",", ":")), "scope": scope, "limit": PULL_BATCH,
            "max_rows": row_limit}


def synchronise(sessions: Sessions, transport: Transport, *, first_answer: dict | None = None,
                progress: Callable[[int], None] | None = None) -> SyncResult:
    """One sync: push, then pull; logged in sync_run, the node's online state and error kept."""
    result = SyncResult()
    with sessions() as session:
        run = SyncRun()
        session.add(run)
        session.flush()
        run_id = run.id
    error, online = None, True
    try:
        if first_answer is None:
            _push(sessions, transport, result)
        _pull(sessions, transport, result, first_answer, progress)
    except CrmError as failure:
        error, online = str(failure), not isinstance(failure, SyncUnreachable)
        raise
    except Exception as failure:  # a fault, not a user error: still logged as this sync's outcome
        error = f"{type(failure).__name__}: {failure}"
        raise
    finally:
        result.bytes_up, result.bytes_down = transport.bytes_up, transport.bytes_down
        with sessions() as session:
            _finish(session, run_id, result, error, online)
    return result


def _finish(session: Session, run_id: int | None, result: SyncResult, error: str | None, online: bool) -> None:
    run = session.get(SyncRun, run_id)
    if run is not None:
        run.finished_at, run.error = utcnow(), (error or None) and error[:1000]
        run.pushed, run.pulled, run.conflicts, run.refused = (result.pushed, result.pulled, result.conflicts,
                                                              result.refused)
        run.bytes_up, run.bytes_down = result.bytes_up, result.bytes_down
        session.add(run)
    here = status.node(session)
    if here is not None:
        here.online = online
        here.last_error = error and error[:1000]
        if error is None:
            here.last_sync_at = utcnow()
        session.add(here)


def _push(sessions: Sessions, transport: Transport, result: SyncResult) -> None:
    with sessions() as session:
        journal.capture(session)
    while True:
        with sessions() as session:
            entries = _batch(journal.unpushed(session, PUSH_BATCH))
            if not entries:
                return
            body = [_wire(entry) for entry in entries]
            answers = transport.post("/sync/push", {"changes": body})["results"]
            for entry, answer in zip(entries, answers, strict=True):
                _record(session, entry, answer, result)
            result.pushed += len(entries)


def _batch(entries: list[SyncJournal]) -> list[SyncJournal]:
    """New customers go first and alone: what follows may name them, and is sent with their server ids."""
    if entries and new_customers.is_new_customer(entries[0]):
        return [entry for entry in entries if new_customers.is_new_customer(entry)]
    return entries


def _wire(entry: SyncJournal) -> dict[str, Any]:
    return {"change_id": entry.change_id, "table": entry.table_name, "row_id": entry.row_id, "op": entry.op,
            "field": entry.field, "old": entry.old, "new": entry.new, "base_version": entry.base_version,
            "local_ref": entry.local_ref}


def _label(session: Session, table: str, row_id: int) -> str:
    if table == "party":
        party = session.get(Party, row_id)
        return _("Customer {name}").format(name=party.display_name if party else row_id)
    if table == "inquiry":
        return _("Inquiry {n}").format(n=row_id)
    return f"{table} {row_id}"


def _record(session: Session, entry: SyncJournal, answer: dict[str, Any], result: SyncResult) -> None:
    entry.pushed_at, entry.outcome, entry.message = utcnow(), answer["outcome"], answer.get("message")
    session.add(entry)
    if answer["outcome"] in ("applied", "same") and entry.op == "update" and entry.field:
        journal.set_base(session, entry.table_name, entry.row_id, entry.field, answer.get("theirs"))
    elif answer["outcome"] == "applied" and entry.op == "create":
        _numbered(session, entry, answer, result)
    elif answer["outcome"] == "conflict":
        result.conflicts += 1
        _conflict(session, entry, "field", theirs=answer.get("theirs"))
    elif answer["outcome"] == "refused":
        result.refused += 1
        _conflict(session, entry, "refused", message=answer.get("message") or "")
        _server_wins(session, entry)


def _numbered(session: Session, entry: SyncJournal, answer: dict[str, Any], result: SyncResult) -> None:
    """The server made its row of something made here: a customer takes the server's id; a registration's rows
    are replaced by the server's (the pull brings them), and its notes and route actions follow them."""
    entry.server_id = answer["server_id"]
    if new_customers.is_new_customer(entry):
        new_customers.renumber(session, entry, answer["server_id"])
        journal.adopt(session, "party", answer["server_id"], int(answer.get("version") or 1),
                      new_customers.sent_values(session, entry))
        return
    journal.record(session, registrations.carried_events(session, entry.row_id, answer.get("inquiry_ids") or []))
    registrations.replace_with_server_rows(session, entry.row_id)
    result.numbered.append((entry.local_ref or "", answer["server_id"]))


def _conflict(session: Session, entry: SyncJournal, kind: str, *, theirs: Any = None, message: str = "") -> None:
    session.add(SyncConflict(change_id=entry.change_id, kind=kind, table_name=entry.table_name, row_id=entry.row_id,
                             label=_label(session, entry.table_name, entry.row_id), field=entry.field,
                             ours=entry.new, theirs=theirs, base=entry.old, message=message[:1000]))


def _server_wins(session: Session, entry: SyncJournal) -> None:
    """A refused change is undone here too: the row goes back to the server's values as last pulled (the pull
    that follows brings the server's current ones); the refusal stays visible as a conflict row."""
    shadow = session.get(SyncShadow, (entry.table_name, entry.row_id))
    model = MODELS.get(entry.table_name)
    if shadow is None or model is None or entry.op == "action" and entry.field not in STATE_ACTIONS:
        return  # a refused note changed nothing here
    if entry.op == "update" and entry.field not in journal.FIELDS[entry.table_name]:
        return  # an attribute value ("value:<code>"): kept, and listed with the refusal
    names = [entry.field] if entry.op == "update" else [name for name in INQUIRY_STATE if name in shadow.data]
    values = {name: shadow.data.get(name) for name in names if name}
    if entry.table_name == "inquiry" and "state" in values and values["state"] != "closed":
        values["closed_at"] = None
    session.execute(update(model).where(model.id == entry.row_id).values(**values))


def _pull(sessions: Sessions, transport: Transport, result: SyncResult, first: dict | None,
          progress: Callable[[int], None] | None) -> None:
    answer = first
    while True:
        with sessions() as session:
            here = status.node(session)
            if here is None:
                raise ConfigError(_("this database is not a node: run `crmterm sync init` first"))
            if answer is None:
                answer = transport.get("/sync/pull", pull_params(here.watermarks, here.scope, here.row_limit))
            count = node_apply.apply_batch(session, answer["tables"])
            here.watermarks = answer["watermarks"]
            session.add(here)
            result.pulled += count
        if progress is not None:
            progress(count)
        if not answer.get("more"):
            return
        answer = None

