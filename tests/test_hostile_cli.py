"""Hostile input through the CLI (issue 20, items 11, 12, 15–17) on both databases: every refusal is one
`error:` line on stderr with exit 1 — never a traceback, a hang, a silent no-op or a file left behind."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from crmterm.cli import app
from crmterm.text import has_lone_surrogate
from crmterm.store.bulk import bulk_insert
from crmterm.store.db import unit_of_work
from conftest import owner_url
from fuzz_strategies import shared_demo_url  # noqa: F401 - a fixture

runner = CliRunner()


@pytest.fixture(scope="module")
def cli(shared_demo_url, tmp_path_factory):
    """The CLI as the system account on one demo database per module and backend (on PostgreSQL through the
    owner's connection: the password-less system account is only the schema owner's, issue 20)."""
    home = tmp_path_factory.mktemp("hostile-home")

    def run(*args: str, input: str | bytes | None = None, env: dict | None = None):
        return runner.invoke(app, ["--db", owner_url(shared_demo_url), *args], input=input,
                             env={"CRMTERM_HOME": str(home), "CRMTERM_USER": None, "CRMTERM_PASSWORD": None}
                             | (env or {}))
    run.url = shared_demo_url
    created = run("inquiry", "create", "--topic", "balance_inquiry", "--customer", "1", "--json")
    run.inquiry = str(json.loads(created.stdout)["inquiry_ids"][0])
    return run


def refused(result, *fragments: str) -> str:
    """Exit 1 with exactly one `error: …` line on stderr (holding every fragment) and no traceback."""
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# --- item 11: no tracebacks ------------------------------------------------------------------------------

@pytest.mark.parametrize("args", [
    ("inquiry", "deadline", "{inquiry}", "0001-01-01", "--reason", "x"),
    ("inquiry", "deadline", "{inquiry}", "9999-12-31T23:59", "--reason", "x"),
    ("report", "topics", "--from", "0001-01-01", "--to", "2026-01-01"),
    ("report", "sla", "--from", "2026-01-01", "--to", "9999-12-31T23:59:59"),
    ("sla", "scan", "--now", "0001-01-01T00:00"),
    ("problem", "open", "--title", "x", "--starts", "0001-01-01"),
    ("customer", "show", "1", "--as-of", "0001-01-01"),
    ("archive", "--older-than", "99999999"),
])
def test_dates_next_to_the_ends_of_the_calendar_are_refused(cli, args):
    refused(cli(*(a.format(inquiry=cli.inquiry) for a in args)), "dates from 1900 to 9998 only")


def test_a_superscript_digit_is_no_customer_number(cli, tmp_path):
    source = tmp_path / "contracts.csv"
    source.write_text("type,party,number\ncontract,#²,HOSTILE-1\n", encoding="utf-8")
    refused(cli("customer", "import", str(source)), "unknown customer reference '#²'")


def test_no_isdigit_before_int_anywhere():
    """The general cause: str.isdigit() accepts '²' and int() refuses it; isdecimal() is what int() reads."""
    package = Path(__file__).resolve().parents[1] / "crmterm"
    offenders = [str(path) for path in package.rglob("*.py") if ".isdigit()" in path.read_text("utf-8")]
    assert offenders == []


def test_a_lone_surrogate_in_a_jsonl_name_is_a_line_error(cli, tmp_path):
    source = tmp_path / "parties.jsonl"
    source.write_text('{"type": "party", "ref": "s1", "name": "x\\ud800y"}\n', encoding="utf-8")
    refused(cli("customer", "import", str(source)), "parties.jsonl:1:", "not valid Unicode")


def test_the_bulk_path_refuses_a_lone_surrogate_like_every_other_statement(cli):
    from crmterm.errors import ValidationError

    assert has_lone_surrogate({"a": ["ok", "x\ud800"]}) and not has_lone_surrogate({"a": ["ok"]})
    with pytest.raises(ValidationError, match="not valid Unicode"), unit_of_work(cli.url) as session:
        bulk_insert(session, "note", [{"entity": "party", "entity_id": 1, "author": "t", "at": "2026-01-01 00:00:00",
                                       "text": "x\ud800"}])
    with unit_of_work(cli.url) as session:
        assert session.execute(text("SELECT count(*) FROM note WHERE entity_id = 1 AND text LIKE 'x%'")).scalar() == 0


def test_a_rule_nested_too_deeply_is_a_readable_message(cli):
    line = refused(cli("rule", "check", "(" * 300 + "1" + ")" * 300), "Recursion limit of 96 exceeded")
    assert "OtherError" not in line and "ParseError" not in line


# --- item 12: no hangs, no unbounded reads ---------------------------------------------------------------

def _home_with(tmp_path: Path, settings: str) -> dict:
    """An environment whose config.yaml holds `settings`."""
    (tmp_path / "home" / "config").mkdir(parents=True)
    (tmp_path / "home" / "config" / "config.yaml").write_text(settings, encoding="utf-8")
    return {"CRMTERM_HOME": str(tmp_path / "home")}


READERS = [("contact", "register", "{file}"), ("customer", "import", "{file}"), ("config", "import", "{file}"),
           ("route", "validate", "{file}"), ("script", "validate", "{file}"), ("script", "import", "{file}"),
           ("inquiry", "attach", "{inquiry}", "{file}"), ("db", "restore", "{file}", "--yes")]


@pytest.mark.parametrize("args", READERS, ids=lambda args: " ".join(args[:2]))
def test_a_device_is_refused_before_it_is_read(cli, args):
    """/dev/zero never ends: read whole, it ate all memory."""
    refused(cli(*(a.format(file="/dev/zero", inquiry=cli.inquiry) for a in args)), "/dev/zero: not a regular file")


@pytest.mark.parametrize("args", READERS, ids=lambda args: " ".join(args[:2]))
def test_a_fifo_is_refused_instead_of_waiting_for_a_writer(cli, args, tmp_path):
    fifo = tmp_path / "input.yaml"
    os.mkfifo(fifo)
    refused(cli(*(a.format(file=str(fifo), inquiry=cli.inquiry) for a in args)), "not a regular file")


def test_kb_import_refuses_a_fifo_among_the_articles(cli, tmp_path):
    os.mkfifo(tmp_path / "article.md")
    refused(cli("kb", "import", str(tmp_path)), "not a regular file")


def test_files_and_standard_input_are_limited_by_input_max_mb(cli, tmp_path):
    env = _home_with(tmp_path, "input_max_mb: 1\n")
    big = tmp_path / "big.json"
    big.write_bytes(b" " * (2**20 + 1))
    refused(cli("contact", "register", str(big), env=env), "big.json: larger than the limit of 1 MB")
    refused(cli("contact", "register", "-", input=b" " * (2**20 + 1), env=env),
            "standard input: larger than the limit of 1 MB")
    refused(cli("customer", "import", str(big), env=env), "larger than the limit of 1 MB")


def test_one_contact_carries_at_most_contact_max_inquiries(cli, tmp_path):
    env = _home_with(tmp_path, "contact_max_inquiries: 3\n")
    document = json.dumps({"customer": 1, "inquiries": [{"topic": "balance_inquiry"}] * 4})
    with unit_of_work(cli.url) as session:
        before = session.execute(text("SELECT count(*) FROM inquiry")).scalar_one()
    refused(cli("contact", "register", "-", input=document, env=env), "at most 3 inquiries in one contact")
    with unit_of_work(cli.url) as session:
        assert session.execute(text("SELECT count(*) FROM inquiry")).scalar_one() == before
    document = json.dumps({"customer": 1, "inquiries": [{"topic": "balance_inquiry"}] * 3})
    assert cli("contact", "register", "-", input=document, env=env).exit_code == 0


def test_a_password_on_endless_standard_input_is_refused(cli):
    refused(cli("user", "add", "zero", "--role", "agent", "--password-stdin", input=b"\0" * 10_000),
            "longer than 4096 characters")


# --- item 15: a command that changes nothing says so ------------------------------------------------------

@pytest.mark.parametrize("pair", ["id=5", "created_at=", "a=b=c"])
def test_editing_a_field_that_cannot_change_is_refused(cli, pair):
    refused(cli("customer", "edit", "1", "--set", pair), f"'{pair.split('=')[0]}' is not a field of a customer")


@pytest.mark.parametrize("content", ["", "---\n", "{}\n", "# only a comment\n", "crmterm_config: 1\n"])
def test_importing_a_file_without_configuration_is_refused(cli, tmp_path, content):
    source = tmp_path / "empty.yaml"
    source.write_text(content, encoding="utf-8")
    refused(cli("config", "import", str(source)), "empty.yaml:1: no configuration in the file")


# --- item 16: reading changes nothing on disk -------------------------------------------------------------

@pytest.mark.parametrize("args", [("db", "current"), ("directory", "list", "channels"), ("customer", "search", "x"),
                                  ("inquiry", "list"), ("report", "topics", "--from", "2026-01-01", "--to",
                                                        "2026-02-01")])
def test_a_read_only_command_on_a_missing_sqlite_file_creates_nothing(tmp_path, args):
    missing = tmp_path / "nowhere" / "x.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{missing}", *args],
                           env={"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": None})
    refused(result, "no database at", "nothing to read")
    assert not (tmp_path / "nowhere").exists()


def test_db_upgrade_still_creates_a_missing_sqlite_file(tmp_path):
    target = tmp_path / "new" / "x.db"
    result = runner.invoke(app, ["--db", f"sqlite:///{target}", "db", "upgrade"],
                           env={"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": None})
    assert result.exit_code == 0, result.output
    assert target.exists()


# --- item 17: one error line, and the documented global --json --------------------------------------------

@pytest.mark.parametrize("args", [("user", "add", "nopass", "--role", "agent"), ("user", "passwd", "agent")])
def test_a_password_prompt_without_a_terminal_is_one_error_line(cli, args):
    result = cli(*args)
    refused(result, "--password-stdin")
    assert "Aborted" not in result.output and "Warning" not in result.output


def test_global_json_works_before_the_command(cli):
    before = cli("--json", "directory", "areas")
    assert before.exit_code == 0, before.output
    assert json.loads(before.stdout) == json.loads(cli("directory", "areas", "--json").stdout)
    assert json.loads(cli("--json", "customer", "search", "1").stdout) is not None


def test_global_json_on_a_command_without_json_output_is_a_usage_error(cli):
    result = cli("--json", "customer", "note", "1", "text")
    assert result.exit_code == 2
    assert result.stderr.strip() == "error: customer note has no JSON output"
