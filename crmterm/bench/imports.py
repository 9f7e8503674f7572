"""Customer import rate: a CSV of private customers with phones, imported through the service (each line in
its own savepoint, like `crmterm customer import`), inside a transaction that is rolled back."""

from __future__ import annotations

import csv
import random
import tempfile
import time
from pathlib import Path

from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import customer_import

_NAMES = ["Иванов Пётр", "Smith John", "Петрова Анна", "Kowalski Jan", "Сидоров Илья", "Müller Eva"]


def _write(path: Path, count: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["type", "ref", "kind", "name", "category", "phone"])
        for n in range(count):
            writer.writerow(["party", f"bench-{n}", "person", f"{rng.choice(_NAMES)} {n}", "",
                             f"+7916{rng.randint(0, 9_999_999):07d}"])


def measure_import(*, session: Session, actor: Actor, count: int = 20_000, seed: int = 3) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.csv"
        _write(path, count, random.Random(seed))
        started = time.perf_counter()
        report = customer_import.import_file(session=session, actor=actor, path=path)
        seconds = time.perf_counter() - started
    session.rollback()
    return {"import_customers_per_s": sum(report.created.values()) / seconds, "import_errors": len(report.errors)}
