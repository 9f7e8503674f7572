"""One search box for customers: any part of a name or e-mail (case- and accent-insensitive), phone number
suffix in any formatting, contract number, customer id. Two letters find names with a word starting so
("ив" finds "Иванов", "Анна Ивлева"); a query without letters is a number and never matches names.

Results come in tiers — exact, then prefix, then contains — and every tier is read from an index in index
order with LIMIT, so a query costs the same on a million customers as on a thousand: nothing ranks or sorts
the full set of matches. Sources: party.name_key (exact/prefix), contract.number, subscriber.number_rev
(reversed digits, so a suffix is a prefix), word starts (" ив": three characters, so the trigram indexes
answer them), and for fragments party_fts (SQLite FTS5 trigram) or the pg_trgm
GIN index on party.search_key. A page's `cursor` names the source and the last key read there (keyset).

A keystroke costs two round trips, not one per source: every source is one branch of a single UNION ALL
(each branch still its own index read with its own LIMIT), and one query fetches what the list shows of the
hits (search_details). Only when a branch was cut by its LIMIT before the page was full (a party matched many
times in one source) does the search read on source by source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel
from sqlalchemy import text
from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import search_details
from crmterm.services.customers.phones import digits, significant_digits
from crmterm.text import fold

MIN_FRAGMENT = 3  # trigram indexes need three characters
MIN_WORD = 2  # a word start: the space before it is the third character
SPARE = 10  # rows read beyond the page: a party found twice is skipped
_NO_CONTROL = dict.fromkeys(range(32), " ") | {127: " "}
PREFIX_END = "\U0010ffff"  # above any character: `x <= k < x + PREFIX_END` means "k starts with x"


class SearchHit(BaseModel):
    id: int
    display_name: str
    kind: str
    is_lead: bool
    status: str
    names: dict[str, str] = {}  # by language; the UI shows the current language's, else display_name
    rank: int  # 0 exact, 1 prefix, 2 contains
    matched: str  # name | contract | phone | id
    cursor: str  # pass as `after` to continue after this hit
    phone: str | None = None  # what tells namesakes apart: the matched (else first) subscriber's number,
    contract: str | None = None  # the first contract,
    region: str | None = None  # and the customer's region
    subscriber: str | None = None  # the number that matched, when found by phone: the contact's subscriber
    blacklisted: str | None = None  # fraud | non_payment: the customer or a number of its is blacklisted


@dataclass(frozen=True)
class _Source:
    """Selects (party id, key, matched number) from `body` (FROM … WHERE …, with an `:after` keyset) in
    `order`, which is also the key's order."""

    name: str
    rank: int
    party: str
    key: str
    body: str
    order: tuple[str, ...]
    numeric_key: bool = False
    number: str = "CAST(NULL AS TEXT)"  # the subscriber number a phone hit was found by

    def select(self, after: str = ":after", limit: str = ":n") -> str:
        columns = ", ".join(f"{expr} AS o{i}" for i, expr in enumerate(self.order))
        return (f"SELECT {self.party} AS party_id, {self.key} AS k, {self.number} AS num, {columns} "
                f"FROM {self.body.replace(':after', after)} ORDER BY {', '.join(self.order)} LIMIT {limit}")


@dataclass(frozen=True)
class Statement:
    """The one query a keystroke runs: its SQL (named `:params`), parameters and the sources it reads."""

    sql: str
    params: dict
    sources: list[_Source]

    def dbapi(self, backend: str) -> str:
        """The SQL in the driver's own placeholder style (sqlite3 takes `:name`, psycopg `%(name)s`)."""
        return self.sql if backend == "sqlite" else re.sub(r"(?<!:):(\w+)", r"%(\1)s", self.sql)


