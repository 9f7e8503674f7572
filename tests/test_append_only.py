"""History cannot be rewritten (migration 0019), on both databases and — on PostgreSQL — by the application
role the suite runs as: change_log, inquiry_event and inquiry_event_archive refuse UPDATE and DELETE except
the changes erasure, merging and archiving make (their own tests show those still work: test_erasure,
test_customers, test_archive); the audit log takes the server's time; password hashes are not readable."""

from __future__ import annotations

import pytest
from helpers import ADMIN, AGENT
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError
from test_archive import finish

from crmterm.services.platform import archive

from crmterm.services.customers import customers, erasure, history

from crmterm.services.inquiries import inquiries
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store.db import engine_for, unit_of_work

FORGERIES = (
    "UPDATE change_log SET new = 'forged'",
    "UPDATE change_log SET old = NULL, new = NULL",  # looks like an erasure, but the customer is not erased
    "UPDATE change_log SET \"by\" = 'somebody'",
    "UPDATE change_log SET entity_id = entity_id + 1",  # not a merge
    "DELETE FROM change_log",
    "UPDATE inquiry_event SET text = 'never said'",
    "UPDATE inquiry_event SET text = ''",  # an erasure's change, for a customer who is not erased
    "UPDATE inquiry_event SET actor = 'somebody'",
    "UPDATE inquiry_event SET at = at - interval '1 day'",
    "DELETE FROM inquiry_event",  # not archived
    "UPDATE inquiry_event_archive SET text = 'never said'",
    "DELETE FROM inquiry_event_archive",
)


def act(url: str, call, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return call(session=session, actor=actor, **kwargs)


def _history(url: str) -> int:
    """A customer with a change-log row and commented inquiries, one of them archived."""
    party = act(url, customers.create_party, values={"display_name": "Hist Ory"}).id
    with unit_of_work(url) as session:
        history.record(session, entity="party", entity_id=party, field="display_name", old="Old Name",
                       new="Hist Ory", by="admin", source="test")
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "customer": party, "inquiries": [
        {"topic": "slow_data", "values": {"problem_since": "2026-11-27T08:00"}} for _n in range(3)]})
    ids = act(url, register, AGENT, draft=draft).inquiry_ids
    act(url, inquiries.comment, inquiry_id=ids[0], text="said on the phone")
    finish(url, ids[:2])
    act(url, inquiries.comment, inquiry_id=ids[2], text="still open")  # SQLite keeps the newest rows' owner live
    archive.run(url=url, actor=ADMIN, before=archive.cutoff(365))
    return party


def _refused(url: str, statement: str) -> str:
    if url.startswith("sqlite"):
        statement = statement.replace("at - interval '1 day'", "'2000-01-01 00:00:00'")
    with pytest.raises(DBAPIError) as refused, engine_for(url).begin() as connection:
        connection.execute(text(statement))
    return str(refused.value.orig)


def _count(url: str, table: str) -> int:
    with engine_for(url).connect() as connection:
        return connection.execute(text(f"SELECT count(*) FROM {table}")).scalar()


def test_history_refuses_every_change_but_the_erasure_of_an_erased_customer(demo_url):
    party = _history(demo_url)
    counts = {table: _count(demo_url, table) for table in ("change_log", "inquiry_event", "inquiry_event_archive")}
    assert all(counts.values()), counts
    for statement in FORGERIES:
        why = _refused(demo_url, statement)
        assert "append-only" in why, (statement, why)
    assert {table: _count(demo_url, table) for table in counts} == counts
    act(demo_url, erasure.erase_customer, party_id=party)  # the one change allowed, and only now
    with engine_for(demo_url).connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM inquiry_event WHERE text = 'said on the phone'")
                                  ).scalar() == 0
    assert "append-only" in _refused(demo_url, "UPDATE inquiry_event SET text = 'back again'")


def test_postgresql_history_cannot_be_truncated(postgresql_url):
    for table in ("change_log", "inquiry_event", "inquiry_event_archive", "audit_log"):
        why = _refused(postgresql_url, f"TRUNCATE {table} CASCADE")
        assert "permission denied" in why or "append-only" in why, (table, why)


def test_postgresql_audit_rows_carry_the_servers_time(postgresql_url):
    with engine_for(postgresql_url).begin() as connection:
        connection.execute(text("INSERT INTO audit_log (at, actor, source, action, entity, entity_key) "
                                "VALUES ('2001-01-01', 'admin', 'cli', 'update', 'users', 'x')"))
        stamped = connection.execute(text("SELECT at > now() - interval '1 hour' FROM audit_log "
                                          "ORDER BY id DESC LIMIT 1")).scalar()
    assert stamped is True  # a forged row cannot be placed in the past


def test_postgresql_application_role_cannot_read_password_hashes(demo_url):
    if demo_url.startswith("sqlite"):
        pytest.skip("SQLite has no roles: the file's mode is the boundary")
    assert "permission denied" in _refused(demo_url, "SELECT password_hash FROM user_password")
    with engine_for(demo_url).connect() as connection:  # what the log-in check may see: no digest
        shown = connection.execute(text("SELECT crmterm_password_settings(id) FROM app_user "
                                        "WHERE login = 'agent'")).scalar()
    assert shown.startswith("$argon2id$") and shown.endswith("A" * 43)
