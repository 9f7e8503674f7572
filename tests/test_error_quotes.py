"""Issue 20 item 13: an error quotes at most ~80 characters of the offending input (a 100 KB line used to be
printed whole), cut in one place (errors.CrmError through text.bounded), on both databases."""

from __future__ import annotations

import json

import yaml
from test_cli import cli_on

from crmterm.errors import ConfigError, CrmError, NotFound, ValidationError
from crmterm.text import MESSAGE_LIMIT, QUOTE_LIMIT, bounded, shorten

HUGE = "y" * 100_000


def test_quotes_are_cut_to_80_characters_with_an_ellipsis():
    assert shorten("short") == "short" and shorten("x" * 80) == "x" * 80
    assert shorten("x" * 81) == "x" * 80 + "…" and shorten("a\nb") == "a␊b"
    assert str(NotFound("Queue", HUGE)) == f"Queue '{'y' * 80}…' not found"
    assert str(ValidationError("email", f"not an e-mail address: '{HUGE}'")) == \
        f"email: not an e-mail address: '{'y' * 80}…'"
    assert len(str(CrmError("bad: " + "word " * 20_000))) <= MESSAGE_LIMIT
    assert bounded("unknown variable 'x' (use inquiry, customer)") == "unknown variable 'x' (use inquiry, customer)"


def test_a_config_error_keeps_its_long_file_name_and_cuts_the_quote():
    path = "/tmp/" + "d" * 120 + "/config.yaml"
    error = ConfigError(f"unknown section '{HUGE}'", file=path, line=3)
    assert str(error) == f"{path}:3: unknown section '{'y' * QUOTE_LIMIT}…'"
    assert error.detail == f"unknown section '{'y' * QUOTE_LIMIT}…'"


def _one_short_error_line(result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and len(lines[0]) < 400, lines[0][:500]
    return lines[0]


def test_cli_errors_quote_at_most_80_characters(demo_url, tmp_path):
    cli = cli_on(demo_url, tmp_path / "home")
    assert "'" + "y" * 80 + "…' not found" in _one_short_error_line(cli("directory", "show", "channels", HUGE))
    assert "y" * 81 not in _one_short_error_line(cli("inquiry", "create", "--topic", HUGE))
    config = tmp_path / "huge.yaml"
    config.write_text(yaml.safe_dump({"client_categories": [{"code": "x", "labels": {HUGE: "y"}}]}), encoding="utf-8")
    line = _one_short_error_line(cli("config", "import", str(config)))
    assert line.startswith(f"error: {config}:") and "unknown language '" + "y" * 80 + "…'" in line
    customers = tmp_path / "huge.jsonl"
    customers.write_text(json.dumps({"type": "party", "name": "A", "email": HUGE}) + "\n", encoding="utf-8")
    result = cli("customer", "import", str(customers))
    assert result.exit_code == 1 and len(result.stderr) < 400 and "y" * 81 not in result.stderr
