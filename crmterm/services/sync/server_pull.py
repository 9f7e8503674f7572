"""The server's side of a pull: what a node's user needs, in batches, from where the node stopped.

Configuration (topics, forms, routes, queues, scripts, the knowledge base…) goes whole whenever its
fingerprint changed: it is small, only pulled, and the server wins. Customers, their contact persons and
their inquiries (with each inquiry's contact and attribute values) go by a watermark per feed: rows in the
user's scope ordered by (updated_at, id), keyset-paged.

Rows committed late: an updated_at is stamped before its transaction commits, so a slow transaction can
commit a row older than the watermark a node already passed. We chose to re-read an overlap window rather
than a PostgreSQL snapshot horizon (pg_snapshot_xmin): the first page of every pull starts OVERLAP before the
node's watermark, on both backends, and the node applies a row only when its version is newer than the one
it has, so the re-read rows cost bytes, never a double change. It misses only a transaction that stays open
longer than OVERLAP after stamping a row; the API's transactions last milliseconds."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, or_, select, text, tuple_
from sqlmodel import Session, SQLModel

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import queues_of
from crmterm.services.sync.changes import jsonable
from crmterm.store import Contact, Inquiry, InquiryValue, KbArticle, Party, Script, load_all, utcnow
from crmterm.store.tables import table_of

OVERLAP = timedelta(minutes=2)
OPEN_STATES = ("registered", "waiting", "taken", "in_progress", "reopened")
RECENT = timedelta(days=30)  # "mine": the customers one registered contacts for in this time
# Configuration a node needs to work offline, parents before children (foreign keys)
CONFIG_TABLES = ("role", "user_group", "app_user", "client_category", "channel", "place_type", "place", "priority",
                 "dictionary", "dictionary_item", "calendar", "sla_rule", "queue", "route", "route_revision",
                 "topic", "attribute_group", "attribute_def", "contact_template", "script", "kb_article",
                 "kb_article_text", "kb_article_topic")
FEEDS = ("party", "contact_person", "inquiry")  # the watermarked feeds, in the order a node applies them
SCOPES = ("mine", "territory", "all")
DEFAULT_MAX_ROWS = 20_000  # customers a node holds at most (the newest of its scope)


def _table(name: str) -> Table:
    load_all()
    return SQLModel.metadata.tables[name]


def plain(row: Any) -> dict[str, Any]:
    return {key: jsonable(value) for key, value in row._mapping.items()}


def config_fingerprint(session: Session) -> str:
    """Changes whenever configuration does: the triggers' counter, and the knowledge base's and scripts' edits."""
    counter = session.execute(text("SELECT n FROM config_version WHERE id = 1")).scalar() or 0
    marks = [session.execute(select(func.count(), func.max(model.updated_at))).one()
             for model in (table_of(KbArticle).c, table_of(Script).c)]
    return f"{counter}|" + "|".join(f"{n}:{jsonable(at)}" for n, at in marks)


def config_rows(session: Session) -> dict[str, list[dict]]:
    return {name: [plain(row) for row in session.execute(select(_table(name)))] for name in CONFIG_TABLES}


def _scope_parties(session: Session, actor: Actor, scope: str, max_rows: int) -> Any:
    """A subquery of the party ids the user's node holds: at most max_rows, the newest customers first."""
    party = table_of(Party).c
    if scope == "all":
        return select(party.id.label("party_id")).order_by(party.id.desc()).limit(max_rows).subquery()
    inquiry, contact = table_of(Inquiry).c, table_of(Contact).c
    mine = or_(inquiry.assignee_id == actor.id)
    if scope == "territory":  # the open work of every queue the user works
        queue_ids = [q.id for q in queues_of(session, actor)]
        mine = or_(inquiry.assignee_id == actor.id, inquiry.queue_id.in_(queue_ids))
    worked = select(inquiry.party_id).where(mine, inquiry.state.in_(OPEN_STATES), inquiry.party_id.isnot(None))
    registered = select(contact.party_id).where(contact.operator_id == actor.id, contact.party_id.isnot(None),
                                                contact.at >= utcnow() - RECENT)
    chosen = worked.union(registered).subquery()
    return select(chosen.c.party_id).order_by(chosen.c.party_id.desc()).limit(max_rows).subquery()


