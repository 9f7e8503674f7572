"""The services refuse what the Register tab and the inquiry screen never let an agent type (issue 19 item 5):
read-only attributes, attributes outside the topic or the step, places, client categories and topics outside
the contact template. Through the CLI as the agent, on both databases."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crmterm.cli import app

runner = CliRunner()


@pytest.fixture
def agent(demo_url, tmp_path):
    """`crmterm --db URL --user agent …` with the demo agent's password."""
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": "agent", "CRMTERM_PASSWORD": "agent"}

    def run(*args: str, input: str | None = None):
        return runner.invoke(app, ["--db", demo_url, *args], input=input, env=env)
    return run


def _register(agent, **contact):
    inquiries = contact.pop("inquiries")
    return agent("contact", "register", "-", "--json", input=json.dumps({**contact, "inquiries": inquiries}))


def _refused(result, message: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith("error: ") and message in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


TARIFF_CHANGE = {"topic": "tariff_change", "values": {"new_tariff": "smart_m"}}


def test_a_read_only_attribute_is_refused_at_registration(agent):
    _refused(agent("inquiry", "create", "--topic", "tariff_change", "--attr", "new_tariff=smart_m",
                   "--attr", "current_tariff=smart_s"), "current_tariff: read-only in topic 'tariff_change'")
    typed = {"topic": "tariff_change", "values": {"new_tariff": "smart_m", "current_tariff": "smart_xl"}}
    _refused(_register(agent, inquiries=[typed]), "inquiry 1 (tariff_change): current_tariff: read-only")
    assert agent("inquiry", "create", "--topic", "tariff_change", "--attr", "new_tariff=smart_m").exit_code == 0


def test_a_read_only_attribute_left_empty_or_at_its_default_passes(agent):
    kept = {"topic": "tariff_change", "values": {"new_tariff": "smart_m", "current_tariff": ""}}
    done = _register(agent, inquiries=[kept])
    assert done.exit_code == 0, done.output


@pytest.mark.parametrize("contact, message", [
    ({"template": "cc_inbound", "place": "shop_tverskaya"},
     "contact: place: 'shop_tverskaya' is not a place of template 'cc_inbound' (allowed: cc_msk, cc_nsk)"),
    ({"template": "cc_inbound", "client_category": "gov"},
     "contact: client_category: 'gov' is not a client category of template 'cc_inbound'"),
    ({"template": "shop", "inquiries": [{"topic": "311", "values": {"problem_since": "2026-11-26 10:00"}}]},
     "inquiry 1 (no_data): topic: 'no_data' is not a topic of template 'shop'"),
])
def test_registering_outside_the_template_is_refused(agent, contact, message):
    _refused(_register(agent, **{"inquiries": [{"topic": "1.1"}], **contact}), message)


def test_within_the_template_registers(agent):
    done = _register(agent, template="cc_inbound", place="cc_nsk", client_category="vip",
                     inquiries=[{"topic": "1.1"}, {"topic": "refund", "values": {"amount": "5"}}])  # a group's topic
    assert done.exit_code == 0, done.output
    shop = _register(agent, template="shop", inquiries=[{"topic": "sim_replacement"}])
    assert shop.exit_code == 0, shop.output
    _refused(agent("inquiry", "create", "--template", "shop", "--topic", "1.1"),
             "'balance_inquiry' is not a topic of template 'shop'")


@pytest.fixture
def taken(agent) -> str:
    """A tariff change the agent has taken: its first step (standard_request) lets every attribute be edited."""
    created = agent("inquiry", "create", "--topic", "tariff_change", "--attr", "new_tariff=smart_m", "--json")
    assert created.exit_code == 0, created.output
    number = str(json.loads(created.stdout)["inquiry_ids"][0])
    took = agent("inquiry", "take", "--queue", "first_line", "--json")
    assert took.exit_code == 0 and str(json.loads(took.stdout)["id"]) == number, took.output
    return number


def test_a_step_edit_of_a_read_only_attribute_is_refused(agent, taken):
    _refused(agent("inquiry", "edit", taken, "--attr", "current_tariff=smart_s"),
             "current_tariff: read-only in topic 'tariff_change'")
    assert agent("inquiry", "edit", taken, "--attr", "new_tariff=smart_xl").exit_code == 0
    shown = json.loads(agent("inquiry", "show", taken, "--json").stdout)
    assert {v["code"]: v["value"] for v in shown["values"]} == {"new_tariff": "smart_xl"}


def test_a_step_edit_outside_the_topic_is_refused(agent, taken):
    _refused(agent("inquiry", "edit", taken, "--attr", "dispute_reason=not_used"),
             "dispute_reason: not an attribute of topic 'tariff_change'")


def test_a_step_edit_outside_the_step_is_refused(agent):
    created = agent("inquiry", "create", "--topic", "311", "--attr", "problem_since=2026-11-26 10:00", "--json")
    number = str(json.loads(created.stdout)["inquiry_ids"][0])
    assert agent("inquiry", "take", "--queue", "first_line").exit_code == 0
    _refused(agent("inquiry", "edit", number, "--attr", "problem_since=2026-11-27 10:00"),
             "problem_since: not editable in this step")
    assert agent("inquiry", "edit", number, "--attr", "device_restarted=yes").exit_code == 0