# PostgreSQL estimates each condition alone: for "федор", found in 2% of names but only ever at a word start, it
# expects 2% of the table to match and walks the primary key for 60 of them (all 100,000 rows at 100k customers)
# instead of the trigram index. This regex (an occurrence inside a word: what the NOT LIKEs leave) is implied by
# the conditions before it, so it changes no result, but its estimate is read off sampled names, so a fragment
# that is never inside a word is expected to match nothing and read through the trigram index.
_MID_WORD = " AND p.search_key ~ :mid_word"


def _like_safe(value: str) -> str:
    """LIKE wildcards removed: FTS5 trigram tables ignore their index for LIKE ... ESCAPE, and nobody
    searches a customer by '%' or '_'."""
    return value.replace("%", "").replace("_", "").replace("\\", "")


def _fts_or_like(backend: str, phrase: str, pattern: str) -> tuple[str, tuple[str, ...]]:
    """A trigram match in rowid order: SQLite's FTS5 phrase query (an exact substring match that, unlike
    LIKE on an external-content table, needs no re-read of every candidate row), PostgreSQL's pg_trgm LIKE."""
    if backend == "sqlite":  # FTS5 yields rowids in order: no sort
        return (f"party_fts f JOIN party p ON p.id = f.rowid WHERE party_fts MATCH {phrase} AND f.rowid > :after",
                ("f.rowid",))
    return f"party p WHERE p.search_key LIKE {pattern} AND p.id > :after", ("p.id",)


def _sources(backend: str, needle: str, number: str) -> list[_Source]:
    """Tier by tier (exact, prefix, contains); a query without letters is a number: no name source reads it."""
    names = any(ch.isalpha() for ch in needle)
    live = "AND p.status <> 'merged'"
    not_prefix = "AND NOT (p.name_key >= :q AND p.name_key < :q_hi) AND p.status <> 'merged'"
    word_body, word_order = _fts_or_like(backend, ":word_phrase", ":word_pattern")
    part_body, part_order = _fts_or_like(backend, ":phrase", ":pattern")
    found = [
        _Source("id", 0, "p.id", "p.id", f"party p WHERE p.id = :pid AND p.id > :after {live}", ("p.id",),
                numeric_key=True) if number and number == needle and len(number) < 12 else None,
        _Source("exact", 0, "p.id", "p.id", f"party p WHERE p.name_key = :q AND p.id > :after {live}", ("p.id",),
                numeric_key=True) if names else None,
        _Source("contract", 0, "c.payer_party_id", "c.number", "contract c WHERE c.number = :c AND c.number > :after",
                ("c.number",)),
        # equipment by its serial number (services/service stores it in capitals without spaces)
        _Source("serial", 0, "a.party_id", "a.serial", "service_asset a WHERE a.serial = :serial AND a.serial > :after",
                ("a.serial",)),
        _Source("prefix", 1, "p.id", "p.name_key || '\u0001' || p.id",
                f"party p WHERE p.name_key > :q AND p.name_key < :q_hi AND p.name_key || '\u0001' || p.id > :after "
                f"{live}", ("p.name_key", "p.id")) if names else None,
        # names with a later word starting with the query: the space before it makes two letters three
        # characters, which the trigram indexes answer (the first word is the `prefix` source's)
        _Source("word", 1, "p.id", "p.id", f"{word_body} {not_prefix}", word_order, numeric_key=True)
        if names and len(needle) >= MIN_WORD else None,
        _Source("contract_prefix", 1, "c.payer_party_id", "c.number",
                "contract c WHERE c.number > :c AND c.number < :c_hi AND c.number > :after", ("c.number",)),
        _Source("phone", 1, "c.payer_party_id", "s.number_rev || '\u0001' || s.id",
                "subscriber s JOIN contract c ON c.id = s.contract_id WHERE s.number_rev >= :r "
                "AND s.number_rev < :r_hi AND s.number_rev || '\u0001' || s.id > :after", ("s.number_rev", "s.id"),
                number="s.number") if len(number) >= 3 else None,
        _Source("contains", 2, "p.id", "p.id", f"{part_body} {not_prefix} AND p.search_key NOT LIKE :word_pattern"
                f"{_MID_WORD if backend != 'sqlite' and '|' not in needle else ''}", part_order, numeric_key=True)
        if names and len(needle) >= MIN_FRAGMENT else None,
    ]
    return [s for s in found if s is not None]


