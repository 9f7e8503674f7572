"""Ranked knowledge-base search and the suggestions shown while an inquiry is registered or worked.

Ranking: score = relevance × (1 + usage_score) × topic_boost, where
  relevance   = −bm25(kb_fts, 10, 5, 1) on SQLite (title, keywords, body weights), ts_rank(kb_tsv, query)
                on PostgreSQL (title A, keywords B, body D);
  usage_score = ln(1 + opened + 3·attached + 5·helpful), kept on the article (services/knowledge/kb_usage), so usage
                lifts an article smoothly and never drowns relevance (a thousand uses multiply by about 8);
  topic_boost = 2 for suggestions when the article is linked to the inquiry's topic or a group above it,
                else 1.
Words are all required; when that finds nothing, any word will do. The typed text never reaches the query
language: on SQLite every word becomes a quoted FTS5 string, on PostgreSQL the text goes through
websearch_to_tsquery in both the English and the Russian configuration (ORed), so no input raises an error.
Russian on SQLite: FTS5 has no Russian stemmer, so a Russian word is cut to a rough stem (common endings
off) and matched as a prefix — «роуминге» finds «роуминг»; PostgreSQL stems Russian properly.
"""

from __future__ import annotations

import re

from pydantic import BaseModel
from sqlalchemy import select as sa_select
from sqlalchemy import text
from sqlmodel import Session, col

from crmterm.services.accounts.permissions import Actor
from crmterm.services.knowledge.kb import is_editor, require_reader
from crmterm.services.topics.topic_checks import with_descendants
from crmterm.store import Topic
from crmterm.store.tables import id_column

MAX_WORDS = 12
EDITOR_STATUSES = ("draft", "review", "approved")
_WORD = re.compile(r"\w+", re.UNICODE)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_RU_ENDINGS = sorted("иями ями ами ого его ому ему ыми ими иях ах ях ов ев ей ий ый ой ая яя ое ее ые ие ую юю "
                     "ом ем ам ям ых их ть ти ет ит ют ут ат ят а я о е ы и у ю ь й".split(), key=len, reverse=True)
_STOP = set("a an and are as at be by can do for from how i in is it my not of on or the to what when with "
            "и в во на не что как для по с со к у из о об а но или ли я мы мой моя это".split())


class SearchHit(BaseModel):
    article_id: int
    slug: str
    lang: str
    title: str
    snippet: str
    status: str
    visibility: str
    relevance: float
    usage_score: float
    score: float


def words(typed: str) -> list[str]:
    """The words worth searching for (stop words dropped unless nothing else is left)."""
    found = _WORD.findall(typed.casefold())[:MAX_WORDS]
    kept = [w for w in found if w not in _STOP]
    return kept or found


def _ru_stem(word: str) -> str:
    for ending in _RU_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 4:
            return word[:-len(ending)]
    return word


def fts5_query(found: list[str], *, match_all: bool) -> str:
    """Every word a quoted FTS5 string (quotes doubled), Russian ones as stem prefixes."""
    terms = []
    for word in found:
        quoted = '"' + word.replace('"', '""') + '"'
        terms.append(f'"{_ru_stem(word)}"*' if _CYRILLIC.search(word) and len(word) >= 4 else quoted)
    return (" AND " if match_all else " OR ").join(terms)


def topic_family(session: Session, code: str | None) -> list[int]:
    """A topic with the groups above it and everything below it: the articles that concern it."""
    if not code:
        return []
    rows = session.execute(sa_select(id_column(Topic), col(Topic.parent_id), col(Topic.code))).all()  # read by name
    parent = {r.id: r.parent_id for r in rows}
    start = next((r.id for r in rows if r.code == code), None)
    if start is None:
        return [-1]  # an unknown topic concerns no article
    family, node = set(with_descendants(rows, start)), start
    while node is not None:
        family.add(node)
        node = parent.get(node)
    return sorted(family)


