"""What a one-line script call loads (issue 23 item 3): `crmterm customer search` imports the customer domain
and the tables it reads, not the inquiry life-cycle, routing, SLA, knowledge or reports; the lazy store
(store/__init__.py) and the ports filled on first use (crmterm/services/__init__.py) keep behaving as when
everything was imported up front."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import crmterm.store
from conftest import owner_url

# Domains a search by name never uses (they used to load because crmterm.services imported every domain)
OTHER_DOMAINS = ("inquiries", "routing", "sla", "knowledge", "reports", "integrations")
# Tables a search never reads (they used to load because crmterm.store imported every model)
OTHER_TABLES = ("inquiries", "topics", "routes", "sla", "scripts", "kb", "notifications", "webhooks", "archive")


def _modules_after(argv: list[str], home: Path) -> list[str]:
    code = ("import contextlib, io, json, sys\n"
            f"sys.argv = {['crmterm', *argv]!r}\n"
            "from crmterm.launch import main\n"
            "try:\n    with contextlib.redirect_stdout(io.StringIO()):\n        main()\n"
            "except SystemExit as done:\n    assert not done.code, done.code\n"
            "print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path), "CRMTERM_HOME": str(home)})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_customer_search_loads_only_the_customer_domain(demo_url, tmp_path):
    url = owner_url(demo_url)
    loaded = set(_modules_after(["--db", url, "customer", "search", "Ivan"], tmp_path))
    assert {f"crmterm.services.{name}" for name in OTHER_DOMAINS} & loaded == set()
    assert {f"crmterm.store.{name}" for name in OTHER_TABLES} & loaded == set()
    unused = {"textual", "fastapi", "alembic", "jinja2", "xlsxwriter", "yaml"}  # yaml: no config file here
    assert unused & {m.split(".")[0] for m in loaded} == set()
    if url.startswith("sqlite"):
        assert "sqlalchemy.dialects.postgresql" not in loaded  # store/tables.upsert_insert picks by name
    assert {"crmterm.services.customers.customer_search", "crmterm.store.parties"} <= loaded


def test_the_store_exports_at_runtime_what_the_type_checker_sees():
    """HOMES (what `from crmterm.store import X` loads) and the TYPE_CHECKING imports name the same things."""
    tree = ast.parse(Path(crmterm.store.__file__).read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    seen = {(imp.module.rsplit(".", 1)[1], alias.name) for imp in block.body if isinstance(imp, ast.ImportFrom)
            for alias in imp.names}
    assert seen == {(module, name) for module, names in crmterm.store.HOMES.items() for name in names}
    for module, names in crmterm.store.HOMES.items():
        for name in names:
            assert getattr(crmterm.store, name) is getattr(sys.modules[f"crmterm.store.{module}"], name)


WRITE_ALONE = """
import sys
from sqlmodel import select
from crmterm.store import Party
from crmterm.store.db import unit_of_work
assert "crmterm.store.directory" not in sys.modules  # the category's table is not loaded yet
with unit_of_work({url!r}) as session:
    session.add(Party(kind="person", display_name="Alone", name_key="alone"))
with unit_of_work({url!r}) as session:
    print(session.exec(select(Party.display_name).where(Party.name_key == "alone")).one())
"""


def test_a_write_works_with_only_its_own_model_imported(db_url):
    """A flush orders tables by foreign keys SQLAlchemy resolves by name: party.category_id names a table
    whose model nobody imported. The store loads every table before the first write (store/base.py)."""
    done = subprocess.run([sys.executable, "-c", WRITE_ALONE.format(url=owner_url(db_url))], capture_output=True,
                          text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "Alone"


PORTS_ALONE = """
from crmterm.services.directory.registry import KINDS, section
from crmterm.services.routing import action_runner, routing_ports
from crmterm.services.sla import scan_ports
from crmterm.services.inquiries import registration_extras
print(len(KINDS), type(section("scripts")).__name__, action_runner.current().__module__,
      routing_ports._provider("deadlines_on_route").__module__, scan_ports._provider("transfer").__module__,
      registration_extras._writer is None)
"""


def test_ports_and_the_registry_find_their_providers_when_first_asked():
    done = subprocess.run([sys.executable, "-c", PORTS_ALONE], capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": ":".join(sys.path)})
    assert done.returncode == 0, done.stderr
    count, section, runner, deadlines, transfer, no_writer_yet = done.stdout.split()
    import crmterm.services.directory.config_sections  # noqa: F401 - the whole registry, as before
    from crmterm.services.directory.registry import KINDS

    assert int(count) == len(KINDS) and section == "ScriptsSection"
    assert (runner, deadlines, transfer) == ("crmterm.services.inquiries.automation_actions",
                                             "crmterm.services.sla.sla", "crmterm.services.inquiries.inquiry_actions")
    assert no_writer_yet == "False"  # the registry imported knowledge, which set registration's writer
