"""Issue 20 item 7: control characters in single-line text are refused by config import and by every service,
with the field's name in the message (on both databases); multi-line text keeps tab and line breaks but no
escape; and the TUI's last line of defence drops whatever control character still reaches a widget."""

from __future__ import annotations

import pytest
import yaml
from helpers import ADMIN, AGENT, SUPERVISOR, settle
from textual.widgets import Label

from crmterm.app import make_app
from crmterm.errors import ConfigError, ValidationError
from crmterm.services.customers import contracts, customers
from crmterm.services.directory import config_io, directory
from crmterm.services.knowledge import kb
from crmterm.services.inquiries import problems
from crmterm.services.routing import saved_filters
from crmterm.services.accounts import users
from crmterm.services.topics.attribute_values import BadValue, parse
from crmterm.services.inquiries.problems import ProblemDraft
from crmterm.services.routing.queues import InquiryFilter
from crmterm.text import control_character
from crmterm.errors import refuse_control
from crmterm.store.db import unit_of_work

# OSC title, clear screen, the one-character C1 CSI, a bidi override and an isolate, DEL, tab and line feed
SINGLE_LINE_REFUSED = ["\x1b]0;X\x07", "\x1b[2J", "\x9b2J", "\u202e", "\u2066", "\x7f", "\t", "\n"]


@pytest.mark.parametrize("control", SINGLE_LINE_REFUSED)
def test_the_policy_single_and_multi_line(control):
    assert control_character(f"a{control}b") == control[0]
    with pytest.raises(ValidationError, match=rf"^labels\.en: control character U\+{ord(control[0]):04X}"):
        refuse_control("labels.en", f"a{control}b")
    assert control_character(f"a{control}b", multiline=True) == (None if control in "\t\n" else control[0])
    assert control_character("Пётр Müller, O'Brien — 北京 ☎ 🙂") is None


def _import(url, tmp_path, document: dict) -> str:
    path = tmp_path / "hostile.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    with pytest.raises(ConfigError) as refused, unit_of_work(url) as session:
        config_io.import_file(session=session, actor=ADMIN, path=path)
    return str(refused.value)


@pytest.mark.parametrize("control", ["\x1b]0;X\x07\x1b[2J", "\x9b2J", "\u202e", "\t"])
def test_config_import_refuses_a_label_with_control_characters(demo_url, tmp_path, control):
    message = _import(demo_url, tmp_path, {"client_categories": [{"code": "evil", "labels": {"en": f"E{control}x"}}]})
    assert "client_categories 'evil': labels.en: control character" in message
    with unit_of_work(demo_url) as session:
        assert "evil" not in {e.key for e in directory.list_entries(session=session, actor=ADMIN,
                                                                      kind="client_categories")}


def test_config_import_refuses_escapes_deep_inside_a_section(demo_url, tmp_path):
    """A route's step label sits in a YAML document field: the walk over every entry finds it."""
    with unit_of_work(demo_url) as session:
        document = config_io.export_config(session=session, actor=ADMIN)
    route = document["routes"][0]
    route["steps"][0]["labels"]["en"] = "First \x1b[2J line"
    message = _import(demo_url, tmp_path, {"routes": [route]})
    assert f"routes '{route['code']}': steps.1.labels.en: control character U+001B" in message


def test_services_refuse_control_characters_in_single_line_text(demo_url):
    with unit_of_work(demo_url) as session:
        party = customers.create_party(session=session, actor=ADMIN, values={"display_name": "Plain"})
        calls = {
            "display_name": lambda: customers.create_party(session=session, actor=ADMIN,
                                                           values={"display_name": "X\x9b2J"}),
            "names.ru": lambda: customers.update_party(session=session, actor=ADMIN, party_id=party.id,
                                                       values={"display_name": "Plain", "names": {"ru": "Я\u202eя"}},
                                                       expected_version=None),
            "name": lambda: contracts.add_contact_person(session=session, actor=ADMIN, party_id=party.id,
                                                        name="Ann\x1b]0;X\x07"),
            "number": lambda: contracts.add_contract(session=session, actor=ADMIN, party_id=party.id, number="C\t1"),
            "title": lambda: problems.open_problem(session=session, actor=SUPERVISOR,
                                                   draft=ProblemDraft(title="Down\x1b[2J", description="ok")),
            "display_name ": lambda: users.add_user(session=session, actor=ADMIN, password="s3cret-pass",
                                                    values={"login": "ctl", "role": "agent",
                                                            "display_name": "Ctl\x9b"}),
            "name  ": lambda: saved_filters.save_filter(session=session, actor=AGENT, name="mine\x1b",
                                                        where=InquiryFilter()),
            "labels.en": lambda: directory.create_entry(session=session, actor=ADMIN, kind="channels",
                                                        values={"code": "fax", "labels": {"en": "Fax\u2067"}}),
        }
        for field, call in calls.items():
            with pytest.raises(ValidationError) as refused:
                call()
            assert refused.value.field == field.strip() and "control character U+" in str(refused.value), field


def test_multi_line_text_keeps_tabs_and_line_breaks_but_no_escapes(demo_url):
    draft = kb.ArticleDraft(slug="ctl", lang="en", title="Title", body="line one\n\tline two")
    kb.check_draft(draft)
    for field, changed in (("body", {"body": "x\x1b[2J"}), ("title", {"title": "Two\nlines"})):
        with pytest.raises(ValidationError, match=rf"^{field}: control character"):
            kb.check_draft(draft.model_copy(update=changed))
    assert parse("text", "a\n\tb") == "a\n\tb"
    with pytest.raises(BadValue, match="control character U\\+009B"):
        parse("string", "street\x9b2J")


async def test_a_control_character_that_bypasses_the_helpers_never_reaches_the_terminal(ui_settings):
    """The line filter under every widget: a Label given raw data (as a new screen might) shows none of it."""
    from test_display_safety import assert_no_raw_controls, screen_lines

    async with make_app(ui_settings).run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.app.screen.mount(Label("Name \x1b]0;pwned\x07\x1b[2J\x9b2J\u202eenO", markup=False))
        await settle(pilot)
        assert_no_raw_controls(pilot.app, "a Label with raw escapes")
        assert any("Name ]0;pwned[2J2JenO" in line for line in screen_lines(pilot.app)[0])
