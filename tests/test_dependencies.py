"""Every third-party package the code imports is a direct dependency with an upper bound, listed once."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _requirements() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    names: dict[str, str] = {}
    # the runtime extras count (ml: scikit-learn, imported only where the churn model is fitted), not dev
    for requirement in project["dependencies"] + project["optional-dependencies"]["ml"]:
        name = re.split(r"[\[<>=!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")
        assert name not in names, f"{name} is listed twice"
        names[name] = requirement
    return names


def _imported_top_level_modules() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "crmterm").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                found.add(node.module.split(".")[0])
    return {m for m in found if m not in sys.stdlib_module_names and m != "crmterm"}


def test_every_imported_package_is_a_direct_dependency_with_an_upper_bound():
    requirements, distributions = _requirements(), packages_distributions()
    missing, unbounded = [], []
    for module in sorted(_imported_top_level_modules()):
        dists = {d.lower().replace("_", "-") for d in distributions.get(module, [module])}
        declared = dists & set(requirements)
        if not declared:
            missing.append(f"{module} (from {', '.join(sorted(dists))})")
        unbounded += [requirements[d] for d in declared if "<" not in requirements[d]]
    assert not missing, f"imported but not a direct dependency: {missing}"
    assert not unbounded, f"no upper bound: {unbounded}"