def search(*, session: Session, actor: Actor, query: str, lang: str | None = None, topic: str | None = None,
           statuses: list[str] | None = None, limit: int = 20, boost_topic: str | None = None) -> list[SearchHit]:
    """Articles matching `query`, best first, one hit per article. Editors see every status but retired
    unless they ask for others, everyone else approved articles only; `topic` filters, `boost_topic` only
    ranks its articles higher."""
    require_reader(actor)
    statuses = (statuses or list(EDITOR_STATUSES)) if is_editor(actor) else ["approved"]
    found = words(query)
    if not found:
        return []
    limit = max(1, min(limit, 200))
    where = _filters(session, lang, topic, statuses)
    boost = topic_family(session, boost_topic)
    for match_all in (True, False) if len(found) > 1 else (True,):
        hits = _run(session, found, query, match_all, where, boost, limit)
        if hits:
            return hits
    return []


def _filters(session: Session, lang: str | None, topic: str | None, statuses: list[str]) -> tuple[str, dict]:
    clauses = ["a.status IN ({})".format(", ".join(f":status{i}" for i in range(len(statuses))))]
    params: dict = {f"status{i}": s for i, s in enumerate(statuses)}
    if lang:
        clauses.append("t.lang = :lang")
        params["lang"] = lang
    family = topic_family(session, topic)
    if family:
        clauses.append(f"EXISTS (SELECT 1 FROM kb_article_topic f WHERE f.article_id = a.id AND f.topic_id IN "
                       f"({', '.join(map(str, family))}))")
    return " AND ".join(clauses), params


def _boost_sql(boost: list[int], article: str = "a.id") -> str:
    if not boost:
        return "1"
    return (f"(CASE WHEN EXISTS (SELECT 1 FROM kb_article_topic b WHERE b.article_id = {article} AND b.topic_id IN "
            f"({', '.join(map(str, boost))})) THEN 2 ELSE 1 END)")


_SELECT = ("SELECT t.article_id, a.slug, t.lang, t.title, substr(t.body, 1, 400) AS body, a.status, a.visibility, "
           "{rel} AS relevance, a.usage_score, {rel} * (1 + a.usage_score) * {boost} AS score ")


def _run(session: Session, found: list[str], typed: str, match_all: bool, where: tuple[str, dict],
         boost: list[int], limit: int) -> list[SearchHit]:
    clauses, params = where
    params = params | {"limit": limit * 2}  # one article may match in two languages
    if session.get_bind().dialect.name != "sqlite":
        return _run_postgresql(session, found, match_all, clauses, params, boost, limit)
    sql = (_SELECT.format(rel="(-bm25(kb_fts, 10.0, 5.0, 1.0))", boost=_boost_sql(boost))
           + "FROM kb_fts JOIN kb_article_text t ON t.id = kb_fts.rowid JOIN kb_article a ON a.id = t.article_id "
           f"WHERE kb_fts MATCH :match AND {clauses} ORDER BY score DESC, t.article_id LIMIT :limit")
    rows = session.execute(text(sql), params | {"match": fts5_query(found, match_all=match_all)}).mappings().all()
    return _distinct(rows, limit)


# ts_rank (weights D 0.1 … A 1.0, no length normalisation) ranks a version whose matched words are all in the
# body — weight D — at most 0.1: each word scores at most its heaviest weight, and the words are averaged
# (tests/test_kb_search_head_first.py checks the ceiling on the server).
BODY_ONLY_CEILING = 0.1


def _run_postgresql(session: Session, found: list[str], match_all: bool, clauses: str, params: dict,
                    boost: list[int], limit: int) -> list[SearchHit]:
    params = params | {"typed": " ".join(found)}
    hits = head_first(session, match_all, clauses, params, boost, limit)
    if hits is not None:
        return hits
    rows = session.execute(text(_postgresql_sql(match_all, clauses, boost)), params).mappings().all()
    return _distinct(rows, limit)


def head_first(session: Session, match_all: bool, clauses: str, params: dict, boost: list[int],
               limit: int) -> list[SearchHit] | None:
    """The page ranked from the versions with a searched word in their title or keywords alone (few, even for
    a common word), when it is exact: its last hit scores at least what any body-only version could reach
    (the ceiling × the highest usage of the searched statuses × the topic boost). Else None: rank every match."""
    statuses = [name for name in params if name.startswith("status")]
    sql = _postgresql_sql(match_all, clauses, boost, head_statuses=statuses)
    rows = session.execute(text(sql), params).mappings().all()
    hits = _distinct(rows, limit)
    if not rows or len(hits) < limit:
        return None
    ceiling = BODY_ONLY_CEILING * (1 + (rows[0]["top_usage"] or 0.0)) * (2 if boost else 1)
    return hits if hits[-1].score >= ceiling else None


