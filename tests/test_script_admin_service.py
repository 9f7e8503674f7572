"""The services behind the script editor, on both databases: the keyset-paged list, the version an author
edits, a preview of an unsaved draft, and import/export of a file as config-as-code."""

from __future__ import annotations

import pytest
from helpers import ADMIN, AGENT, AUDITOR, act

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.knowledge import script_admin, scripts
from crmterm.store.db import unit_of_work


def test_summaries_page_by_code_and_show_drafts_over_published(demo_url):
    first = act(demo_url, script_admin.summaries, ADMIN, limit=2)
    assert [s.code for s in first] == ["no_data", "retention"]
    assert [s.code for s in act(demo_url, script_admin.summaries, ADMIN, after="retention")] == ["roaming"]
    document = act(demo_url, scripts.get, ADMIN, code="roaming").document
    act(demo_url, script_admin.save_draft, ADMIN, raw=document)
    roaming = act(demo_url, script_admin.summaries, ADMIN, after="retention")[0]
    assert (roaming.number, roaming.status, roaming.published) == (2, "draft", 1)
    assert act(demo_url, script_admin.latest, ADMIN, code="roaming").status == "draft"
    with pytest.raises(PermissionDenied):
        act(demo_url, script_admin.summaries, AUDITOR)


def test_preview_walks_an_unsaved_document(demo_url):
    base = act(demo_url, script_admin.latest, ADMIN, code="retention")
    document = dict(base.document) | {"start": "value"}
    spec = act(demo_url, script_admin.preview_run, ADMIN, raw=document, base=base)
    assert spec.walk().node.id == "value" and spec.script.id == base.id
    assert spec.field_of(spec.document.node("reason_capture")).choices  # capture fields resolved
    with pytest.raises(ValidationError):
        act(demo_url, script_admin.preview_run, ADMIN, raw=document | {"start": "nowhere"}, base=base)
    with pytest.raises(PermissionDenied):
        act(demo_url, script_admin.preview_run, AGENT, raw=document)


def test_export_then_import_round_trips_as_a_draft(demo_url, tmp_path):
    target = tmp_path / "retention.yaml"
    act(demo_url, script_admin.export_file, ADMIN, code="retention", path=target)
    assert target.read_text(encoding="utf-8").startswith("crmterm_config: 1\nscripts:")
    assert act(demo_url, script_admin.import_file, ADMIN, path=target) == [("retention", "unchanged")]
    target.write_text(target.read_text(encoding="utf-8").replace("Too expensive", "Costly"), encoding="utf-8")
    assert act(demo_url, script_admin.import_file, ADMIN, path=target) == [("retention", "updated")]
    draft = act(demo_url, script_admin.latest, ADMIN, code="retention")
    assert (draft.number, draft.status) == (2, "draft")
    with pytest.raises(ValidationError):
        act(demo_url, script_admin.export_file, ADMIN, code="retention", path=tmp_path / "no" / "x.yaml")


def test_create_starts_a_draft_and_refuses_a_code_in_use(demo_url):
    created = act(demo_url, script_admin.create, ADMIN, code=" callback ", name="Перезвонить", lang="ru")
    assert (created.code, created.number, created.status) == ("callback", 1, "draft")
    assert created.name == {"ru": "Перезвонить"} and [n["id"] for n in created.document["nodes"]] == [
        "greeting", "done"]
    with unit_of_work(demo_url) as session:
        found = scripts.problems_of(session, created.document)[1]
    assert [(p.node, "en" in p.message) for p in found] == [(None, True)]  # only the name's English is missing
    for code in ("callback", "retention"):
        with pytest.raises(Conflict, match="already exists"):
            act(demo_url, script_admin.create, ADMIN, code=code, name="Again")
    with pytest.raises(ValidationError):
        act(demo_url, script_admin.create, ADMIN, code="bad code!", name="Bad")
    act(demo_url, script_admin.delete_draft, ADMIN, code="callback")
    with pytest.raises(NotFound):
        act(demo_url, script_admin.latest, ADMIN, code="callback")
