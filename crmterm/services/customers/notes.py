"""Notes (issue 31, item 3) on a customer, its subscribers, contact persons and contracts, and on inquiries:
internal or public (the customer may see a public one), with author and time, searchable.

Notes are append-only: a note records what someone knew or said at a moment, like the inquiry's events; a
correction is a new note, so nobody's words change under them and no edit history is needed. They go with
their customer on a merge and an erasure (services/customers/customers, erasure)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlalchemy import Integer, column, or_, text
from sqlmodel import Session, SQLModel, col, select

import crmterm.store
from crmterm.errors import NotFound, ValidationError, refuse_nul
from crmterm.i18n import N_, _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import Note
from crmterm.text import fold, search_key

# The kinds a note may be on, as typed (`customer` is the party) -> the entity stored and its table
KINDS = {"customer": "party", "party": "party", "subscriber": "subscriber", "contact_person": "contact_person",
         "contract": "contract", "inquiry": "inquiry"}
# The model of each entity, by its name in crmterm.store: resolved when a note is written, so reading a
# customer (search, the card) does not load the inquiry tables (tests/test_start_cost.py)
_MODELS = {"party": "Party", "subscriber": "Subscriber", "contact_person": "ContactPerson", "contract": "Contract",
           "inquiry": "Inquiry"}
_LABELS = {"party": N_("customer"), "subscriber": N_("subscriber"), "contact_person": N_("contact person"),
           "contract": N_("contract"), "inquiry": N_("inquiry")}
MAX_LENGTH = 4000


class NoteRead(BaseModel):
    id: int
    entity: str
    entity_id: int
    author: str
    at: datetime
    text: str
    public: bool = False


def _read(note: Note) -> NoteRead:
    return NoteRead.model_validate(note, from_attributes=True)


def _permission(kind: str, *, write: bool) -> Permission:
    if KINDS.get(kind) == "inquiry":
        return Permission.INQUIRIES_WRITE if write else Permission.INQUIRIES_READ
    return Permission.CUSTOMERS_WRITE if write else Permission.CUSTOMERS_READ


def entity_of(kind: str) -> str:
    if kind not in KINDS:
        raise ValidationError("kind", _("expected one of: {choices}").format(
            choices=", ".join(k for k in KINDS if k != "party")))
    return KINDS[kind]


def add_note(*, session: Session, actor: Actor, kind: str, target_id: int, text: str, public: bool = False,
             source: str = "tui") -> NoteRead:
    """A note by the actor, now; the target must exist."""
    require(actor, _permission(kind, write=True))
    entity = entity_of(kind)
    model: type[SQLModel] = getattr(crmterm.store, _MODELS[entity])
    if session.get(model, target_id) is None:
        raise NotFound(_(_LABELS[entity]), target_id)
    body = (text or "").strip()
    if not body:
        raise ValidationError("text", _("required"))
    if len(body) > MAX_LENGTH:
        raise ValidationError("text", _("at most {n} characters").format(n=MAX_LENGTH))
    refuse_nul("text", body)
    note = Note(entity=entity, entity_id=target_id, author=actor.login, text=body, public=public,
                search_key=search_key(body))
    session.add(note)
    session.flush()
    return _read(note)


def list_notes(*, session: Session, actor: Actor, kind: str, target_id: int, limit: int = 200) -> list[NoteRead]:
    """The target's notes, newest first."""
    require(actor, _permission(kind, write=False))
    entity = entity_of(kind)
    return _newest(session, (col(Note.entity) == entity) & (col(Note.entity_id) == target_id), limit)


def _newest(session: Session, where, limit: int) -> list[NoteRead]:
    query = select(Note).where(where).order_by(col(Note.at).desc(), col(Note.id).desc()).limit(limit)
    return [_read(n) for n in session.exec(query)]


def notes_of_party(session: Session, party_id: int, owned: dict[str, list[int]], limit: int = 200) -> list[NoteRead]:
    """The card's notes: the party's and those of its subscribers, contracts and contact persons (`owned`
    maps an entity to the ids the card already read), newest first. Called by a checked card read."""
    targets = {"party": [party_id], **owned}
    where = or_(*((col(Note.entity) == entity) & col(Note.entity_id).in_(ids) for entity, ids in targets.items()
                  if ids))
    return _newest(session, where, limit)


def search_notes(*, session: Session, actor: Actor, words: str, limit: int = 50) -> list[NoteRead]:
    """Notes holding every word (case and accents ignored), newest first; inquiry notes only for those who
    read inquiries. Each word goes through the trigram index (pg_trgm; SQLite: note_fts, store/note_index)."""
    require(actor, Permission.CUSTOMERS_READ)
    needles = [w.replace("%", "").replace("_", "").replace("\\", "") for w in fold(words).split()]
    needles = [w for w in needles if w]
    if not needles:
        raise ValidationError("words", _("required"))
    query = select(Note)
    for number, needle in enumerate(needles):
        query = query.where(_contains(session, needle, f"note_word_{number}"))
    if not actor.can(Permission.INQUIRIES_READ):
        query = query.where(col(Note.entity) != "inquiry")
    query = query.order_by(col(Note.at).desc(), col(Note.id).desc()).limit(limit)
    return [_read(n) for n in session.exec(query)]


def _contains(session: Session, needle: str, name: str):
    pattern = f"%{needle}%"
    if session.get_bind().dialect.name == "sqlite":
        return col(Note.id).in_(text(f"SELECT rowid FROM note_fts WHERE search_key LIKE :{name}")
                                .bindparams(**{name: pattern}).columns(column("rowid", Integer)))
    return col(Note.search_key).like(pattern)

