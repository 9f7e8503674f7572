"""One registration is one transaction (issue 19 item 4), on both databases: the contact, its inquiries, the
script walks and the attached knowledge-base articles are written by one service call, all or nothing —
through the service and through `crmterm contact register`."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import func
from sqlmodel import select

from crmterm.services import knowledge  # noqa: F401 - hands registration its script/article writer
from crmterm.services.inquiries import inquiries
from crmterm.services.inquiries.registration import ContactDraft, RegistrationError, register
from crmterm.services.knowledge import kb_usage, script_runs
from crmterm.store import Contact, Inquiry, InquiryArticle, ScriptRun
from crmterm.store.db import unit_of_work
from helpers import AGENT
from test_cli import cli_on

# the no_data demo script: since (capture) → balance positive? yes → data switched on? no → fixed
WALK = ["2026-11-26 10:00", 1, 2]
NO_DATA = {"topic": "no_data", "values": {"problem_since": "2026-11-26 10:00"}}


def _register(url: str, *items: dict):
    document = {"channel": "phone", "place": "cc_msk", "caller": "+7 495 000-00-00", "inquiries": list(items)}
    with unit_of_work(url) as session:
        return register(session=session, actor=AGENT, draft=ContactDraft.model_validate(document))


def _counts(url: str) -> list[int]:
    with unit_of_work(url) as session:
        return [session.exec(select(func.count()).select_from(model)).one()
                for model in (Contact, Inquiry, ScriptRun, InquiryArticle)]


def test_walk_and_articles_are_saved_with_the_inquiry(demo_url):
    done = _register(demo_url, {**NO_DATA, "script_runs": [{"script": "no_data", "choices": WALK}],
                                "kb_articles": [{"article": "mobile-data-settings", "lang": "ru"}]},
                     {"topic": "balance_inquiry"})
    first = done.inquiry_ids[0]
    with unit_of_work(demo_url) as session:
        runs = script_runs.runs_of(session=session, actor=AGENT, inquiry_id=first)
        articles = kb_usage.attached_to(session=session, actor=AGENT, inquiry_id=first)
        shown = inquiries.get_inquiry(session=session, actor=AGENT, inquiry_id=first)
    assert [(r.script, r.outcome) for r in runs] == [("no_data", "resolved")]
    assert [(a.slug, a.lang) for a in articles] == [("mobile-data-settings", "ru")]
    assert {"script", "kb_attached"} <= {e.kind for e in shown.events}


@pytest.mark.parametrize("extras, field", [
    ({"script_runs": [{"script": "no_data", "choices": ["2026-11-26 10:00", 1]}]}, "script_runs"),  # unfinished
    ({"script_runs": [{"script": "no_such_script", "choices": []}]}, "script_runs"),
    ({"kb_articles": [{"article": "no-such-article"}]}, "kb_articles"),
])
def test_a_failing_walk_or_article_leaves_no_contact_behind(demo_url, extras, field):
    with pytest.raises(RegistrationError) as error:
        _register(demo_url, {"topic": "balance_inquiry"}, {**NO_DATA, **extras})
    assert str(error.value).startswith(f"inquiry 2 (no_data): {field}:")
    assert _counts(demo_url) == [0, 0, 0, 0]


@pytest.fixture
def cli(demo_url, tmp_path):
    return cli_on(demo_url, tmp_path / "home")


def test_cli_registers_walks_and_articles_in_one_go(cli, demo_url):
    good = {**NO_DATA, "script_runs": [{"script": "no_data", "choices": WALK}],
            "kb_articles": [{"article": "mobile-data-settings"}]}
    done = cli("contact", "register", "-", "--json", input=json.dumps(
        {"channel": "phone", "place": "cc_msk", "inquiries": [good]}))
    assert done.exit_code == 0, done.output
    assert _counts(demo_url) == [1, 1, 1, 1]


def test_cli_refuses_an_article_that_cannot_be_attached_and_writes_nothing(cli, demo_url):
    bad = {**NO_DATA, "script_runs": [{"script": "no_data", "choices": WALK}], "kb_articles": [{"article": 999999}]}
    refused = cli("contact", "register", "-", input=json.dumps(
        {"channel": "phone", "place": "cc_msk", "inquiries": [bad]}))
    assert refused.exit_code == 1 and refused.stderr.startswith("error: inquiry 1 (no_data): kb_articles:")
    assert len(refused.stderr.strip().splitlines()) == 1
    assert _counts(demo_url) == [0, 0, 0, 0]
