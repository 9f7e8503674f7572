"""The layer rules of DESIGN.md §3, checked on the source and on what importing actually loads."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "crmterm"


def test_importing_services_and_cli_commands_does_not_load_textual():
    code = ("import sys, crmterm.services.directory, crmterm.services.config_io, crmterm.services.gateway, "
            "crmterm.services.seed, crmterm.cli; print('textual' in sys.modules)")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert loaded.stdout.strip() == "False"


def _sources(*folders: str):
    for folder in folders:
        yield from (PACKAGE / folder).rglob("*.py")


def test_textual_only_in_ui_modules():
    offenders = [p for p in _sources("store", "workflow", "services", "cli")
                 if re.search(r"^\s*(from|import) textual", p.read_text(encoding="utf-8"), re.M)]
    assert offenders == []


def test_screens_and_widgets_never_open_sessions_or_import_the_store():
    pattern = re.compile(r"Session\(|sessionmaker|unit_of_work|^\s*from crmterm\.store", re.M)
    offenders = [p for p in _sources("screens", "widgets") if pattern.search(p.read_text(encoding="utf-8"))]
    offenders += [PACKAGE / "app.py"] if pattern.search((PACKAGE / "app.py").read_text(encoding="utf-8")) else []
    assert offenders == []


def test_store_imports_nothing_above_it():
    pattern = re.compile(r"^\s*(from|import) crmterm\.(services|workflow|screens|widgets|cli|app)", re.M)
    assert [p for p in _sources("store") if pattern.search(p.read_text(encoding="utf-8"))] == []
