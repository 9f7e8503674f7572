"""The response library on both databases: templates checked when saved, word search with the inquiry's
topic and the agent's language first, variables filled from the inquiry and the agent, uses counted, roles,
config as code, and `crmterm response …`."""

from __future__ import annotations

import json

import pytest
from helpers import ADMIN, AGENT, AUDITOR
from sqlmodel import select
from test_cli import app, cli_on, runner

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.directory import config_io, yaml_lines
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.knowledge import responses
from crmterm.store import Party
from crmterm.store.db import unit_of_work


def act(url: str, call, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return call(session=session, actor=actor, **kwargs)


def new_inquiry(url: str, topic: str = "balance_inquiry") -> tuple[int, str]:
    with unit_of_work(url) as session:
        party = session.exec(select(Party).order_by(Party.id)).first()
        assert party is not None and party.id is not None
        customer, name = party.id, party.display_name
    draft = ContactDraft.model_validate({"channel": "phone", "customer": customer, "inquiries": [{"topic": topic}]})
    return act(url, register, AGENT, draft=draft).inquiry_ids[0], name


def codes(url: str, search: str = "", **options) -> list[str]:
    return [r.code for r in act(url, responses.list_responses, AGENT, search=search, **options)]


def test_a_template_is_checked_when_saved(demo_url):
    values = {"code": "bad", "labels": {"en": "Bad"}, "language": "en"}
    with pytest.raises(ValidationError, match="unknown variable 'nmae'"):
        act(demo_url, responses.create_response, values={**values, "body": "Hello {{ nmae }}"})
    with pytest.raises(ValidationError, match="template error on line 1"):
        act(demo_url, responses.create_response, values={**values, "body": "Hello {{ customer"})
    with pytest.raises(PermissionDenied):
        act(demo_url, responses.create_response, AGENT, values={**values, "body": "Hello"})
    assert "bad" not in codes(demo_url)


def test_search_by_words_with_the_topic_and_language_first(demo_url):
    assert codes(demo_url, "refund terms", language="en") == ["refund_terms_en", "refund_terms_ru"]
    assert codes(demo_url, "возврат счёт", language="ru") == ["refund_terms_ru"]
    assert codes(demo_url, "спорного списания", language="ru") == ["dispute_review_ru", "dispute_review_en"]
    first = codes(demo_url, topic="disputed_charge", language="ru")
    # the topic's and its group's (billing) answers, then the ones for any topic; Russian first in each
    assert first[:6] == ["dispute_review_ru", "refund_terms_ru", "dispute_review_en", "refund_terms_en",
                         "greeting_ru", "registered_ru"]
    assert first[-1].startswith("no_data_restart")  # another topic's answers come last


def test_insert_fills_the_variables_and_counts_the_use(demo_url):
    inquiry, customer = new_inquiry(demo_url)
    text = act(demo_url, responses.render_response, AGENT, response_code="registered_ru", inquiry_id=inquiry)
    assert text.startswith(f"Ваше обращение {inquiry} по теме «Баланс и списания»")
    assert act(demo_url, responses.preview, AGENT, code="greeting_en", inquiry_id=inquiry) == (
        f"Hello {customer}, this is agent from TeleNova. Thank you for contacting us.")
    found = act(demo_url, responses.get_response, AUDITOR, code="registered_ru")
    assert found.used_count == 1 and found.last_used_at is not None  # a preview does not count
    with pytest.raises(PermissionDenied):  # auditors read, they insert nothing
        act(demo_url, responses.insert, AUDITOR, code="greeting_en")
    assert act(demo_url, responses.insert, AGENT, code="greeting_en") == (
        "Hello , this is agent from TeleNova. Thank you for contacting us.")  # Register without a customer
    assert codes(demo_url, "greeting", language="en")[0] == "greeting_en"  # the most used first


def test_config_as_code_round_trip(demo_url, tmp_path):
    exported = {e["code"]: e for e in act(demo_url, config_io.export_config)["responses"]}
    assert exported["refund_terms_ru"] == {
        "code": "refund_terms_ru", "labels": {"en": "Refund terms (Russian)", "ru": "Сроки возврата"}, "active": True,
        "sort_order": 0, "topic": "billing", "language": "ru",
        "body": "Возврат на лицевой счёт занимает один рабочий день, на банковскую карту — до десяти."}  # no usage
    path = tmp_path / "responses.yaml"
    path.write_text(yaml_lines.dump({"crmterm_config": 1, "responses": [
        {"code": "bye_en", "labels": {"en": "Goodbye"}, "topic": "refund", "body": "Bye, {{ customer }}."},
        {"code": "oops", "labels": {"en": "Oops"}, "body": "{{ who }}"}]}), encoding="utf-8")
    with pytest.raises(Exception, match="responses 'oops': body: unknown variable 'who'"):
        act(demo_url, config_io.import_file, path=path)
    assert "bye_en" not in codes(demo_url)  # nothing written on any error


def test_cli_add_list_show_remove(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    added = cli("response", "add", "bye_en", "--name", "Goodbye", "--topic", "billing", "--text",
                "Bye, {{ customer }} ({{ agent }}).")
    assert added.exit_code == 0, added.output
    bad = cli("response", "add", "oops", "--name", "Oops", "--text", "{{ who }}")
    assert bad.exit_code == 1 and bad.stderr.startswith("error: body: unknown variable 'who'"), bad.output
    listed = json.loads(cli("response", "list", "bye", "--json").stdout)
    assert [(r["code"], r["topic"], r["used_count"]) for r in listed] == [("bye_en", "billing", 0)]
    inquiry, customer = new_inquiry(demo_url)
    shown = cli("response", "show", "bye_en", "--inquiry", str(inquiry))
    assert "Uses: 0, last: —" in shown.stdout and f"Bye, {customer} (system)." in shown.stdout, shown.output
    assert cli("response", "remove", "bye_en").exit_code == 0
    gone = cli("response", "show", "bye_en")
    assert gone.exit_code == 1 and "not found" in gone.stderr


def test_cli_agents_list_but_may_not_add(demo_url, tmp_path):
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "agent", "CRMTERM_PASSWORD": "agent"}
    listed = runner.invoke(app, ["--db", demo_url, "response", "list", "greeting", "--json"], env=env)
    assert listed.exit_code == 0 and len(json.loads(listed.stdout)) == 2, listed.output
    refused = runner.invoke(app, ["--db", demo_url, "response", "add", "x", "--name", "X", "--text", "x"], env=env)
    assert refused.exit_code == 1 and "agent may not do this" in refused.stderr
