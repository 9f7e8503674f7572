"""DESIGN.md §3 "checked by mypy": services, workflow and store type-check with no error, as configured in
pyproject.toml ([tool.mypy]); the run's own output is the failure message."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MYPY = Path(sys.executable).with_name("mypy")


def test_services_workflow_and_store_type_check(tmp_path):
    # A private cache: two runs at once (or two worktrees) never share one.
    result = subprocess.run([str(MYPY), "--cache-dir", str(tmp_path / "mypy-cache")], cwd=ROOT,
                            capture_output=True, text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT)},
                            timeout=600)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "Success: no issues found" in result.stdout
