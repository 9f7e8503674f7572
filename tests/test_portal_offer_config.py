"""What the portal offers travels with config as code (issue 25 follow-up 2), on SQLite and PostgreSQL:
`config export` writes the offered topics and functions, `config import` applies them (`offered: false`
withdraws one) after validating the whole file, with the line of a bad entry."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from helpers import ADMIN

from crmterm.errors import ConfigError
from crmterm.services.directory import config_io
from crmterm.services.portal import offers
from crmterm.store.db import unit_of_work


def _export(url: str, path: Path) -> dict:
    with unit_of_work(url) as session:
        config_io.write_export(session=session, actor=ADMIN, path=path)
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _import(url: str, path: Path, document: dict):
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with unit_of_work(url) as session:
        return config_io.import_file(session=session, actor=ADMIN, path=path)


def _offers(url: str) -> list[tuple[str, str, str]]:
    with unit_of_work(url) as session:
        return [(row.kind, row.code, row.detail) for row in offers.list_offers(session=session, actor=ADMIN)]


def test_offers_are_exported_and_an_edited_file_changes_them(demo_url, tmp_path):
    exported = _export(demo_url, tmp_path / "a.yaml")
    assert exported["portal_topics"] == [{"code": "disputed_charge", "internal_attributes": ["approval_reference"]},
                                         {"code": "invoice_copy", "internal_attributes": []}]
    assert exported["portal_functions"] == [{"code": "send_balance_sms", "topic": "balance_inquiry",
                                             "params": {"balance": "250.00", "currency": "RUB"}}]
    assert _import(demo_url, tmp_path / "a.yaml", exported).changes == 0
    document = {"portal_topics": [{"code": "refund", "internal_attributes": ["amount"]},
                                  {"code": "invoice_copy", "offered": False}],
                "portal_functions": [{"code": "send_balance_sms", "offered": False}]}
    result = _import(demo_url, tmp_path / "b.yaml", document)
    assert result.updated == {"portal_topics": 2, "portal_functions": 1}
    assert _offers(demo_url) == [("topic", "disputed_charge", "approval_reference"), ("topic", "refund", "amount")]


@pytest.mark.parametrize(("entry", "message"), [
    ({"portal_topics": [{"code": "nope"}]}, "portal_topics 'nope': code: unknown reference 'nope'"),
    ({"portal_topics": [{"code": "refund", "hidden": []}]}, "portal_topics 'refund': hidden: unknown field"),
    ({"portal_functions": [{"code": "send_balance_sms", "topic": "nope"}]},
     "portal_functions 'send_balance_sms': topic: unknown reference 'nope'"),
    ({"portal_functions": [{"code": "no_such_function", "topic": "refund"}]},
     "portal_functions 'no_such_function': code: unknown reference 'no_such_function'"),
])
def test_bad_offers_are_refused_whole_with_their_line(demo_url, tmp_path, entry, message):
    with pytest.raises(ConfigError) as refused:
        _import(demo_url, tmp_path / "bad.yaml", {**entry, "portal_topics": [*entry.get("portal_topics", []),
                                                                              {"code": "refund"}]})
    assert message in str(refused.value) and refused.value.line is not None
    assert ("topic", "refund", "") not in _offers(demo_url)  # nothing applied: the file is one transaction
