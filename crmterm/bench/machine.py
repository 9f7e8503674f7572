"""What a figure was measured on, stored beside it in the bench document: a figure from a 2-core laptop and one
from a 32-core server are different facts, and the docs table prints this line under its figures."""

from __future__ import annotations

import os
import platform
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import text

from crmterm import __version__
from crmterm.store.db import backend, unit_of_work


def facts(url: str) -> dict[str, object]:
    found: dict[str, object] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "cpu": _cpu_model(), "cores": os.cpu_count(),
        "ram_gb": _ram_gb(), "os": _os_name(), "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version, "crmterm": __version__}
    if backend(url) == "postgresql":
        with unit_of_work(url) as session:
            found["postgresql"] = session.execute(text("SHOW server_version")).scalar_one()
    return found


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.partition(":")[2].strip()
    except OSError:
        pass  # not Linux: the platform module's answer is vaguer, but something
    return platform.processor() or platform.machine()


def _ram_gb() -> float | None:
    try:
        return round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 1024**3, 1)
    except (ValueError, OSError, AttributeError):  # no sysconf on Windows
        return None


def _os_name() -> str:
    try:
        return platform.freedesktop_os_release()["PRETTY_NAME"]
    except (OSError, KeyError):
        return f"{platform.system()} {platform.release()}"
