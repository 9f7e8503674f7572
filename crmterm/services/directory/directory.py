"""Directory entries (channels, places, dictionaries, …): list, search, create, edit, (de)activate.

Entries travel as plain documents — the same dict shape in forms, JSON output and config-as-code YAML —
with references written as codes, never database ids.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, select
from sqlmodel.sql.expression import Select

from crmterm.errors import Conflict, NotFound
from crmterm.i18n import _, fmt_datetime, pick
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory.kinds import Kind
from crmterm.services.directory.references import referring_entry
from crmterm.services.directory.registry import get_kind
from crmterm.services.directory.validation import RefExists, clean_values
from crmterm.store import Dictionary, DictionaryItem, Priority, User
from crmterm.store import Role as RoleRow
from crmterm.store.tables import id_column, table_of
from crmterm.store.versioning import claim_version

MAX_ROWS = 10_000  # directory areas are configuration, not customer data: bounded and small


class EntryRead(BaseModel):
    kind: str
    key: str
    version: int
    updated_at: datetime
    updated_by: str | None
    values: dict[str, Any]

    @property
    def label(self) -> str:
        return pick(self.values.get("labels"), self.values.get("code", ""))


def entry_key(kind: Kind, values: dict) -> str:
    return f"{values[kind.parent]}/{values['code']}" if kind.parent else values["code"]


class _Codes:
    """id <-> code maps of referenced areas, loaded once per call (no query per row)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self._maps: dict[str, dict[int, str]] = {}

    def by_id(self, kind_name: str) -> dict[int, str]:
        if kind_name not in self._maps:
            self._maps[kind_name] = dict(self.session.exec(_codes_query(kind_name)).all())
        return self._maps[kind_name]

    def id_of(self, kind_name: str, code: str) -> int | None:
        return next((i for i, c in self.by_id(kind_name).items() if c == code), None)

    def exists(self, kind_name: str, code: str) -> bool:
        return self.id_of(kind_name, code) is not None


def _codes_query(kind_name: str) -> Select[int, str]:
    if kind_name == "users":  # accounts are keyed by login, not code
        return select(id_column(User), User.login)
    if kind_name == "roles":  # keyed by code alone (services/accounts/roles): number them for the id map
        return select(func.row_number().over(order_by=RoleRow.code), RoleRow.code)
    if kind_name == "dictionary_items":  # items are known as DICTIONARY/ITEM
        return select(id_column(DictionaryItem), Dictionary.code + "/" + DictionaryItem.code).join(Dictionary)
    columns = table_of(get_kind(kind_name).model).c
    return select(columns.id, columns.code)


def _document(kind: Kind, row: Any, codes: _Codes) -> dict:
    values: dict[str, Any] = {}
    for spec in kind.all_fields:
        if spec.type == "ref":
            values[spec.name] = codes.by_id(spec.ref_kind).get(getattr(row, f"{spec.name}_id"))
        else:
            value = getattr(row, spec.name)
            values[spec.name] = list(value) if isinstance(value, list) else value
    return values


def _read(kind: Kind, row: Any, codes: _Codes) -> EntryRead:
    values = _document(kind, row, codes)
    return EntryRead(kind=kind.name, key=entry_key(kind, values), version=row.version,
                     updated_at=row.updated_at, updated_by=row.updated_by, values=values)


def _matches(entry: EntryRead, needle: str) -> bool:
    haystack = [entry.values["code"], *entry.values["labels"].values()]
    return any(needle in str(text).casefold() for text in haystack)


def _by_rank(model) -> tuple:
    """Priorities are listed by rank, most urgent first, wherever one is chosen (the sort order only breaks
    ties): an agent reads the list as a scale."""
    return (model.rank,) if model is Priority else ()


def list_entries(*, session: Session, actor: Actor, kind: str, search: str = "", active_only: bool = False,
                 limit: int = 500) -> list[EntryRead]:
    require(actor, Permission.DIRECTORY_READ)
    spec, codes = get_kind(kind), _Codes(session)
    columns = table_of(spec.model).c
    query = select(spec.model).order_by(*_by_rank(spec.model), columns.sort_order, columns.code,
                                        columns.id).limit(MAX_ROWS)
    if active_only:
        query = query.where(columns.active.is_(True))
    needle = search.strip().casefold()  # casefold in Python: SQLite's lower() is ASCII-only
    found = []
    for row in session.exec(query):
        entry = _read(spec, row, codes)
        if not needle or _matches(entry, needle):
            found.append(entry)
            if len(found) >= limit:
                break
    return found


def _find(session: Session, kind: Kind, key: str, codes: _Codes) -> Any:
    model, columns = kind.model, table_of(kind.model).c
    query = select(model)
    if kind.parent:
        parent_code, _sep, code = key.partition("/")
        parent_id = codes.id_of(kind.field(kind.parent).ref_kind, parent_code)
        query = query.where(getattr(model, f"{kind.parent}_id") == parent_id, columns.code == code)
    else:
        query = query.where(columns.code == key)
    row = session.exec(query).first()
    if row is None:
        raise NotFound(_(kind.label), key)
    return row