def _postgresql_sql(match_all: bool, clauses: str, boost: list[int], *, head_statuses: list[str] | None = None) -> str:
    """Rank the matching versions first, reading each one's article by primary key (a join would make the
    planner hash all articles), and fetch the rest for the few that make the page. Ranked by every searched
    word ORed (`anyq`): ts_rank then averages the words whatever the query's operators, the same for both
    passes (and what it did for the ORed English and Russian queries anyway). `head_statuses` (the status
    parameters): only versions matching in their head, with the highest usage of those statuses (an index
    lookup each, ix_kb_article_status_usage)."""
    query = "(websearch_to_tsquery('english', :typed) || websearch_to_tsquery('russian', :typed))"
    anyq = "replace((x.q)::text, '&', '|')::tsquery"
    q = (f"SELECT x.q, {anyq} AS anyq FROM (SELECT {query} AS q) x" if match_all
         else f"SELECT {anyq} AS q, {anyq} AS anyq FROM (SELECT {query} AS q) x")
    usage = f"(SELECT a.usage_score FROM kb_article a WHERE a.id = t.article_id AND {clauses})"
    in_head = " AND t.kb_head @@ q.anyq" if head_statuses is not None else ""
    ranked = (f"SELECT t.id, ts_rank(t.kb_tsv, q.anyq) AS relevance, {usage} AS usage, "
              f"{_boost_sql(boost, 't.article_id')} AS boost FROM q, kb_article_text t "
              f"WHERE t.kb_tsv @@ q.q{in_head}")
    top = ("SELECT id, relevance, relevance * (1 + usage) * boost AS score FROM (" + ranked + ") r "
           "WHERE usage IS NOT NULL ORDER BY score DESC, id LIMIT :limit")
    top_usage = ", GREATEST({}) AS top_usage".format(", ".join(
        f"(SELECT max(a.usage_score) FROM kb_article a WHERE a.status = :{name})" for name in head_statuses)) \
        if head_statuses else ""
    return (f"WITH q AS ({q}), top AS ({top}) "
            "SELECT t.article_id, a.slug, t.lang, t.title, substr(t.body, 1, 400) AS body, a.status, a.visibility, "
            f"top.relevance, a.usage_score, top.score{top_usage} "
            "FROM top JOIN kb_article_text t ON t.id = top.id "
            "JOIN kb_article a ON a.id = t.article_id ORDER BY top.score DESC, t.article_id")


def _distinct(rows, limit: int) -> list[SearchHit]:
    hits: dict[int, SearchHit] = {}
    for row in rows:
        if row["article_id"] not in hits:
            hits[row["article_id"]] = SearchHit(**{k: v for k, v in row.items() if k != "body"},
                                                snippet=snippet(row["body"]))
    return list(hits.values())[:limit]


def snippet(body: str, width: int = 160) -> str:
    """The body's first words as plain text (Markdown marks dropped)."""
    plain = " ".join(re.sub(r"[#*_`>\[\]()|]+", " ", body or "").split())
    return plain if len(plain) <= width else plain[:width - 1].rstrip() + "…"


def suggest(*, session: Session, actor: Actor, topic: str | None = None, typed: str = "",
            limit: int = 5) -> list[SearchHit]:
    """What to offer beside an inquiry: articles matching the typed text (those of its topic first), or,
    before anything is typed, the most used approved articles of its topic."""
    require_reader(actor)
    if words(typed):
        return search(session=session, actor=actor, query=typed, boost_topic=topic, limit=limit,
                      statuses=["approved"])  # only approved articles can be attached
    family = topic_family(session, topic)
    if not family:
        return []
    sql = (_SELECT.format(rel="1.0", boost="1") + "FROM kb_article a JOIN kb_article_text t ON t.article_id = a.id "
           f"WHERE a.status = 'approved' AND EXISTS (SELECT 1 FROM kb_article_topic f WHERE f.article_id = a.id "
           f"AND f.topic_id IN ({', '.join(map(str, family))})) ORDER BY score DESC, t.article_id LIMIT :limit")
    rows = session.execute(text(sql), {"limit": limit * 2}).mappings().all()
    return _distinct(rows, limit)
