"""Config as code on both databases: round trip, whole-file validation with line numbers, atomicity."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from crmterm.errors import ConfigError
from crmterm.services.directory import config_io, yaml_lines
from crmterm.store.db import unit_of_work
from helpers import ADMIN


def _export(url, path: Path) -> str:
    with unit_of_work(url) as session:
        config_io.write_export(session=session, actor=ADMIN, path=path)
    return path.read_text(encoding="utf-8")


def _import(url, path: Path):
    with unit_of_work(url) as session:
        return config_io.import_file(session=session, actor=ADMIN, path=path)


def test_import_of_an_export_changes_nothing(demo_url, tmp_path):
    exported = _export(demo_url, tmp_path / "a.yaml")
    result = _import(demo_url, tmp_path / "a.yaml")
    assert result.changes == 0 and result.unchanged > 50
    assert _export(demo_url, tmp_path / "b.yaml") == exported


def test_edits_are_applied_and_counted(demo_url, tmp_path):
    document = yaml.safe_load(_export(demo_url, tmp_path / "a.yaml").replace("Call center Moscow",
                                                                               "Call centre Moscow"))
    document["users"].append({"login": "newbie", "role": "agent", "groups": ["l1"]})
    (tmp_path / "b.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    result = _import(demo_url, tmp_path / "b.yaml")
    assert result.updated == {"places": 1} and result.created == {"users": 1} and result.changes == 2
    document = yaml_lines.load(tmp_path / "b.yaml")
    assert any(u["login"] == "newbie" for u in document["users"])


def _broken(tmp_path, text: str) -> Path:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(("edit", "message"), [
    (lambda t: t.replace("place_type: sales_office", "place_type: nowhere", 1), "unknown reference 'nowhere'"),
    (lambda t: t.replace("- code: email\n", "- code: phone\n", 1), "duplicate code 'phone'"),
    (lambda t: t.replace("  labels:\n    en: Phone", "  labels: [\n    en: Phone", 1), "YAML syntax"),
    (lambda t: t + "spaceships: []\n", "unknown section 'spaceships'"),
])
def test_bad_file_names_file_and_line_and_changes_nothing(demo_url, tmp_path, edit, message):
    original = _export(demo_url, tmp_path / "a.yaml")
    edited = edit(original.replace("Office Nevsky", "Office Nevsky 2"))  # a valid change that must not land
    path = _broken(tmp_path, edited)
    with pytest.raises(ConfigError) as caught:
        _import(demo_url, path)
    error = caught.value
    assert message in str(error) and error.file == str(path)
    assert error.line is not None and str(error).startswith(f"{path}:{error.line}: ")
    assert _export(demo_url, tmp_path / "after.yaml") == original


def test_reported_line_points_at_the_problem(demo_url, tmp_path):
    text = _export(demo_url, tmp_path / "a.yaml").replace("place_type: sales_office", "place_type: nowhere", 1)
    path = _broken(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        _import(demo_url, path)
    assert "nowhere" in text.splitlines()[caught.value.line - 1]


def test_references_may_point_forward_within_the_file(db_url, tmp_path):
    path = _broken(tmp_path, "places:\n- {code: p1, labels: P1, place_type: t1}\n"
                             "place_types:\n- {code: t1, labels: T1, channels: [c1]}\n"
                             "channels:\n- {code: c1, labels: C1}\n")
    result = _import(db_url, path)
    assert result.created == {"places": 1, "place_types": 1, "channels": 1}


def test_cel_syntax_error_names_file_line_attribute_and_column(demo_url, tmp_path):
    path = _broken(tmp_path, "crmterm_config: 1\nattributes:\n  - code: bonus\n    labels: {en: Bonus}\n"
                             "    topic: billing\n    type: decimal\n"
                             "    mandatory: \"inquiry.attrs.amount >> 1000\"\n")
    before = _export(demo_url, tmp_path / "a.yaml")
    with pytest.raises(ConfigError) as caught:
        _import(demo_url, path)
    assert str(caught.value).startswith(f"{path}:7: attributes 'bonus': mandatory: column 23: Syntax error")
    assert _export(demo_url, tmp_path / "after.yaml") == before


def test_topics_attributes_and_templates_round_trip(demo_url, tmp_path):
    text = _export(demo_url, tmp_path / "a.yaml")
    document = yaml_lines.load(tmp_path / "a.yaml")
    assert len(document["topics"]) >= 40 and document["topics"][0]["code"] == "billing"
    assert {t["code"] for t in document["templates"]} == {"cc_inbound", "cc_outbound", "shop", "back_office"}
    parents_first = [t["code"] for t in document["topics"]]
    assert all(parents_first.index(t["parent"]) < parents_first.index(t["code"])
               for t in document["topics"] if t["parent"])
    assert _import(demo_url, tmp_path / "a.yaml").changes == 0
    assert "inquiry.attrs.amount > 1000" in text
