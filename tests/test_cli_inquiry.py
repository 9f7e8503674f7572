"""`crmterm contact register` and `crmterm inquiry …` through Typer's runner on both databases."""

from __future__ import annotations

import json

import pytest

from test_cli import cli_on


@pytest.fixture
def cli(demo_url, tmp_path):
    return cli_on(demo_url, tmp_path / "home")


def _document(third: dict) -> str:
    return json.dumps({"template": "cc_inbound", "caller": "+7 495 000-00-00", "inquiries": [
        {"topic": "1.1"}, {"topic": "7.1", "values": {"complaint_text": "Rude operator"}}, third]})


def test_one_invalid_inquiry_among_three_creates_nothing_and_names_it(cli):
    bad = cli("contact", "register", "-", input=_document({"topic": "payment_not_received",
                                                           "values": {"amount": "300", "payment_datetime": "yesterday"}}))
    assert bad.exit_code == 1 and "Traceback" not in bad.output
    assert bad.stderr.startswith("error: inquiry 3 (payment_not_received): payment_datetime:")
    assert len(bad.stderr.strip().splitlines()) == 1
    listed = cli("inquiry", "show", "1")
    assert listed.exit_code == 1 and "not found" in listed.stderr


def test_register_then_show_comment_and_attach(cli, tmp_path):
    done = cli("contact", "register", "-", "--json",
               input=_document({"topic": "payment_not_received", "values": {"amount": "300", "payment_datetime": "2026-11-20 09:15"}}))
    assert done.exit_code == 0, done.output
    created = json.loads(done.stdout)
    assert len(created["inquiry_ids"]) == 3 and created["closed"] == [created["inquiry_ids"][0]]
    third = str(created["inquiry_ids"][2])
    receipt = tmp_path / "receipt.png"
    receipt.write_bytes(b"\x89PNG....")
    assert cli("inquiry", "attach", third, str(receipt)).exit_code == 0
    assert cli("inquiry", "comment", third, "Receipt received").exit_code == 0
    child = cli("inquiry", "create", "--topic", "1.6", "--parent", third, "--attr", "amount=150", "--json")
    assert child.exit_code == 0, child.output
    shown = json.loads(cli("inquiry", "show", third, "--json").stdout)
    assert shown["topic"] == "payment_not_received" and shown["contact"]["caller"] == "+7 495 000-00-00"
    assert [e["kind"] for e in shown["events"]] == ["created", "routed", "attached", "commented", "child_created"]
    assert shown["attachments"][0]["name"] == "receipt.png" and shown["attachments"][0]["mime"] == "image/png"
    assert shown["children"][0]["id"] == json.loads(child.stdout)["inquiry_ids"][0]
    assert {v["code"]: v["value"] for v in shown["values"]}["payment_datetime"].startswith("2026-11-20T09:15")


@pytest.mark.parametrize("args, message", [
    (["contact", "register", "missing.json"], "missing.json: No such file"),
    (["inquiry", "create", "--topic", "1.1", "--attr", "nonsense"], "expected CODE=VALUE"),
    (["inquiry", "comment", "999", "hello"], "not found"),
])
def test_bad_input_is_one_line_and_exit_1(cli, args, message):
    result = cli(*args)
    assert result.exit_code == 1 and message in result.stderr and "Traceback" not in result.output


def test_a_malformed_document_names_the_place(cli):
    result = cli("contact", "register", "-", input='{"inquiries": [{"topic": "1.1", "colour": "red"}]}')
    assert result.exit_code == 1 and "inquiries.0.colour: Extra inputs are not permitted" in result.stderr
    broken = cli("contact", "register", "-", input='{"inquiries": [')
    assert broken.exit_code == 1 and broken.stderr.startswith("error: -:1:")
