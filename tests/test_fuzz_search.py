"""Fuzzed search strings (issue 12 item 8), on both databases: customer search (FTS5 / pg_trgm, with its
keyset cursor), directory search and saved inquiry filters, with LIKE/FTS metacharacters, NUL, lone
surrogates, RTL, emoji and huge strings. Results or a CrmError, never a database error."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st
from sqlmodel import Session

from crmterm.services.customers import customer_search

from crmterm.services.directory import directory

from crmterm.services.routing import queues, saved_filters
from crmterm.services.accounts.permissions import SYSTEM, Actor, Role
from crmterm.services.routing.inquiry_filter import OPERATORS, AttributeCondition, period_bound
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store.db import engine_for
from fuzz_strategies import NASTY, fuzz, nasty_text, outcome_of, shared_demo_url  # noqa: F401

CURSORS = st.one_of(st.none(), nasty_text(20), st.sampled_from(["exact:1", "id:x", "prefix:", "contains:9" * 30]))


def _rolled_back(url: str, area: str, call):
    with Session(engine_for(url)) as session:
        try:
            return outcome_of(area, lambda: call(session))
        finally:
            session.rollback()


@fuzz(60)
@given(query=st.one_of(nasty_text(), st.sampled_from(NASTY)), after=CURSORS, limit=st.integers(1, 60))
@example(query="²", after=None, limit=5)
@example(query="a\x00b", after=None, limit=5)
@example(query="\udcff", after=None, limit=5)
@example(query="x", after="junk", limit=5)
@example(query="9" * 5000, after=None, limit=5)
def test_customer_search(shared_demo_url, query, after, limit):
    _rolled_back(shared_demo_url, "search.customers", lambda s: customer_search.search(
        session=s, actor=SYSTEM, query=query, after=after, limit=limit))


@fuzz(30)
@given(area=st.sampled_from(["channels", "places", "dictionaries", "topics", "attributes"]), text=nasty_text())
def test_directory_search(shared_demo_url, area, text):
    _rolled_back(shared_demo_url, "search.directory", lambda s: directory.list_entries(
        session=s, actor=SYSTEM, kind=area, search=text))


@fuzz(30)
@given(name=nasty_text(), queue=st.one_of(st.none(), nasty_text(20)), topic=st.one_of(st.none(), nasty_text(20)),
       assignee=st.one_of(st.none(), st.just("me"), nasty_text(20)))
@example(name="a\x00b", queue=None, topic=None, assignee=None)  # PostgreSQL: DataError, name lookup
@example(name="x", queue="a\x00b", topic=None, assignee=None)
@example(name="x", queue=None, topic="a\x00b", assignee="a\x00b")
def test_saved_filters(shared_demo_url, name, queue, topic, assignee):
    actor = Actor(login="agent", role=Role.AGENT)
    where = InquiryFilter(queue=queue, topic=topic, assignee=assignee)
    _rolled_back(shared_demo_url, "search.saved_filters", lambda s: (
        saved_filters.save_filter(session=s, actor=actor, name=name, where=where),
        saved_filters.list_filters(session=s, actor=actor)))


@fuzz(30)
@given(code=nasty_text(20), op=st.sampled_from(OPERATORS), value=nasty_text(30),
       channel=st.one_of(st.none(), nasty_text(20)), period=st.one_of(st.just(""), nasty_text(20)))
@example(code="amount", op=">=", value="1e400", channel=None, period="")
@example(code="amount", op="<", value="NaN", channel="a\x00b", period="")
@example(code="charge_date", op="=", value="a\x00b", channel=None, period="9999-12-31")
@example(code="approval_reference", op="contains", value="%_\\", channel=None, period="2026-02-30")
def test_filter_parameters(shared_demo_url, code, op, value, channel, period):
    """Typed attribute conditions, codes and periods as anyone may type them: a list or a refusal, never a
    traceback (the value is parsed by the attribute's kind before it reaches SQL)."""
    def run(session):
        where = InquiryFilter(channel=channel, created_to=period_bound(period, "created_to", end=True),
                              attributes=[AttributeCondition(code=code, op=op, value=value)])
        return queues.page(session=session, actor=SYSTEM, where=where, limit=5)
    _rolled_back(shared_demo_url, "search.filter_parameters", run)
