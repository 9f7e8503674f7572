"""Cached configuration (store/config_cache) on both databases: a change made by another process is seen by
this process's next registration, a transaction sees its own uncommitted change and a rolled-back one leaves
nothing behind, and the cached loaders read configuration tables only."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap

import pytest
from sqlalchemy import event

from crmterm.services.directory import directory
from crmterm.services.inquiries.registration import ContactDraft, RegistrationError, register
from crmterm.store import config_cache
from crmterm.store.db import engine_for, unit_of_work
from helpers import ADMIN, AGENT

DRAFT = {"direction": "in", "inquiries": [{"topic": "balance_inquiry"}]}


def _register(url: str, document: dict = DRAFT):
    with unit_of_work(url) as session:
        return register(session=session, actor=AGENT, draft=ContactDraft.model_validate(document))


def _in_another_process(url: str, statement: str) -> None:
    """Run one SQL statement in a separate Python process: nothing of this process's hooks sees it."""
    script = textwrap.dedent(f"""
        from sqlalchemy import text
        from crmterm.store.db import unit_of_work
        with unit_of_work({url!r}) as session:
            session.execute(text({statement!r}))
    """)
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)


def test_a_topic_deactivated_by_another_process_is_refused_at_the_next_registration(demo_url):
    assert _register(demo_url).inquiry_ids  # fills the cache
    assert _register(demo_url).inquiry_ids  # served from it
    _in_another_process(demo_url, "UPDATE topic SET active = false WHERE code = 'balance_inquiry'")
    with pytest.raises(RegistrationError, match="no active topic 'balance_inquiry'"):
        _register(demo_url)


REFUND = {"direction": "in", "inquiries": [{"topic": "refund", "values": {"amount": "10", "refund_method": "balance"}}]}


def test_a_route_changed_by_another_process_routes_the_next_inquiry_anew(demo_url):
    _register(demo_url, REFUND)  # the route's first use writes its revision: nothing is cached from that one
    first = _register(demo_url, REFUND)
    _in_another_process(demo_url, "UPDATE route SET active = false")
    second = _register(demo_url, REFUND)
    with unit_of_work(demo_url) as session:
        from crmterm.store import Inquiry

        routed, unrouted = session.get(Inquiry, first.inquiry_ids[0]), session.get(Inquiry, second.inquiry_ids[0])
        assert routed is not None and unrouted is not None
        assert routed.queue_id is not None and unrouted.queue_id is None and unrouted.state == "registered"


def test_a_transaction_sees_its_own_new_topic_and_a_rollback_leaves_nothing_cached(demo_url):
    _register(demo_url)  # the cache is filled for this database
    draft = ContactDraft.model_validate({"direction": "in", "inquiries": [{"topic": "cache_probe"}]})
    with unit_of_work(demo_url) as session:
        directory.create_entry(session=session, actor=ADMIN, kind="topics", values={
            "code": "cache_probe", "labels": {"en": "Probe"}, "short_code": 990, "inquiry_type": "request"})
        assert register(session=session, actor=AGENT, draft=draft).inquiry_ids
        session.rollback()
    with pytest.raises(RegistrationError, match="no active topic 'cache_probe'"):
        _register(demo_url, {"direction": "in", "inquiries": [{"topic": "cache_probe"}]})


def test_a_committed_change_in_this_process_is_seen_at_once(demo_url):
    _register(demo_url)
    with unit_of_work(demo_url) as session:
        directory.update_entry(session=session, actor=ADMIN, kind="topics", key="balance_inquiry",
                               values={"active": False}, expected_version=None)
    with pytest.raises(RegistrationError, match="no active topic"):
        _register(demo_url)


_TABLES = re.compile(r'\b(?:FROM|JOIN)\s+"?(\w+)', re.IGNORECASE)
_CTES = {"chain"}  # attribute_forms.topic_path's recursive walk


def test_cached_loaders_read_configuration_tables_only(demo_url, monkeypatch):
    """Whatever a loader reads must be in CONFIG_TABLES, or a change to it would not drop the cache."""
    loading, read = [False], set()
    original = config_cache.cached

    def watched(session, key, load):
        def traced():
            loading[0] = True
            try:
                return load()
            finally:
                loading[0] = False
        return original(session, key, traced)

    def note(_conn, _cursor, statement, *_args) -> None:
        if loading[0]:
            read.update(name.lower() for name in _TABLES.findall(statement))

    monkeypatch.setattr(config_cache, "cached", watched)
    config_cache.forget_all()
    event.listen(engine_for(demo_url), "before_cursor_execute", note)
    try:
        _register(demo_url, {"direction": "in", "template": "cc_inbound", "inquiries": [
            {"topic": "refund", "values": {"amount": "10", "refund_method": "balance"}}, {"topic": "311", "values": {
                "problem_since": "2026-11-26 10:00", "device_restarted": True}}]})
    finally:
        event.remove(engine_for(demo_url), "before_cursor_execute", note)
    assert read and read - _CTES <= config_cache.CONFIG_TABLES, read - _CTES - config_cache.CONFIG_TABLES


def test_unknown_codes_typed_by_callers_never_grow_the_cache_past_its_bound(demo_url, monkeypatch):
    monkeypatch.setattr(config_cache, "MAX_ENTRIES", 5)
    for number in range(12):
        with pytest.raises(RegistrationError, match="no active topic"):
            _register(demo_url, {"direction": "in", "inquiries": [{"topic": f"no_such_topic_{number}"}]})
    _label, values = config_cache._caches[engine_for(demo_url).url.render_as_string()]
    assert 0 < len(values) <= 5


def test_every_configuration_table_has_the_triggers_that_bump_the_version(demo_url):
    """The cache trusts the trigger-kept counter (migration 0032): a table added to CONFIG_TABLES without a
    migration adding its triggers fails here. The tests above show a raw write from another process bumps it."""
    sqlite = demo_url.startswith("sqlite")
    found = ("SELECT tbl_name, count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%%config_version%%' "
             "GROUP BY tbl_name" if sqlite else
             "SELECT c.relname, count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
             "WHERE t.tgname LIKE '%%config_version%%' GROUP BY c.relname")
    with engine_for(demo_url).connect() as connection:
        triggers = dict(connection.exec_driver_sql(found).all())
    # SQLite: one trigger per operation; PostgreSQL: one statement trigger for INSERT, UPDATE, DELETE, TRUNCATE
    assert triggers == {table: 3 if sqlite else 1 for table in config_cache.CONFIG_TABLES}
