"""The layer rules of DESIGN.md §3: import-linter's contracts in pyproject.toml, run on the package, and
shown to catch a violation planted in a copy of it; plus what importing the CLI actually loads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """`lint-imports` with the pyproject of `root`, analysing the crmterm package found there."""
    return subprocess.run([str(LINT_IMPORTS), "--no-cache"], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)}, timeout=300)


def test_importing_services_and_cli_commands_does_not_load_textual():
    code = ("import sys, crmterm.services.directory.directory, crmterm.services.directory.config_io, "
            "crmterm.services.platform.gateway, crmterm.services.platform.seed, crmterm.cli; "
            "print('textual' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


HEAVY = ("sqlalchemy", "sqlmodel", "alembic", "fastapi", "uvicorn", "textual")


def test_importing_the_cli_loads_no_database_web_or_ui_library_and_no_service():
    """`crmterm --help` and every command start by importing crmterm.cli: what it loads, all of them wait for
    (cli/lazy.py). Each command loads its own module and services when it runs."""
    code = ("import sys, crmterm.cli; print(sorted(m for m in sys.modules if m.split('.')[0] in %r "
            "or m.startswith('crmterm.services')))" % (HEAVY,))
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[]"


def test_the_import_contracts_hold():
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert "BROKEN" not in result.stdout and result.stdout.count("KEPT") >= 5


@pytest.fixture
def package_copy(tmp_path) -> Path:
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    shutil.copytree(ROOT / "crmterm", tmp_path / "crmterm", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


@pytest.mark.parametrize(("where", "line", "contract"), [
    ("store/planted.py", "from crmterm.services.customers import customers", "Faces over services"),
    ("screens/planted.py", "from crmterm.store import Party", "never import the store"),
    ("services/customers/planted.py", "import textual", "Textual only in the TUI face"),
    ("services/accounts/planted.py", "from crmterm.services.customers import customers",
     "No import circles between domain packages"),
    ("cli/planted.py", "from crmterm.services.inquiries import write_rules",
     "Only inquiries imports its internal modules"),
    ("services/knowledge/planted.py", "from crmterm.services.sla.sla_escalate import escalate",
     "Only sla imports its internal modules"),
])
def test_a_planted_violation_breaks_its_contract(package_copy, where, line, contract):
    (package_copy / "crmterm" / where).write_text(f"{line}\n", encoding="utf-8")
    result = lint_imports(package_copy)
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if " BROKEN" in row]
    assert any(contract in row for row in broken), result.stdout[-3000:]


@pytest.mark.parametrize("first", ["crmterm.services.directory.registry", "crmterm.services.accounts.permissions",
                                   "crmterm.services.directory.config_sections"])
def test_the_directory_registry_is_whole_whatever_is_imported_first(first):
    """The domains register their areas and config sections when their packages are imported (the registry
    imports them by name when first read), so the directory never imports a domain statically."""
    code = (f"import {first}; from crmterm.services.directory import config_sections, registry; "
            "print(' '.join(registry.KINDS)); print(' '.join(s.name for s in config_sections.SECTIONS))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    kinds, sections = loaded.stdout.split("\n")[:2]
    assert kinds.split()[-8:] == ["queues", "routes", "calendars", "sla_rules", "escalations", "automation",
                                  "responses", "mail_rules"]
    assert {"channels", "topics", "attributes", "templates"} <= set(kinds.split())
    assert sections.split()[-27:] == ["users", "tracked_fields", "topics", "attribute_groups", "list_queries",
                                      "attributes", "templates", "calendars", "sla_rules", "skills", "queues", "routes",
                                      "escalations", "automation", "responses", "scripts", "mail_rules",
                                      "portal_topics", "portal_functions", "products", "price_lists",
                                      "sales_processes", "discount_limits", "order_types", "activity_plans",
                                      "technicians", "loyalty_tiers"]


def test_a_registration_under_an_unknown_name_is_refused():
    from crmterm.services.directory import registry

    with pytest.raises(ValueError):
        registry.register_kinds("billing", {})
    with pytest.raises(ValueError):
        registry.register_section("billing", object())
    registry.require_complete()


@pytest.mark.parametrize("first", ["crmterm.services.routing.routing", "crmterm.services.sla.sla_scan"])
def test_every_port_of_a_lower_package_is_filled_whatever_is_imported_first(first):
    """Routing and the SLA scan reach the inquiry log, inquiry actions, business functions and deadlines
    through ports that inquiries and sla fill when imported, or when a port is first asked (it imports its
    provider by name: crmterm/services/__init__ imports no domain up front)."""
    code = (f"import {first}; from crmterm.services.routing import routing_ports as r; "
            "from crmterm.services.sla import scan_ports as s; "
            "print([n for n in r.NAMES if not callable(r._provider(n))], "
            "[n for n in s.NAMES if not callable(s._provider(n))])")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "[] []"


def test_a_port_refuses_an_unknown_provider():
    from crmterm.services.routing import routing_ports

    with pytest.raises(ValueError):
        routing_ports.provide(record=print)
