"""The demo content works on every path (issue 19 item 11), on SQLite and PostgreSQL: every demo script is
walked along every branch to its end and saved on an inquiry of each of its topics, and an inquiry is
registered on every active demo topic with values its form accepts."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from demo_paths import every_path, untaken_turns, valid_values
from helpers import AGENT
from sqlmodel import select

from crmterm.services.inquiries import inquiries
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.knowledge import script_runs, scripts
from crmterm.services.topics import attribute_queries
from crmterm.services.topics.attribute_forms import effective_attributes
from crmterm.services.topics.attribute_values import to_text
from crmterm.store import Party, Topic
from crmterm.store.db import unit_of_work
from crmterm.workflow.scripts import Capture

SEED = Path(__file__).resolve().parents[1] / "data" / "seed"
TEMPLATE = "cc_inbound"  # the agent's inbound template: it allows every topic group of the demo
CATEGORY = {"customer": {"category": "b2c"}}  # the template's default client category, for the rules


def demo_script_codes() -> list[str]:
    return [s["code"] for s in yaml.safe_load((SEED / "demo_scripts.yaml").read_text(encoding="utf-8"))["scripts"]]


def act(url: str, call, **kwargs):
    with unit_of_work(url) as session:
        return call(session=session, actor=AGENT, **kwargs)


def rich_customer(url: str) -> int:
    """A demo customer with subscribers, contracts and contact persons, so every query list has items."""
    with unit_of_work(url) as session:
        for party_id in session.exec(select(Party.id).order_by(Party.id)):
            lists = [attribute_queries.run(session, name, {"customer_id": party_id})
                     for name in ("customer_subscribers", "customer_contracts", "customer_contact_persons")]
            if all(lists):
                return party_id
    raise AssertionError("no demo customer has subscribers, contracts and contact persons")


def form_values(url: str, topic: str, customer: int, every_field: bool = False) -> dict:
    with unit_of_work(url) as session:
        form = effective_attributes(session=session, actor=AGENT, topic=topic)
        return valid_values(session, AGENT, form, customer, CATEGORY, every_field=every_field)


def register_on(url: str, customer: int, inquiries_values: list[tuple[str, dict]]) -> list[int]:
    """One contact with an inquiry per (topic, values)."""
    draft = ContactDraft.model_validate({"template": TEMPLATE, "customer": customer, "inquiries": [
        {"topic": topic, "text": "demo content check", "values": values} for topic, values in inquiries_values]})
    return act(url, register, draft=draft).inquiry_ids


def captured(spec: scripts.RunSpec, choices: list) -> dict[str, str]:
    """The inquiry values a walk captures, as stored text."""
    walk = script_runs.replay(spec, choices)
    inquiry_codes = {n.attribute for n in spec.document.nodes if isinstance(n, Capture) and n.target == "inquiry"}
    return {code: to_text(value) for code, value in walk.captures.items() if code in inquiry_codes}


def stored_values(url: str, inquiry_id: int) -> dict:
    shown = act(url, inquiries.get_inquiry, inquiry_id=inquiry_id)
    return {v.code: to_text(v.value) for v in shown.values}


def test_every_demo_script_is_walked_on_every_path_and_saved_on_each_of_its_topics(demo_url):
    customer = rich_customer(demo_url)
    for code in demo_script_codes():
        script = act(demo_url, scripts.get, code=code)
        spec = act(demo_url, scripts.run_spec, script=script)
        paths = every_path(spec)
        assert paths and not untaken_turns(spec, paths), code
        for topic in script.topics:
            for choices in paths:
                values = captured(spec, choices)  # written by the run over what the form was given
                inquiry_id, = register_on(demo_url, customer, [(topic, form_values(demo_url, topic, customer))])
                run = act(demo_url, script_runs.save_run, inquiry_id=inquiry_id, script_id=script.id,
                          choices=choices)
                assert run.outcome == script_runs.replay(spec, choices).outcome, (code, topic, choices)
                assert run.captures == values
                stored = stored_values(demo_url, inquiry_id)
                assert {c: stored.get(c) for c in values} == values, (code, topic, choices)


def leaf_topics(url: str) -> list[str]:
    """Every active leaf topic an agent registers on; the order topics are registered by the orders service when
    a quote is accepted (tests/test_sales_orders.py), no template offers them."""
    with unit_of_work(url) as session:
        orders = session.exec(select(Topic.id).where(Topic.code == "orders")).one()
        leaves = session.exec(select(Topic.code, Topic.parent_id).where(Topic.is_group.is_(False),
                                                                         Topic.active.is_(True)).order_by(Topic.code))
        return [code for code, parent in leaves if parent != orders]


@pytest.mark.parametrize("every_field", [False, True], ids=["mandatory", "every-field"])
def test_an_inquiry_registers_on_every_demo_topic(demo_url, every_field):
    """Mandatory fields only (what an agent must type), and every visible editable field filled (so each
    list, pattern and type of the demo forms is tried)."""
    customer = rich_customer(demo_url)
    topics = leaf_topics(demo_url)
    assert len(topics) > 40
    filled = [(topic, form_values(demo_url, topic, customer, every_field)) for topic in topics]
    inquiry_ids = register_on(demo_url, customer, filled)  # one contact: an error names the inquiry and field
    assert [act(demo_url, inquiries.get_inquiry, inquiry_id=i).topic for i in inquiry_ids] == topics
