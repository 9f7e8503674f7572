"""Register saves a contact with its script walk and attached article in one service call (issue 19 item 4):
a walk and an article land with the inquiry, and an article that can no longer be attached leaves nothing
behind while everything typed stays on the form."""

from __future__ import annotations

from crmterm.app import make_app
from crmterm.screens.knowledge.script_run import ScriptRunScreen
from crmterm.services.knowledge import kb
from crmterm.store.db import unit_of_work
from crmterm.widgets.attribute_form import AttributeFormView
from helpers import ADMIN, press_and_settle
from test_tui import SIZE
from test_tui_kb_suggestions import attached
from test_tui_inquiry import _read
from test_tui_register import _agent, _inquiries


def _recording(app) -> list:
    """The services the app's gateway runs from now on (the real ones, on the real database)."""
    called, call = [], app.gateway.call

    def recorded(service, /, **kwargs):
        called.append(service)
        return call(service, **kwargs)
    app.gateway.call = recorded
    return called


async def _roaming_with_walk_and_article(pilot):
    panel = await _agent(pilot)
    await press_and_settle(pilot, "f4", "enter")  # anonymous caller: straight to the topic
    await press_and_settle(pilot, *"roaming act", "enter")
    await press_and_settle(pilot, "ctrl+t")
    assert isinstance(pilot.app.screen, ScriptRunScreen)
    await press_and_settle(pilot, *"Turkey", "enter", "enter", "enter")  # country; no travel dates
    await press_and_settle(pilot, "2", "enter", "enter")  # 1 GB package; activate; done
    panel.query_one("#reg-inquiry-text").focus()
    await press_and_settle(pilot, *"lost sim card")
    await press_and_settle(pilot, "ctrl+f8")  # attach the suggested sim-replacement article
    assert panel.drafts.draft.script is not None and len(panel.drafts.draft.articles) == 1
    panel.query_one(AttributeFormView).focus_first()
    return panel


async def test_walk_and_article_are_saved_by_the_one_registration_call(ui_settings):
    url = ui_settings.database_url
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _roaming_with_walk_and_article(pilot)
        called = _recording(pilot.app)
        await press_and_settle(pilot, "ctrl+s")
        writes = [s.__name__ for s in called if s.__module__.startswith(("crmterm.services.inquiries.registration",
                                                                        "crmterm.services.knowledge"))]
    assert writes.count("register") == 1 and not {"save_run", "attach"} & set(writes)
    (inquiry, _contact, values), = _inquiries(url)
    assert "Turkey" in values.values() and attached(url, inquiry.id) == ["sim-replacement"]
    assert any(e.kind == "script" and "outcome activated" in e.text for e in _read(url, inquiry.id).events)


async def test_an_article_retired_meanwhile_leaves_no_contact_and_keeps_the_form(ui_settings):
    url = ui_settings.database_url
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        panel = await _roaming_with_walk_and_article(pilot)
        with unit_of_work(url) as session:
            kb.set_status(session=session, actor=ADMIN, key="sim-replacement", status="retired")
        await press_and_settle(pilot, "ctrl+s")
        assert panel.drafts.draft.script is not None and len(panel.drafts.draft.articles) == 1  # nothing lost
        assert panel.drafts.draft.topic.code == "roaming_activation"
    assert _inquiries(url) == []
