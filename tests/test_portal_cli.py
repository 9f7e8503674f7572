"""`crmterm portal`, `crmterm inquiry comment --public` and the API's public comments (issue 25), on SQLite and
PostgreSQL: admins say what the portal offers, reports read the customers' ratings, and an agent's comment is
internal unless marked public."""

from __future__ import annotations

import json

from api_support import client_for, token_for
from helpers import act, register_disputed_charge
from test_api_serve import cli_on

from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.inquiries import inquiries


def test_offers_are_changed_listed_and_refused_for_unknown_topics(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path)
    offered = cli("portal", "offer-topic", "refund", "--internal", "amount")
    withdrawn = cli("portal", "offer-topic", "invoice_copy", "--withdraw")
    listed = json.loads(cli("portal", "offers", "--json").stdout)
    unknown = cli("portal", "offer-topic", "nope")
    assert offered.exit_code == 0 and withdrawn.exit_code == 0
    assert [(row["kind"], row["code"], row["detail"]) for row in listed] == [
        ("topic", "disputed_charge", "approval_reference"), ("topic", "refund", "amount"),
        ("function", "send_balance_sms", "balance_inquiry")]
    assert unknown.exit_code == 1 and unknown.stderr.strip() == "error: Topic 'nope' not found"
    assert json.loads(cli("portal", "ratings", "--json").stdout) == []
    assert cli("portal", "ratings", "--from", "soon").stderr.strip() == "error: --from: expected a date YYYY-MM-DD"


def test_an_agents_comment_is_internal_unless_marked_public(demo_url, tmp_path):
    inquiry_id = register_disputed_charge(demo_url)
    cli = cli_on(demo_url, tmp_path)
    note = cli("inquiry", "comment", str(inquiry_id), "internal note")
    public = cli("inquiry", "comment", str(inquiry_id), "We refunded it", "--public")
    events = [e for e in act(demo_url, inquiries.get_inquiry, SYSTEM, inquiry_id=inquiry_id).events
              if e.kind == "commented"]
    assert note.exit_code == public.exit_code == 0
    assert public.stdout.strip() == f"Public comment added to #{inquiry_id}"
    assert [(e.text, e.data.get("public")) for e in events] == [("internal note", None), ("We refunded it", True)]


async def test_the_api_marks_a_comment_public_when_asked(demo_url):
    inquiry_id = register_disputed_charge(demo_url)
    async with client_for(demo_url, token_for(demo_url, "agent")) as client:
        note = await client.post(f"/inquiries/{inquiry_id}/comments", json={"text": "checked"})
        public = await client.post(f"/inquiries/{inquiry_id}/comments", json={"text": "Refunded", "public": True})
    events = [e for e in act(demo_url, inquiries.get_inquiry, SYSTEM, inquiry_id=inquiry_id).events
              if e.kind == "commented"]
    assert note.status_code == public.status_code == 204
    assert [(e.text, e.data.get("public")) for e in events] == [("checked", None), ("Refunded", True)]
