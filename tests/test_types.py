"""DESIGN.md §3 "checked by mypy": the whole package — services, workflow, store and every face (CLI, API,
app, screens, widgets) — type-checks with no error, as configured in pyproject.toml ([tool.mypy]); the run's
own output is the failure message. Planted errors in a copy of the package show the configuration really
checks the services and the screens."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MYPY = Path(sys.executable).with_name("mypy")
# One worker runs both, so the planted copy reuses the first run's cache: mypy finds a copied module fresh by
# its content hash and re-checks only the planted files (a cold run of the whole package takes ~20 s).
pytestmark = pytest.mark.xdist_group("mypy")


@pytest.fixture(scope="module")
def cache(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mypy-cache")


def mypy(root: Path, cache: Path) -> subprocess.CompletedProcess:
    """mypy with the pyproject of `root` over the crmterm package found there; a private cache, so two runs
    at once (or two checkouts) never share one."""
    return subprocess.run([str(MYPY), "--cache-dir", str(cache)], cwd=root, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root)}, timeout=600)


def test_services_workflow_and_store_type_check(cache):
    result = mypy(ROOT, cache)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout


def test_a_planted_type_error_is_reported(tmp_path, cache):
    copy = tmp_path / "copy"
    copy.mkdir()
    shutil.copy(ROOT / "pyproject.toml", copy / "pyproject.toml")
    shutil.copytree(ROOT / "crmterm", copy / "crmterm", ignore=shutil.ignore_patterns("__pycache__"))
    planted = "from crmterm.store import Party\n\n\ndef name(party: Party) -> int:\n    return party.display_name\n"
    (copy / "crmterm" / "services" / "customers" / "planted.py").write_text(planted, encoding="utf-8")
    # the screens are checked too, and a screen's `self.app` is the typed CrmHost (its actor's login is a str)
    screen = ("from crmterm.widgets.host import CrmScreen\n\n\nclass Planted(CrmScreen[None]):\n"
              "    def login(self) -> int:\n        return self.app.actor.login\n")
    (copy / "crmterm" / "screens" / "shell" / "planted_screen.py").write_text(screen, encoding="utf-8")
    result = mypy(copy, cache)
    assert result.returncode == 1
    assert "planted.py:5: error: Incompatible return value type" in result.stdout, result.stdout[-3000:]
    assert 'planted_screen.py:6: error: Incompatible return value type (got "str", expected "int")' in result.stdout
