"""Bulk import (CSV/JSONL) with per-line errors and --atomic, lead export, tracked-field choice; both DBs."""

from __future__ import annotations

import csv
import json

import pytest

from crmterm.errors import ConfigError
from crmterm.services.customers import customer_card, customer_import, customer_search, customers, history, leads
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AGENT

GOOD_AND_BAD = [
    {"type": "party", "ref": "acme", "kind": "organisation", "name": "ООО «Акме»", "name_en": "Acme LLC"},
    {"type": "party", "ref": "acme-spb", "kind": "organisation", "name": "Акме СПб"},
    {"type": "link", "structure": "organisation", "child": "acme"},
    {"type": "link", "structure": "organisation", "child": "acme-spb", "parent": "acme"},
    {"type": "contract", "party": "acme", "number": "ACME-1"},
    {"type": "subscriber", "contract": "ACME-1", "number": "+7 916 000-11-22"},
    {"type": "party", "ref": "bad", "name": "Плохой Телефон", "phone": "12345"},  # line 7: bad phone
    {"type": "link", "structure": "astral", "child": "acme"},  # line 8: unknown structure
    {"type": "link", "structure": "organisation", "child": "acme", "parent": "acme-spb"},  # line 9: placed
    {"type": "contact_person", "party": "nobody", "name": "X"},  # line 10: unknown ref
    {"type": "party", "ref": "lead1", "name": "Лидова Лида", "lead": "yes", "email": "lida@x.example"},
]


def _jsonl(tmp_path, records, broken_line: str | None = None):
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    if broken_line is not None:
        lines.append(broken_line)
    path = tmp_path / "customers.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _import(url, path, atomic=False):
    with unit_of_work(url) as session:
        return customer_import.import_file(session=session, actor=ADMIN, path=path, atomic=atomic)


def _search(url, text):
    with unit_of_work(url) as session:
        return customer_search.search(session=session, actor=AGENT, query=text)


def test_good_lines_are_kept_and_bad_lines_reported_by_number(demo_url, tmp_path):
    report = _import(demo_url, _jsonl(tmp_path, GOOD_AND_BAD, broken_line="{not json"))
    assert report.created == {"party": 3, "link": 2, "contract": 1, "subscriber": 1}
    lines = {line: message for line, message in report.errors}
    assert sorted(lines) == [7, 8, 9, 10, 12]
    assert "phone" in lines[7] and "astral" in lines[8] and "already in structure" in lines[9]
    assert "nobody" in lines[10] and "JSON" in lines[12]
    assert not _search(demo_url, "Плохой Телефон")  # the bad line left nothing behind
    acme = _search(demo_url, "Акме СПб")[0].id
    with unit_of_work(demo_url) as session:
        card = customer_card.get_card(session=session, actor=AGENT, party_id=acme)
    assert [n.name for n in card.structures[0].path] == ["ООО «Акме»", "Акме СПб"]


def test_atomic_refuses_the_whole_file_at_the_first_bad_line(demo_url, tmp_path):
    with pytest.raises(ConfigError) as caught:
        _import(demo_url, _jsonl(tmp_path, GOOD_AND_BAD), atomic=True)
    assert caught.value.line == 7 and "phone" in str(caught.value)
    assert not _search(demo_url, "Акме")


def test_csv_with_a_malformed_line(demo_url, tmp_path):
    path = tmp_path / "customers.csv"
    path.write_text("type,ref,name,kind\nparty,p1,Иван Тестов,person\nparty,p2,,person\nspaceship,x,y,z\n",
                    encoding="utf-8-sig")
    report = _import(demo_url, path)
    assert report.created == {"party": 1}
    assert [(line, "display_name" in m or "type" in m) for line, m in report.errors] == [(3, True), (4, True)]


def test_leads_export_for_billing(demo_url, tmp_path):
    _import(demo_url, _jsonl(tmp_path, GOOD_AND_BAD[-1:]))
    target = tmp_path / "leads.csv"
    with unit_of_work(demo_url) as session:
        count = leads.export_leads(session=session, actor=AGENT, path=target)
    rows = list(csv.DictReader(target.open(encoding="utf-8-sig")))
    assert count == len(rows) > 0 and "Лидова Лида" in {r["display_name"] for r in rows}
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: spreadsheets read the Cyrillic right


def test_untracked_fields_are_not_logged(demo_url):
    with unit_of_work(demo_url) as session:
        history.set_tracked(session, "party", ["status"])
    with unit_of_work(demo_url) as session:
        customers.update_party(session=session, actor=ADMIN, party_id=2, expected_version=None,
                               values={"email": "new@nord.example", "status": "closed"})
    with unit_of_work(demo_url) as session:
        fields = [c.field for c in customer_card.party_history(session=session, actor=ADMIN, party_id=2)]
    assert "status" in fields and "email" not in fields


def test_a_long_run_of_parties_is_batched_and_still_reports_bad_lines(demo_url, tmp_path):
    records = [{"type": "party", "ref": f"p{n}", "name": f"Пакетов Клиент {n}", "phone": f"+7916{n:07d}"}
               for n in range(2_500)]
    records[5]["phone"] = "12345"  # line 6
    records[2_100]["name"] = "Нуль\x00Байт"  # line 2101: PostgreSQL would refuse the NUL
    records[2_200]["ref"] = "p3"  # line 2201: a ref used before
    records.append({"type": "contract", "party": "p2499", "number": "BATCH-1"})
    report = _import(demo_url, _jsonl(tmp_path, records))
    assert report.created == {"party": 2_497, "contract": 1}
    assert [line for line, _m in report.errors] == [6, 2101, 2201]
    assert "control character U+0000" in dict(report.errors)[2101]
    assert _search(demo_url, "Пакетов Клиент 2499")[0].display_name == "Пакетов Клиент 2499"  # indexed
    with unit_of_work(demo_url) as session:
        party_id = _search(demo_url, "Пакетов Клиент 7")[0].id
        assert history.history(session, "party", party_id)[0].field == "created"


def test_a_batch_the_database_refuses_is_redone_line_by_line(demo_url, tmp_path, monkeypatch):
    from crmterm.services.customers.customer_import_bulk import PartyBatch

    monkeypatch.setattr(PartyBatch, "write", lambda self, ready: None)  # as if a constraint refused the batch
    report = _import(demo_url, _jsonl(tmp_path, GOOD_AND_BAD))
    assert report.created == {"party": 3, "link": 2, "contract": 1, "subscriber": 1}
    assert [line for line, _m in report.errors] == [7, 8, 9, 10]
