"""The CLI's lazy command registry (crmterm/cli/lazy.py): `crmterm --help` lists every command with the line
its module gives it, without importing any command module; a command still runs and shows its own help."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from conftest import owner_url
from test_start_cost import _modules_after
from crmterm.cli import COMMANDS, app
from crmterm.cli.lazy import load

runner = CliRunner()


def _first_paragraph(text: str | None) -> str:
    return " ".join((text or "").split("\n\n")[0].split())


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_registry_line_is_the_commands_own_help(name):
    command = load(name, COMMANDS[name].target)
    assert _first_paragraph(command.help) == COMMANDS[name].help


# Each command loaded alone in a forked child of one interpreter (the services shared by all imported once,
# before the forks): the subcommands it has when nothing else of the CLI was imported.
ALONE = """
import json, os
import crmterm.cli._common
from crmterm.cli import COMMANDS
from crmterm.cli.lazy import load
found = {}
for name, entry in COMMANDS.items():
    read, write = os.pipe()
    if os.fork() == 0:
        os.write(write, json.dumps(sorted(getattr(load(name, entry.target), "commands", {}))).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        found[name] = json.loads(answer.read())
    os.wait()
print(json.dumps(found))
"""


def test_a_command_loaded_alone_has_every_subcommand():
    """A module may add commands to another module's group (inquiry_work to inquiry): the registry must name
    the module that brings them all."""
    import crmterm.cli

    for module in pkgutil.iter_modules(crmterm.cli.__path__):
        importlib.import_module(f"crmterm.cli.{module.name}")
    everything = {name: sorted(getattr(load(name, entry.target), "commands", {})) for name, entry in COMMANDS.items()}
    alone = subprocess.run([sys.executable, "-c", ALONE], capture_output=True, text=True, check=True)
    assert json.loads(alone.stdout.strip().splitlines()[-1]) == everything


def test_help_lists_every_command_with_its_line():
    result = runner.invoke(app, ["--help"], env={"COLUMNS": "400"})
    assert result.exit_code == 0, result.output
    for name, entry in COMMANDS.items():
        assert any(line.split()[:1] == [name] and entry.help in " ".join(line.split())
                   for line in result.stdout.replace("│", " ").splitlines()), name


def test_help_imports_no_command_module():
    code = ("import sys; sys.argv = ['crmterm', '--help']\n"
            "from crmterm.launch import main\n"
            "try:\n    main()\nexcept SystemExit:\n    pass\n"
            "print([m for m in sys.modules if m.startswith('crmterm.cli.') and m != 'crmterm.cli.lazy'])")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_a_group_loads_when_it_runs_and_shows_its_own_help(tmp_path):
    result = runner.invoke(app, ["customer", "--help"], env={"CRMTERM_HOME": str(tmp_path), "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "search" in result.stdout and "Customers: parties" in result.stdout


def test_an_unknown_command_is_a_usage_error(tmp_path):
    result = runner.invoke(app, ["custmer", "search", "x"],
                           env={"CRMTERM_HOME": str(tmp_path), "COLUMNS": "200"})
    assert result.exit_code == 2
    assert "No such command" in result.output and "customer" in result.output  # the suggestion


# Libraries a search by name never uses: migrations, templates, phone parsing, the web and the UI faces
ON_DEMAND = ("alembic", "jinja2", "phonenumbers", "fastapi", "uvicorn", "textual")


def test_a_search_by_name_loads_only_what_it_needs(db_url, tmp_path):
    url = owner_url(db_url)
    loaded = {name.split(".")[0] for name in _modules_after(["--db", url, "customer", "search", "Ivan"], tmp_path)}
    unwanted = set(ON_DEMAND) | ({"psycopg"} if url.startswith("sqlite") else set())  # the driver on PostgreSQL
    assert loaded & unwanted == set()