def get_entry(*, session: Session, actor: Actor, kind: str, key: str) -> EntryRead:
    require(actor, Permission.DIRECTORY_READ)
    spec, codes = get_kind(kind), _Codes(session)
    return _read(spec, _find(session, spec, key, codes), codes)


def clean(session: Session, kind: Kind, values: dict, ref_exists: RefExists | None = None) -> dict:
    return clean_values(kind, values, ref_exists or _Codes(session).exists)


def _assign(row: Any, kind: Kind, values: dict, codes: _Codes) -> None:
    for spec in kind.all_fields:
        if spec.type == "ref":
            setattr(row, f"{spec.name}_id", codes.id_of(spec.ref_kind, values[spec.name]))
        else:
            setattr(row, spec.name, values[spec.name])


def create_entry(*, session: Session, actor: Actor, kind: str, values: dict, source: str = "tui",
                 ref_exists: RefExists | None = None) -> EntryRead:
    require(actor, Permission.DIRECTORY_WRITE)
    spec, codes = get_kind(kind), _Codes(session)
    document = clean_values(spec, values, ref_exists or codes.exists)
    key = entry_key(spec, document)
    if _exists(session, spec, key, codes):
        raise Conflict(_("{area}: code '{key}' already exists").format(area=_(spec.label), key=key))
    if spec.check:
        spec.check(session, document, None)
    row = spec.model(updated_by=actor.login)
    _assign(row, spec, document, codes)
    session.add(row)
    session.flush()
    audit.record(session, actor, "create", kind, key, after=document, source=source)
    return _read(spec, row, codes)


def update_entry(*, session: Session, actor: Actor, kind: str, key: str, values: dict,
                 expected_version: int | None, source: str = "tui", ref_exists: RefExists | None = None) -> EntryRead:
    """Change an entry; `expected_version` (what the editor loaded) guards against silent overwrites."""
    require(actor, Permission.DIRECTORY_WRITE)
    spec, codes = get_kind(kind), _Codes(session)
    row = _find(session, spec, key, codes)
    before = _document(spec, row, codes)
    document = clean_values(spec, {**before, **values}, ref_exists or codes.exists)
    if document == before:
        return _read(spec, row, codes)
    new_key = entry_key(spec, document)
    if new_key != key and _exists(session, spec, new_key, codes):
        raise Conflict(_("{area}: code '{key}' already exists").format(area=_(spec.label), key=new_key))
    if spec.check:
        spec.check(session, document, before)
    _claim(session, spec, row, expected_version, actor)
    _assign(row, spec, document, codes)
    session.add(row)
    session.flush()
    audit.record(session, actor, _action(before, document), kind, key, before=before, after=document,
                 source=source)
    return _read(spec, row, codes)


def _action(before: dict, after: dict) -> str:
    changed = {name for name in after if after[name] != before.get(name)}
    if changed == {"active"}:
        return "activate" if after["active"] else "deactivate"
    return "update"


def _exists(session: Session, kind: Kind, key: str, codes: _Codes) -> bool:
    try:
        _find(session, kind, key, codes)
        return True
    except NotFound:
        return False


def _claim(session: Session, kind: Kind, row: Any, expected_version: int | None, actor: Actor) -> None:
    expected = row.version if expected_version is None else expected_version
    if not claim_version(session, kind.model, row.id, expected, actor.login):
        session.refresh(row)
        raise Conflict(_("Changed by {who} at {at}; reload and try again").format(
            who=row.updated_by or "?", at=fmt_datetime(row.updated_at)))
    session.refresh(row)


def set_active(*, session: Session, actor: Actor, kind: str, key: str, active: bool,
               expected_version: int | None, source: str = "tui") -> EntryRead:
    """Deactivate instead of delete: history and references stay readable."""
    return update_entry(session=session, actor=actor, kind=kind, key=key, values={"active": active},
                        expected_version=expected_version, source=source)


def delete_entry(*, session: Session, actor: Actor, kind: str, key: str, expected_version: int | None,
                 source: str = "tui") -> None:
    """Only areas that can tell what still uses an entry allow deleting; the rest are deactivated."""
    require(actor, Permission.DIRECTORY_WRITE)
    spec, codes = get_kind(kind), _Codes(session)
    if spec.in_use is None:
        raise Conflict(_("{area} are deactivated, not deleted").format(area=_(spec.label)))
    row = _find(session, spec, key, codes)
    reason = spec.in_use(session, row) or referring_entry(session, spec, row)
    if reason:
        raise Conflict(_("'{key}' cannot be deleted: {reason}; deactivate it instead").format(key=key,
                                                                                            reason=reason))
    before = _document(spec, row, codes)
    _claim(session, spec, row, expected_version, actor)
    session.delete(row)
    session.flush()
    audit.record(session, actor, "delete", kind, key, before=before, source=source)


def code_exists_fn(session: Session) -> RefExists:
    """A (kind, code) -> bool check that loads each area's codes once."""
    return _Codes(session).exists
