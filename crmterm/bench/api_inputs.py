"""What the API load is made of, drawn (seeded) from the data set itself: contact documents for `POST /contacts`
on every configured topic (its mandatory attributes filled with values of their type, then checked by the
service the API calls) for customers from the whole id range; and search inputs for `GET /customers?q=` and the
in-process search (a name fragment, a phone suffix, a contract number in turn), each from a row drawn
uniformly over its whole table, not its head (whose pages a short run keeps in cache)."""

from __future__ import annotations

import random
from typing import Any

from sqlalchemy import text
from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor
from crmterm.services.topics import attribute_checks, attribute_forms
from crmterm.store import Channel, Topic

# A value an agent could type for a mandatory field of each type (dictionary and query fields take a choice).
_TYPED = {"string": "bench", "text": "bench: told by the caller", "integer": "3", "decimal": "150.50",
          "bool": "true", "date": "2026-11-20", "datetime": "2026-11-20 10:00"}
_TABLES = {"party", "subscriber", "contract"}


def random_rows(session: Session, table: str, column: str, rng: random.Random, n: int) -> list:
    """`column` of `n` rows drawn uniformly over the table's whole id range: a random id, then the first row
    at or above it (one index probe each; a gap's row is drawn a little more often, as is the last row)."""
    assert table in _TABLES and column.isidentifier()  # names of our own, never the caller's text
    top = session.execute(text(f"SELECT MAX(id) FROM {table}")).scalar() or 0
    if not top:
        return []
    probe = text(f"SELECT {column} FROM {table} WHERE id >= :x ORDER BY id LIMIT 1")
    return [session.execute(probe, {"x": rng.randint(1, top)}).scalar() for _ in range(n)]


def search_inputs(session: Session, rng: random.Random, n: int) -> list[str]:
    """What agents type into the search box, `n` of them in turn: a fragment of a name's longest word (3 to 5
    letters), the last 4 to 7 digits of a phone number, a contract number, each from a row drawn at random."""
    third = n // 3 + 1
    names = [v for v in random_rows(session, "party", "name_key", rng, third) if v and v.strip()]
    phones = [v for v in random_rows(session, "subscriber", "number", rng, third) if v]
    contracts = [v for v in random_rows(session, "contract", "number", rng, third) if v]
    typed: list[str] = []
    for name, phone, contract in zip(names, phones, contracts, strict=False):
        word = max(name.split(), key=len)
        start = rng.randint(0, max(0, len(word) - 4))
        typed += [word[start:start + rng.randint(3, 5)], phone[-rng.randint(4, 7):], contract]
    return typed[:n] or ["a"]


def _filled(session: Session, actor: Actor, topic: str) -> dict[str, Any] | None:
    """Values for the topic's mandatory fields that its form accepts, or None when no such values are found."""
    form = attribute_forms.effective_attributes(session=session, actor=actor, topic=topic)
    choices = attribute_checks.options(session=session, actor=actor, form=form)
    checked = attribute_checks.check_values(session=session, actor=actor, form=form, raw={}, fill_defaults=True)
    values: dict[str, Any] = {}
    for code in checked.errors:
        field = form.field(code)
        if field is None:
            return None
        picked = choices.get(code) or [(_TYPED.get(field.type, "bench"), "")]
        values[code] = picked[0][0]
    again = attribute_checks.check_values(session=session, actor=actor, form=form, raw=values, fill_defaults=True)
    return None if again.errors else values


def topic_values(session: Session, actor: Actor) -> list[tuple[str, dict[str, Any]]]:
    """(topic code, values) for every active topic that can be registered with values filled as above."""
    codes = session.exec(select(Topic.code).where(col(Topic.is_group).is_(False), col(Topic.active).is_(True))
                         .order_by(col(Topic.code))).all()
    found = [(code, values) for code in codes if (values := _filled(session, actor, code)) is not None]
    if not found:
        raise RuntimeError("no topic can be registered: run `crmterm seed demo` on the bench database")
    return found


def contact_documents(session: Session, actor: Actor, rng: random.Random, n: int) -> list[dict[str, Any]]:
    """`n` documents of `POST /contacts`: a customer, a channel and one inquiry each, all drawn at random."""
    topics = topic_values(session, actor)
    # None: an anonymous caller
    parties: list[int | None] = random_rows(session, "party", "id", rng, min(n, 2000)) or [None]
    active = session.exec(select(Channel.code).where(col(Channel.active).is_(True))).all()
    channels: list[str | None] = list(active) or [None]
    documents = []
    for number in range(n):
        topic, values = rng.choice(topics)
        documents.append({"customer": rng.choice(parties), "channel": rng.choice(channels), "direction": "in",
                          "text": f"bench api {number}",
                          "inquiries": [{"topic": topic, "values": values, "text": "registered by the bench"}]})
    return documents