def statement(backend: str, query: str, limit: int, after: str | None = None) -> Statement | None:
    """The query a search for `query` runs first (None: nothing to search for): every source from the page's
    start on, each a branch reading at most limit + SPARE rows from its index, numbered in its own order."""
    query = _encodable(query).translate(_NO_CONTROL)  # no stored key holds one, and PostgreSQL refuses NUL
    after = _encodable(after) if after else after
    needle, number = fold(query), digits(query)
    if not needle:
        return None
    sources = _sources(backend, needle, number)
    start_source, start_key = _start(after, sources)
    sources = sources[[s.name for s in sources].index(start_source):]
    params = _params(query, needle, number) | {"n": limit + SPARE}
    branches = []
    for i, source in enumerate(sources):
        params[f"after{i}"] = _floor(source, start_key if i == 0 else None)
        branches.append(f"SELECT {i} AS src, party_id, CAST(k AS TEXT) AS k, num, ROW_NUMBER() OVER (ORDER BY "
                        f"{', '.join(f'o{j}' for j in range(len(source.order)))}) AS pos "
                        f"FROM ({source.select(after=f':after{i}')}) AS b{i}")
    return Statement(" UNION ALL ".join(branches) + " ORDER BY src, pos", params, sources)


def _encodable(value: str) -> str:
    """Without lone surrogates (half a UTF-16 pair): no stored key holds one, and no driver can send it."""
    return value.encode("utf-8", "ignore").decode("utf-8")


def _params(query: str, needle: str, number: str) -> dict:
    phone = significant_digits(query) if len(number) >= 7 else number
    return {"q": needle, "q_hi": needle + PREFIX_END, "c": needle.upper(), "c_hi": needle.upper() + PREFIX_END,
            "serial": "".join(query.split()).upper(),
            "r": phone[::-1], "r_hi": phone[::-1] + PREFIX_END,
            "pid": int(number) if number and len(number) < 12 else -1,
            "pattern": f"%{_like_safe(needle)}%", "phrase": '"' + needle.replace('"', '""') + '"',
            "word_pattern": f"% {_like_safe(needle)}%", "word_phrase": '" ' + needle.replace('"', '""') + '"',
            "mid_word": "[^ ]" + re.escape(_like_safe(needle))}


def _floor(source: _Source, key: str | None) -> int | str:
    return (int(key) if key else 0) if source.numeric_key else (key or "")


def search(*, session: Session, actor: Actor, query: str, limit: int = 50, after: str | None = None) -> list[SearchHit]:
    """Best matches first; pass the last hit's `cursor` as `after` for the next page."""
    require(actor, Permission.CUSTOMERS_READ)
    found = statement(session.get_bind().dialect.name, query, limit, after)
    if found is None:
        return []
    picked = pick(found, _first_rows(session, found), limit)
    if picked.cut is not None:
        _read_on(session, found, picked, limit)
    return _hits(session, picked.found)


def _first_rows(session: Session, found: Statement) -> Sequence:
    """The rows of the statement. On PostgreSQL never as a prepared statement: psycopg prepares a query text
    after five runs and PostgreSQL then may plan it once for any fragment (a generic plan walking the primary
    key for every LIKE: 4x slower at 100k customers); planned per fragment, each branch picks its index."""
    backend = session.get_bind().dialect.name
    if backend == "sqlite":
        return session.execute(text(found.sql), found.params).all()
    driver = session.connection().connection.driver_connection
    assert driver is not None
    return driver.execute(found.dbapi(backend), found.params, prepare=False).fetchall()


@dataclass
class Picked:
    """The parties of a page in order: party id -> (source, key, matched number); `cut`: the index of the
    source whose branch ran out of rows before the page was full (more may match there), else None."""

    found: dict[int, tuple[_Source, str, str | None]]
    cut: int | None = None
    floor: str | None = None  # the last key read from the cut source