def _after(columns: Any, mark: list | None, cursor: list | None) -> Any:
    """Rows past the watermark [updated_at, id, read at], or past the cursor of this pull's previous page. The
    first page re-reads what may have committed after the last read: rows stamped from OVERLAP before it."""
    if cursor:
        return tuple_(columns.updated_at, columns.id) > tuple_(datetime.fromisoformat(cursor[0]), cursor[1])
    if not mark:
        return True
    at, read_at = datetime.fromisoformat(mark[0]), datetime.fromisoformat(mark[2])
    if read_at - OVERLAP < at:
        return columns.updated_at >= read_at - OVERLAP
    return tuple_(columns.updated_at, columns.id) > tuple_(at, mark[1])


def _feed_page(session: Session, actor: Actor, feed: str, scope: str, mark: list | None, cursor: list | None,
              limit: int, max_rows: int) -> list[dict]:
    table = _table(feed)
    columns = table.c
    parties = _scope_parties(session, actor, scope, max_rows)
    query: Any = select(table).where(_after(columns, mark, cursor))
    party_column = columns.id if feed == "party" else columns.party_id
    query = query.where(party_column.in_(select(parties.c.party_id)))
    if feed == "inquiry" and not mark:  # a new node takes the open work; later, every change (a close too)
        query = query.where(columns.state.in_(OPEN_STATES))
    query = query.order_by(columns.updated_at, columns.id).limit(limit)
    return [plain(row) for row in session.execute(query)]


def inquiry_extras(session: Session, inquiries: list[dict]) -> dict[str, list[dict]]:
    """The contacts and attribute values of a page of inquiries (they have no updated_at of their own), and
    their customers: one who came into the user's scope with this inquiry is older than the party watermark."""
    contact_ids = sorted({i["contact_id"] for i in inquiries})
    inquiry_ids = [i["id"] for i in inquiries]
    party_ids = sorted({i["party_id"] for i in inquiries if i["party_id"] is not None})
    parties = session.execute(select(table_of(Party)).where(table_of(Party).c.id.in_(party_ids)))
    contacts = session.execute(select(table_of(Contact)).where(table_of(Contact).c.id.in_(contact_ids)))
    values = session.execute(select(table_of(InquiryValue))
                             .where(table_of(InquiryValue).c.inquiry_id.in_(inquiry_ids)))
    return {"party": [plain(r) for r in parties], "contact": [plain(r) for r in contacts],
            "inquiry_value": [plain(r) for r in values]}


def pull(*, session: Session, actor: Actor, watermarks: dict[str, Any], scope: str = "mine",
         limit: int = 500, max_rows: int = DEFAULT_MAX_ROWS) -> dict[str, Any]:
    """One batch: configuration if it changed, then the first unfinished feed's rows past its watermark. The
    answer's watermarks replace the node's once it has applied the batch (so a broken pull resumes there);
    `more` says to ask again. Inside one pull, "paged" holds the cursor of each feed past its first page and
    "done" the feeds finished; the last answer drops both, so the next pull starts each feed with its overlap again."""
    require(actor, Permission.SYNC_USE)
    scope = scope if scope in SCOPES else "mine"
    marks = dict(watermarks)
    tables: dict[str, list[dict]] = {}
    fingerprint = config_fingerprint(session)
    if marks.get("config") != fingerprint:
        tables.update(config_rows(session))
        marks["config"] = fingerprint
        return {"tables": tables, "watermarks": marks, "more": True, "login": actor.login}
    done = set(marks.get("done", []))
    read_at = jsonable(utcnow())
    for feed in FEEDS:
        if feed in done:
            continue
        paged = dict(marks.get("paged", {}))
        rows = _feed_page(session, actor, feed, scope, marks.get(feed), paged.get(feed), limit, max_rows)
        if rows:
            tables[feed] = rows
            if feed == "inquiry":
                tables.update(inquiry_extras(session, rows))
            last = [rows[-1]["updated_at"], rows[-1]["id"]]
            marks[feed] = [*max(last, (marks.get(feed) or last)[:2]), read_at]  # a re-read never moves it back
        elif marks.get(feed):  # read again now: the overlap of the next pull starts from this read
            marks[feed] = [*marks[feed][:2], read_at]
        if len(rows) == limit:
            marks["paged"] = {**paged, feed: [rows[-1]["updated_at"], rows[-1]["id"]]}
            return {"tables": tables, "watermarks": marks, "more": True, "login": actor.login}
        done.add(feed)
        marks["done"] = sorted(done)
        if rows:
            return {"tables": tables, "watermarks": marks, "more": True, "login": actor.login}
    marks.pop("done", None)
    marks.pop("paged", None)
    return {"tables": tables, "watermarks": marks, "more": False, "login": actor.login}

