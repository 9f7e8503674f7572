"""Fuzzed JSON input through the CLI (issue 12 item 8): `contact register FILE|-`, `inquiry event --data`,
`inquiry list --after`, `customer search --after` and `user add --password-stdin`, on both databases.

Whatever arrives — wrong shapes and types, huge numbers and strings, NUL bytes, lone surrogates, nesting
deeper than any recursion limit, bytes that are not UTF-8 — the command exits 0, or 1 with exactly one
`error: …` line on stderr and no traceback, and a refused command writes nothing.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import text
from typer.testing import CliRunner

from conftest import owner_url
from crmterm.cli import app
from crmterm.store.db import unit_of_work
from fuzz_strategies import fuzz, json_text, json_values, nasty_text, raw_bytes, tally
from fuzz_strategies import shared_demo_url  # noqa: F401 - a fixture

runner = CliRunner()
WRITTEN = ("contact", "inquiry", "inquiry_event", "inquiry_value", "external_request", "app_user")


@pytest.fixture(scope="module")
def cli(shared_demo_url, tmp_path_factory):
    """The CLI on one demo database per module and backend: every check compares counts before and after
    its own command, so commands of other examples and tests do not matter."""
    home = tmp_path_factory.mktemp("cli-home")

    def run(*args: str, input: str | bytes | None = None):
        if isinstance(input, str):  # stdin carries bytes: a lone surrogate arrives as bytes that are not UTF-8
            input = input.encode("utf-8", "surrogatepass")
        return runner.invoke(app, ["--db", owner_url(shared_demo_url), *args], input=input,
                             env={"CRMTERM_HOME": str(home / "home"), "CRMTERM_USER": None,
                                  "CRMTERM_PASSWORD": None})
    run.url = shared_demo_url
    created = run("inquiry", "create", "--topic", "disputed_charge", "--customer", "1", "--json",
                  "--attr", "dispute_reason=double_charge", "--attr", "charge_date=2026-01-05")
    run.inquiry = str(json.loads(created.stdout)["inquiry_ids"][0]) if created.exit_code == 0 else "1"
    return run


def _counts(url: str) -> dict[str, int]:
    with unit_of_work(url) as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in WRITTEN}


def _obeys_contract(area: str, result, before: dict, url: str) -> None:
    """Exit 0, or exit 1 with one `error:` line and nothing written; never a traceback."""
    if not (result.exception is None or isinstance(result.exception, SystemExit)):
        tally(area, "traceback")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    assert result.exit_code in (0, 1), result.output
    if result.exit_code == 1:
        lines = [line for line in result.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
        assert _counts(url) == before, "a refused command wrote something"
    tally(area, "accepted" if result.exit_code == 0 else "refused")


def _draft_shaped() -> st.SearchStrategy:
    """Contact drafts that look right at first sight: the real keys with random values."""
    inquiry = st.fixed_dictionaries({}, optional={
        "topic": st.one_of(st.sampled_from(["balance_inquiry", "disputed_charge", "billing", "311"]), json_values()),
        "values": st.one_of(st.dictionaries(st.sampled_from(["amount", "charge_date", "dispute_reason", "x"]),
                                            json_values(4), max_size=3), json_values(4)),
        "text": json_values(2), "priority": json_values(2), "parent": json_values(2), "link_to": json_values(2),
        "close": json_values(2), "problem": json_values(2), "files": json_values(3)})
    return st.fixed_dictionaries({}, optional={
        "customer": st.one_of(st.integers(-3, 5), json_values(2)), "channel": json_values(2),
        "text": nasty_text(), "caller": json_values(2), "at": st.one_of(nasty_text(), st.sampled_from(
            ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "2026-02-30"])),
        "subscriber": json_values(2), "template": json_values(2), "direction": json_values(2),
        "external_id": json_values(2), "source": json_values(2), "bogus": json_values(2),
        "inquiries": st.one_of(st.lists(inquiry, max_size=3), json_values(3))})


def _one_field_off() -> st.SearchStrategy:
    """A valid draft with one field of the contact or of its inquiry replaced: some of these get through."""
    key = st.sampled_from(["customer", "channel", "text", "caller", "at", "subscriber", "direction", "inquiries.text",
                           "inquiries.priority", "inquiries.values", "inquiries.close"])
    value = st.one_of(nasty_text(), json_values(2))

    def draft(where: str, raw) -> dict:
        inquiry = {"topic": "balance_inquiry"}
        if where.startswith("inquiries."):
            return {"inquiries": [{**inquiry, where.split(".", 1)[1]: raw}]}
        return {where: raw, "inquiries": [inquiry]}
    return st.builds(draft, key, value)


@fuzz(40)
@given(document=st.one_of(json_text(_draft_shaped()), json_text(), _one_field_off().map(json.dumps)))
@example(document='{"customer": 99999999999999999999999, "inquiries": [{"topic": "balance_inquiry"}]}')
@example(document='{"text": "a\\udcffb", "inquiries": [{"topic": "balance_inquiry"}]}')
@example(document='{"at": "0001-01-01T00:00:00+01:00", "inquiries": [{"topic": "balance_inquiry"}]}')
@example(document='{"text": "a\\u0000b", "inquiries": [{"topic": "balance_inquiry"}]}')
@example(document="[" * 100_000)
@example(document="1" * 5000)  # json.loads: ValueError beyond Python's 4300-digit limit, a traceback
def test_contact_register_from_stdin(cli, document):
    before = _counts(cli.url)
    _obeys_contract("cli.register", cli("contact", "register", "-", "--json", input=document), before, cli.url)


@fuzz(15)
@given(content=raw_bytes())
@example(content=b'\xff\xfe{"inquiries": []}')
def test_contact_register_from_a_file_that_is_not_utf8(cli, tmp_path, content):
    path = tmp_path / "draft.json"
    path.write_bytes(content)
    before = _counts(cli.url)
    _obeys_contract("cli.register", cli("contact", "register", str(path)), before, cli.url)
    _obeys_contract("cli.register", cli("contact", "register", "-", input=content), before, cli.url)


@fuzz(40)
@given(name=st.one_of(st.sampled_from(["paid", "payment.confirmed"]), nasty_text()),
       data=st.one_of(json_text(), json_text(st.dictionaries(nasty_text(10), json_values(6), max_size=5))))
@example(name="paid", data="[" * 100_000)
@example(name="paid", data='{"amount": 1e400}')
@example(name="paid", data='{"amount": ' + "1" * 4301 + "}")
def test_inquiry_event_data(cli, name, data):
    before = _counts(cli.url)
    result = cli("inquiry", "event", "--data", data, "--json", "--", cli.inquiry, name)
    if result.exit_code == 0:
        before = _counts(cli.url)  # an event that moved or was logged wrote on purpose
    _obeys_contract("cli.event", result, before, cli.url)


@fuzz(40)
@given(cursor=st.one_of(json_text(), json_text(st.lists(json_values(2), max_size=4))),
       sort=st.sampled_from(["work", "due", "age"]))
@example(cursor="{}", sort="work")
@example(cursor="[1e400, 1, 1]", sort="work")
@example(cursor='[99999999999999999999, "2020-01-01", 1]', sort="work")
@example(cursor="1" * 5000, sort="work")
def test_inquiry_list_after_cursor(cli, cursor, sort):
    before = _counts(cli.url)
    _obeys_contract("cli.cursor", cli("inquiry", "list", "--after", cursor, "--sort", sort, "--json"), before,
                    cli.url)


@fuzz(30)
@given(query=nasty_text(), cursor=st.one_of(st.none(), nasty_text(), st.sampled_from(
    ["exact:abc", "id:", "prefix:x", "contains:99999999999999999999999", "junk"])))
@example(query="x", cursor="junk")
@example(query="²", cursor=None)
@example(query="\udcff", cursor=None)
@example(query="x", cursor="\n0")  # the refusal quoted the cursor, line break and all
def test_customer_search_query_and_cursor(cli, query, cursor):
    args = ["customer", "search", "--json", *(["--after", cursor] if cursor is not None else []), "--", query]
    before = _counts(cli.url)
    _obeys_contract("cli.search", cli(*args), before, cli.url)


@fuzz(20)
@given(login=nasty_text(), password=st.one_of(nasty_text(), st.just("")))
@example(login="", password="\udcff")  # the runner could not encode it: the test now sends the bytes
def test_user_add_with_fuzzed_login_and_password(cli, login, password):
    before = _counts(cli.url)
    result = cli("user", "add", "--role", "agent", "--password-stdin", "--json", "--", login,
                 input=password + "\n")
    if result.exit_code == 0:  # a new user on purpose; a later example with the same login is a duplicate
        before = _counts(cli.url)
    _obeys_contract("cli.user", result, before, cli.url)
