"""Script authoring from the keyboard: an admin opens Scripts from the Admin tab, edits the retention script
(texts, a new answer whose missing target shows as a problem until fixed), saves the draft and publishes it;
a stale save reports who changed the draft; roles without the right never see the area."""

from __future__ import annotations

from crmterm.app import make_app
from crmterm.screens.admin.admin import AdminPanel
from crmterm.screens.admin.script_admin import ScriptAdminScreen
from crmterm.services.knowledge import script_admin, scripts
from crmterm.store.db import unit_of_work
from helpers import ADMIN, notices, press_and_settle, settle
from test_tui import SIZE, _login

WIDE = (160, 48)


def act(url: str, call, **kwargs):
    with unit_of_work(url) as session:
        return call(session=session, actor=ADMIN, **kwargs)


async def open_scripts(pilot, code: str = "retention") -> ScriptAdminScreen:
    await _login(pilot, "admin", "admin")
    await press_and_settle(pilot, "f10", "end", "enter")
    screen = pilot.app.screen
    assert isinstance(screen, ScriptAdminScreen)
    while screen.script is None or screen.script.code != code:
        await press_and_settle(pilot, "down")
    return screen


def problems(screen: ScriptAdminScreen) -> list[str]:
    return [f"{p.node}: {p.message}" for p in screen.problems]


async def test_edit_add_answer_fix_save_and_publish(ui_settings):
    url = ui_settings.database_url
    async with make_app(ui_settings).run_test(size=WIDE) as pilot:
        screen = await open_scripts(pilot)
        assert screen.selected == 0 and problems(screen) == []  # the start node, a clean script
        await press_and_settle(pilot, "enter")  # from the list to the outline
        await press_and_settle(pilot, "enter")  # into the form of the start node
        text = screen.query_one("#f-text-en")
        text.value = "Why does the customer want to leave us?"
        await settle(pilot)
        assert screen.dirty and screen.document["nodes"][0]["text"]["en"].endswith("leave us?")
        await press_and_settle(pilot, "alt+a")
        assert any("reason: answer 5 has no target" in p for p in problems(screen))
        await press_and_settle(pilot, *"Other", "tab", *"Другое", "tab", *"other", "tab", "tab", *"value")
        assert problems(screen) == []
        await press_and_settle(pilot, "ctrl+s")
        assert screen.script.status == "draft" and screen.script.number == 2 and not screen.dirty
        await press_and_settle(pilot, "alt+p", "y")
        assert screen.script.status == "published"
    published = act(url, scripts.get, code="retention")
    assert published.number == 2
    assert published.document["nodes"][0]["answers"][4] == {"text": {"en": "Other", "ru": "Другое"},
                                                              "code": "other", "next": "value"}


async def test_a_stale_save_shows_who_changed_the_draft(ui_settings):
    url = ui_settings.database_url
    draft = act(url, script_admin.save_draft, raw=act(url, scripts.get, code="retention").document)
    async with make_app(ui_settings).run_test(size=WIDE) as pilot:
        screen = await open_scripts(pilot)
        assert screen.script.version == draft.version
        act(url, script_admin.save_draft, raw=draft.document | {"name": {"en": "Other", "ru": "Другое"}},
            expected_version=draft.version)
        await press_and_settle(pilot, "enter", "enter", "end", "x")  # the start node renamed: reasonx
        await press_and_settle(pilot, "ctrl+s")
        assert screen.dirty
        assert any("changed by admin at" in n.message for n in notices(pilot.app))


async def test_a_role_without_scripts_admin_does_not_see_the_area(ui_settings):
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "auditor", "auditor")
        await press_and_settle(pilot, "f10")
        areas = pilot.app.screen.query_one(AdminPanel).query_one("#areas")
        assert "scripts" not in [areas.get_option_at_index(i).id for i in range(areas.option_count)]


