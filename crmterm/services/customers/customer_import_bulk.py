"""The fast path of a customer import: runs of party records validated in Python, then written per batch
(parties and their "created" history rows) with COPY on PostgreSQL and one executemany INSERT on SQLite.

A database error inside a batch (a constraint the checks did not foresee) rolls back that batch's
savepoint and the caller redoes its lines one by one, so the bad line is still reported with its number
and the good lines are kept, exactly as on the line-by-line path.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import customers
from crmterm.services.customers.history import dump_value
from crmterm.services.directory.directory import code_exists_fn
from crmterm.store import Party, utcnow
from crmterm.store.bulk import bulk_insert, reserve_ids
from crmterm.store.bulk_copy import copy_rows
from crmterm.store.column_limits import check_columns
from crmterm.store.tables import table_of

BATCH = 2_000
LANGUAGES = ("en", "ru", "uk", "bg")


@dataclass
class Prepared:
    line: int
    ref: str
    columns: dict


def party_values(record: dict) -> dict:
    """The create_party values of an import record (shared with the line-by-line path)."""
    names = {lang: record[f"name_{lang}"] for lang in LANGUAGES if record.get(f"name_{lang}")}
    lead = record.get("lead", False)  # true/false in JSONL; CSV has only text
    if isinstance(lead, str):
        lead = lead.strip().lower() in ("1", "true", "yes")
    return {"display_name": record.get("name"), "names": names, "kind": record.get("kind") or "person",
            "category": record.get("category"), "email": record.get("email"), "phone": record.get("phone"),
            "is_lead": lead}


def record_ref(record: dict) -> str:
    return text_field(record, "ref").strip()


def text_field(record: dict, name: str, default: str = "") -> str:
    """A text field of an import record: a JSON number is its digits (a contract number, say), but a list,
    an object or true/false is refused — never stored as "['a']" or read as 1."""
    value = record.get(name)
    if value is None or value == "":
        return default
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise ValidationError(name, _("expected text"))
    return value


class PartyBatch:
    """Checks and writes runs of party records; `failed` collects the (line, message) of refused lines."""

    def __init__(self, session: Session, actor: Actor, source: str) -> None:
        self.session, self.actor, self.source = session, actor, source
        self.exists = code_exists_fn(session)
        self.categories = customers.category_ids(session)

    def prepare(self, lines: list[tuple[int, dict]], refs: dict[str, int]) -> tuple[list[Prepared], list]:
        ready, failed, seen = [], [], set[str]()
        for line, record in lines:
            try:
                ready.append(self._prepare(line, record, refs, seen))
            except CrmError as error:
                failed.append((line, str(error)))
        return ready, failed

    def _prepare(self, line: int, record: dict, refs: dict[str, int], seen: set[str]) -> Prepared:
        ref = record_ref(record)
        if ref and (ref in refs or ref in seen):
            raise ValidationError("ref", _("duplicate ref '{ref}' in this file").format(ref=ref))
        document = customers.clean(self.session, party_values(record), self.exists)
        columns = customers.party_columns(document, self.categories)
        check_columns(table_of(Party), columns)  # the batch skips the ORM's flush and its checks
        if ref:
            seen.add(ref)
        return Prepared(line, ref, columns)

    def write(self, ready: list[Prepared]) -> list[int] | None:
        """Insert the batch in a savepoint; the new ids in order, or None when the database refused it."""
        if not ready:
            return []
        now, login = utcnow(), self.actor.login
        try:
            with self.session.begin_nested():
                ids = reserve_ids(self.session, "party", len(ready))
                write = copy_rows if self.session.get_bind().dialect.name == "postgresql" else bulk_insert
                write(self.session, "party", [
                    {"id": party_id, **item.columns, "version": 1, "created_at": now, "updated_at": now,
                     "updated_by": login} for party_id, item in zip(ids, ready, strict=True)])
                write(self.session, "change_log", [
                    {"entity": "party", "entity_id": party_id, "field": "created", "old": None,
                     "new": dump_value(item.columns["display_name"]), "at": now, "by": login,
                     "source": self.source} for party_id, item in zip(ids, ready, strict=True)])
        except DBAPIError:
            return None
        return ids
