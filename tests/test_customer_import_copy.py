"""The batched customer import on PostgreSQL streams its rows with COPY (store/bulk_copy) instead of an
INSERT per row, and a batch the database refuses is still redone line by line, keeping every good line.
The wire is read through libpq's own protocol trace, not a stand-in for the database."""

from __future__ import annotations

import json

from helpers import seed_demo
from sqlalchemy import text

from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.customers import customer_import
from crmterm.store.db import unit_of_work

PARTIES = [{"type": "party", "ref": f"c{n}", "name": f"Копиров Клиент {n}", "phone": f"+7916{n:07d}"}
           for n in range(300)]


def _file(tmp_path, records: list[dict]):
    path = tmp_path / "customers.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_parties_and_their_history_go_to_postgresql_by_copy(postgresql_url, tmp_path):
    seed_demo(postgresql_url)
    trace = tmp_path / "wire.trace"
    with unit_of_work(postgresql_url) as session, trace.open("w") as wire:
        pgconn = session.connection().connection.dbapi_connection.pgconn
        pgconn.trace(wire.fileno())
        try:
            report = customer_import.import_file(session=session, actor=SYSTEM, path=_file(tmp_path, PARTIES))
        finally:
            pgconn.untrace()
    assert (report.created, report.errors) == ({"party": 300}, [])
    sent = trace.read_text(encoding="utf-8", errors="replace")
    assert "COPY party (" in sent and "COPY change_log (" in sent
    assert "INSERT INTO party" not in sent and "INSERT INTO change_log" not in sent
    with unit_of_work(postgresql_url) as session:
        found = session.execute(text(
            "SELECT p.display_name, p.phone, p.names::text, c.new, c.source FROM party p JOIN change_log c "
            "ON c.entity = 'party' AND c.entity_id = p.id AND c.field = 'created' "
            "WHERE p.display_name = 'Копиров Клиент 7'")).one()
    assert tuple(found) == ("Копиров Клиент 7", "+79160000007", "{}", '"Копиров Клиент 7"', "import")


def test_a_batch_copy_refuses_is_redone_line_by_line_on_postgresql(postgresql_url, tmp_path):
    """A party row already holding the next id of the sequence (written by hand, say) makes the batch's
    COPY fail on the primary key: the lines are redone one by one and all of them are kept."""
    seed_demo(postgresql_url)
    with unit_of_work(postgresql_url) as session:
        taken = session.execute(text("SELECT last_value + 1 FROM party_id_seq")).scalar_one()
        session.execute(text("INSERT INTO party (id, version, created_at, updated_at, kind, is_lead, display_name, "
                             "names, status, name_key, search_key) VALUES (:id, 1, now(), now(), 'person', false, "
                             "'Ручной Ряд', '{}', 'active', 'ручной ряд', 'ручной ряд')"), {"id": taken})
    with unit_of_work(postgresql_url) as session:
        report = customer_import.import_file(session=session, actor=SYSTEM, path=_file(tmp_path, PARTIES[:20]))
    assert (report.created, report.errors) == ({"party": 20}, [])
    with unit_of_work(postgresql_url) as session:
        names = session.execute(text("SELECT display_name FROM party WHERE display_name LIKE 'Копиров%'")).scalars()
        assert sorted(names) == sorted(r["name"] for r in PARTIES[:20])