def pick(found: Statement, rows: Sequence, limit: int) -> Picked:
    """The first `limit` distinct parties, source by source, as reading the sources one by one would find them."""
    picked = Picked({})
    by_source: dict[int, list] = {}
    for src, party, key, num, _pos in rows:
        by_source.setdefault(src, []).append((party, key, num))
    for i, source in enumerate(found.sources):
        branch = by_source.get(i, [])
        for party, key, num in branch:
            picked.floor = key
            if party not in picked.found:
                picked.found[party] = (source, key, num)
                if len(picked.found) == limit:
                    return picked
        if len(branch) == found.params["n"]:
            picked.cut = i
            return picked
    return picked


def _read_on(session: Session, found: Statement, picked: Picked, limit: int) -> None:
    """From the cut source on, one source at a time (rare: a page of parties matching many times)."""
    assert picked.cut is not None
    for i, source in enumerate(found.sources[picked.cut:]):
        key = picked.floor if i == 0 else None
        _read_source(session, source, found.params, key, limit - len(picked.found), picked.found)
        if len(picked.found) >= limit:
            return


def _start(after: str | None, sources: list[_Source]) -> tuple[str, str | None]:
    """Where a page starts: the first source, or the source and key of `after` (a hit's cursor)."""
    if not after:
        return sources[0].name, None
    name, _sep, key = after.partition(":")
    source = next((s for s in sources if s.name == name), None)
    if source is None or not key or (source.numeric_key and not (key.isascii() and key.isdecimal())):
        raise ValidationError("after", _("not a search cursor: {v}").format(v=after[:40]))
    return name, key


def _read_source(session: Session, source: _Source, params: dict, after: str | None, room: int,
                 picked: dict[int, tuple[_Source, str, str | None]]) -> None:
    """Read from one source until `room` new parties are found (a party found earlier is skipped)."""
    floor = _floor(source, after)
    while room > 0:
        rows = session.execute(text(source.select()), {**params, "after": floor, "n": room + SPARE}).all()
        for party_id, key, num, *_order in rows:
            floor = key
            if party_id not in picked:
                picked[party_id] = (source, str(key), num)
                room -= 1
                if room == 0:
                    return
        if len(rows) < room + SPARE:
            return


def _hits(session: Session, picked: dict[int, tuple[_Source, str, str | None]]) -> list[SearchHit]:
    if not picked:
        return []
    shown = search_details.shown(session, list(picked))
    return [SearchHit(**shown[i].fields(), rank=source.rank, matched=_matched(source.name),
                      cursor=f"{source.name}:{key}", phone=number or shown[i].phone, contract=shown[i].contract,
                      region=shown[i].region, subscriber=number,
                      blacklisted=shown[i].blacklisted)
            for i, (source, key, number) in picked.items() if i in shown]


def details_statement(session: Session, party_ids: list[int]) -> tuple[str, dict | tuple]:
    """The second statement of a search as the driver takes it (SQL and parameters): the bench's raw baseline."""
    compiled = search_details.shown_query(party_ids).compile(dialect=session.get_bind().dialect,
                                                              compile_kwargs={"render_postcompile": True})
    if compiled.positional and compiled.positiontup is not None:
        return compiled.string, tuple(compiled.params[name] for name in compiled.positiontup)
    return compiled.string, compiled.params


MATCHED = (N_("name"), N_("contract"), N_("phone"), N_("serial"), N_("id"))  # what a hit was found by, shown


def _matched(source: str) -> str:
    return {"exact": "name", "prefix": "name", "contains": "name", "contract_prefix": "contract"}.get(source, source)


def hit_details(hit: SearchHit) -> str:
    """"  · +7…  · K-77  · Moscow": what a list shows beside the name so namesakes differ."""
    return "".join(f"  · {part}" for part in (hit.phone, hit.contract, hit.region) if part)
