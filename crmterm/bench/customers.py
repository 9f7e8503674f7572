"""Customer search (mixed: name fragment, phone suffix, contract number) and the customer card, through the
services and as raw SQL on the same indexes. Inputs are drawn, seeded, from the data set itself."""

from __future__ import annotations

import random

from sqlmodel import Session, text

from crmterm.bench.timing import marks, p95_ms, raw_cursor, timed
from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import customer_card, customer_search
from crmterm.text import fold

LIMIT = 50


def _inputs(session: Session, rng: random.Random, n: int) -> list[tuple[str, str]]:
    """(kind, typed text) triples in turn: a name fragment, a phone suffix, a contract number."""
    names = [r[0] for r in session.execute(text("SELECT name_key FROM party ORDER BY id LIMIT 2000")).all()]
    phones = [r[0] for r in session.execute(text("SELECT number FROM subscriber ORDER BY id LIMIT 2000")).all()]
    contracts = [r[0] for r in session.execute(text("SELECT number FROM contract ORDER BY id LIMIT 2000")).all()]
    found = []
    for i in range(n):
        kind = ("name", "phone", "contract")[i % 3]
        if kind == "name" and names:
            word = max(rng.choice(names).split(), key=len)
            start = rng.randint(0, max(0, len(word) - 4))
            found.append(("name", word[start:start + rng.randint(3, 5)]))
        elif kind == "phone" and phones:
            number = rng.choice(phones)
            found.append(("phone", number[-rng.randint(4, 7):]))
        elif contracts:
            found.append(("contract", rng.choice(contracts)))
    return found


def _raw_search(session: Session, cursor, kind: str, typed: str) -> list:
    sqlite = session.get_bind().dialect.name == "sqlite"
    if kind == "name":
        needle = fold(typed)
        sql = ("SELECT p.id, p.display_name FROM party_fts f JOIN party p ON p.id = f.rowid "
               "WHERE party_fts MATCH ? ORDER BY f.rowid LIMIT ?" if sqlite else
               "SELECT id, display_name FROM party WHERE search_key LIKE ? ORDER BY id LIMIT ?")
        cursor.execute(marks(session, sql), ('"' + needle + '"' if sqlite else f"%{needle}%", LIMIT))
    elif kind == "phone":
        reverse = typed[::-1]
        cursor.execute(marks(session, "SELECT p.id, p.display_name FROM subscriber s JOIN contract c ON c.id = "
                                      "s.contract_id JOIN party p ON p.id = c.payer_party_id WHERE s.number_rev >= ? "
                                      "AND s.number_rev < ? ORDER BY s.number_rev LIMIT ?"),
                       (reverse, reverse + customer_search.PREFIX_END, LIMIT))
    else:
        cursor.execute(marks(session, "SELECT p.id, p.display_name FROM contract c JOIN party p ON "
                                      "p.id = c.payer_party_id WHERE c.number = ? LIMIT ?"), (typed, LIMIT))
    return cursor.fetchall()


def measure_search(session: Session, actor: Actor, rounds: int, rng: random.Random) -> dict[str, float]:
    inputs = _inputs(session, rng, rounds)
    for _kind, typed in inputs[:20]:  # warm: statements prepared, pages cached
        customer_search.search(session=session, actor=actor, query=typed, limit=LIMIT)
    queue = iter(inputs)
    service = timed(lambda: customer_search.search(session=session, actor=actor, query=next(queue)[1],
                                                   limit=LIMIT), len(inputs))
    with raw_cursor(session) as cursor:
        queue = iter(inputs)
        raw = timed(lambda: _raw_search(session, cursor, *next(queue)), len(inputs))
    return {"customer_search_p95_ms": p95_ms(service), "customer_search_raw_p95_ms": p95_ms(raw)}


def _raw_card(session: Session, cursor, party_id: int) -> None:
    for sql in ("SELECT * FROM party WHERE id = ?",
                "SELECT * FROM structure_link WHERE child_id = ?",
                "SELECT c.*, s.* FROM contract c LEFT JOIN subscriber s ON s.contract_id = c.id "
                "WHERE c.payer_party_id = ?",
                "SELECT * FROM contact_person WHERE party_id = ?",
                "SELECT i.id, t.code, t.labels, i.type, i.state, i.created_at FROM inquiry i JOIN topic t ON "
                "t.id = i.topic_id WHERE i.party_id = ? ORDER BY i.id DESC LIMIT 100"):
        cursor.execute(marks(session, sql), (party_id,))
        cursor.fetchall()


def measure_card(session: Session, actor: Actor, rounds: int, rng: random.Random) -> dict[str, float]:
    top = session.execute(text("SELECT MAX(id) FROM party")).scalar() or 1
    ids = [rng.randint(1, top) for _ in range(rounds)]
    present = {r[0] for r in session.execute(text("SELECT id FROM party WHERE id IN (%s)" % ",".join(
        str(i) for i in set(ids)))).all()}
    ids = [i for i in ids if i in present] or [1]
    queue = iter(ids)
    service = timed(lambda: customer_card.get_card(session=session, actor=actor, party_id=next(queue)), len(ids))
    with raw_cursor(session) as cursor:
        queue = iter(ids)
        raw = timed(lambda: _raw_card(session, cursor, next(queue)), len(ids))
    return {"customer_card_p95_ms": p95_ms(service), "customer_card_raw_p95_ms": p95_ms(raw)}
