"""PostgreSQL ranks the versions matching in their title or keywords first and stops there when nothing else
could make the page (services/knowledge/kb_search). Checked here: the body-only ceiling the shortcut relies on holds on
the server, and on a synthetic knowledge base the shortcut returns exactly what ranking every match returns."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import text

from crmterm.bench import kb
from crmterm.services.knowledge import kb_search
from crmterm.store.db import unit_of_work


@pytest.mark.parametrize("query", ["a", "a | b", "a & b", "(a & b) | c"])
def test_a_version_matching_only_in_its_body_ranks_under_the_ceiling(postgresql_url, query):
    """The heaviest body: every searched word at the most positions a tsvector keeps (256), next to each other."""
    body = " ".join(f"{w}:{','.join(f'{3 * i + k}D' for i in range(1, 257))}" for k, w in enumerate("abc"))
    with unit_of_work(postgresql_url) as session:
        rank = session.execute(text("SELECT ts_rank(CAST(:v AS tsvector), replace(:q, '&', '|')::tsquery)"),
                               {"v": body, "q": query}).scalar()
        title = session.execute(text("SELECT ts_rank('a:1A'::tsvector, 'a'::tsquery)")).scalar()
    assert 0.09 < rank <= kb_search.BODY_ONLY_CEILING < title


def test_head_first_returns_what_ranking_every_match_returns(postgresql_url, monkeypatch):
    kb.ensure_articles(postgresql_url, 10000)
    queries = kb._EN[::2] + kb._RU[::3] + kb._queries(random.Random(3), 40)  # single words shortcut most
    shortcut = 0
    with unit_of_work(postgresql_url) as session:
        for typed in queries:
            for limit in (3, 10):
                monkeypatch.setattr(kb_search, "BODY_ONLY_CEILING", 0.1)
                head_first = kb_search.search(session=session, actor=kb.AGENT, query=typed, limit=limit)
                shortcut += _shortcut_taken(session, typed, limit)
                monkeypatch.setattr(kb_search, "BODY_ONLY_CEILING", float("inf"))  # always rank every match
                every = kb_search.search(session=session, actor=kb.AGENT, query=typed, limit=limit)
                assert [(h.article_id, round(h.score, 9)) for h in head_first] == [
                    (h.article_id, round(h.score, 9)) for h in every], typed
    # both ways were compared, the shortcut often enough to mean something
    assert 40 < shortcut < 2 * len(queries)


def _shortcut_taken(session, typed: str, limit: int) -> bool:
    """Did the head pass alone answer?"""
    clauses, params = kb_search._filters(session, None, None, ["approved"])
    params |= {"limit": limit * 2, "typed": " ".join(kb_search.words(typed))}
    return kb_search.head_first(session, True, clauses, params, [], limit) is not None