async def test_nodes_added_and_deleted_problems_lead_to_their_node_and_preview_saves_nothing(ui_settings):
    from crmterm.screens.knowledge.script_run import ScriptRunScreen
    from crmterm.widgets.script_runner import ScriptRunner

    async with make_app(ui_settings).run_test(size=WIDE) as pilot:
        screen = await open_scripts(pilot)
        await press_and_settle(pilot, "ctrl+n")
        await press_and_settle(pilot, "down", "enter")  # kind: statement
        assert screen.document["nodes"][-1] == {"id": "statement_1", "type": "statement", "text": {}}
        assert "statement_1: unreachable from the start" in problems(screen)
        screen.query_one("#f-type").value = "end"  # another kind: id and text stay
        await settle(pilot)
        assert screen.document["nodes"][-1] == {"id": "statement_1", "type": "end", "text": {}, "outcome": "done"}
        await press_and_settle(pilot, "ctrl+delete", "y")
        assert [n["id"] for n in screen.document["nodes"]].count("statement_1") == 0
        await press_and_settle(pilot, "alt+o", "home", *["down"] * 6)  # root, reason, its 4 answers, offer_discount
        await press_and_settle(pilot, "ctrl+delete", "y")
        assert "reason: answer 1 leads to unknown node 'offer_discount'" in problems(screen)
        await press_and_settle(pilot, "alt+o", "home")  # the outline's root: the script's own form
        assert screen.selected is None
        decisions = screen.query_one("#f-decide-priority")
        decisions.text = "script.score >= 80 critical"
        await settle(pilot)
        assert screen.form_invalid and screen.query_one("#e-decide-priority").display
        decisions.text = "script.score >= 80 -> critical"
        await settle(pilot)
        assert not screen.form_invalid
        assert screen.document["decisions"]["priority"] == [{"when": "script.score >= 80", "value": "critical"}]
        await press_and_settle(pilot, "alt+r", "down", "enter")
        assert screen.selected == 0  # the node of the problem
        await press_and_settle(pilot, "f5")
        assert isinstance(pilot.app.screen, ScriptRunScreen)
        runner = pilot.app.screen.query_one(ScriptRunner)
        await press_and_settle(pilot, "4", "3", "enter", *"yes", "enter")  # moving away; price; offer made
        assert runner.walk.outcome == "at_risk"
        await press_and_settle(pilot, "enter")
        assert pilot.app.screen is screen
        await press_and_settle(pilot, "escape", "y")  # unsaved changes: asked first
        assert not isinstance(pilot.app.screen, ScriptAdminScreen)
    assert act(ui_settings.database_url, script_admin.latest, code="retention").number == 1  # nothing saved


async def test_export_then_import_from_the_editor(ui_settings, tmp_path):
    target = tmp_path / "retention.yaml"
    async with make_app(ui_settings).run_test(size=WIDE) as pilot:
        screen = await open_scripts(pilot)
        await press_and_settle(pilot, "alt+e", *["backspace"] * 20, *str(target), "enter")
        assert "retention:" not in target.read_text(encoding="utf-8") and "code: retention" in target.read_text(
            encoding="utf-8")
        target.write_text(target.read_text(encoding="utf-8").replace("Too expensive", "Costly"), encoding="utf-8")
        await press_and_settle(pilot, "alt+i", *str(target), "enter")
        assert screen.script.code == "retention" and screen.script.status == "draft"
        assert screen.document["nodes"][0]["answers"][0]["text"]["en"] == "Costly"


async def test_a_new_script_from_the_editor_then_its_draft_deleted(ui_settings):
    url = ui_settings.database_url
    async with make_app(ui_settings).run_test(size=WIDE) as pilot:
        screen = await open_scripts(pilot)
        await press_and_settle(pilot, "alt+c", *"callback", "enter", *"Call back later", "enter")
        assert screen.script.code == "callback" and screen.script.status == "draft"
        assert [n["id"] for n in screen.document["nodes"]] == ["greeting", "done"]
        assert any("name" in p and "ru" in p for p in problems(screen))  # named in one language so far
        await press_and_settle(pilot, "alt+c", *"callback", "enter", "enter")  # the same code again
        assert any("Script callback already exists" in str(n.message) for n in notices(pilot.app))
        await press_and_settle(pilot, "alt+d", "y")
        assert screen.script is None or screen.script.code != "callback"
        assert "callback" not in {s.code for s in screen.summaries}
        await press_and_settle(pilot, "alt+d")  # retention's newest is published: nothing to delete, no question
        assert any("Only a draft can be deleted" in str(n.message) for n in notices(pilot.app))
    assert act(url, scripts.get, code="retention").status == "published"
    assert [s.code for s in act(url, script_admin.summaries) if s.code == "callback"] == []
