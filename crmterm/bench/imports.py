"""Customer import rate: a CSV of private customers with phones imported through the service as
`crmterm customer import` runs it — one unit of work for the file, committed (the commit is part of the
price: on PostgreSQL it waits for the WAL flush of everything written). The imported customers are deleted
afterwards so the data set stays the size it was built with; their "created" history rows stay (history is
append-only, migration 0019)."""

from __future__ import annotations

import csv
import random
import tempfile
import time
from pathlib import Path

from sqlalchemy import delete
from sqlmodel import Session, col

from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import customer_import
from crmterm.store import Party
from crmterm.store.db import in_transaction

_NAMES = ["Иванов Пётр", "Smith John", "Петрова Анна", "Kowalski Jan", "Сидоров Илья", "Müller Eva"]
_DELETE_CHUNK = 1_000


def _write(path: Path, count: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["type", "ref", "kind", "name", "category", "phone"])
        for n in range(count):
            writer.writerow(["party", f"bench-{n}", "person", f"{rng.choice(_NAMES)} {n}", "",
                             f"+7916{rng.randint(0, 9_999_999):07d}"])


def measure_import(*, actor: Actor, url: str | None = None, session: Session | None = None, count: int = 20_000,
                   seed: int = 3) -> dict[str, float]:
    """`url`, or the database of `session` (bench/run hands one in; it is not used: the import has its own)."""
    if url is None:
        assert session is not None, "give url or session"
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "customers.csv"
        _write(path, count, random.Random(seed))
        started = time.perf_counter()
        report = in_transaction(url, lambda s: customer_import.import_file(session=s, actor=actor, path=path))
        seconds = time.perf_counter() - started
    _remove(url, list(report.refs.values()))
    return {"customers_import_per_s": sum(report.created.values()) / seconds, "import_errors": len(report.errors)}


def _remove(url: str, party_ids: list[int]) -> None:
    def remove(session: Session) -> None:
        for start in range(0, len(party_ids), _DELETE_CHUNK):
            session.execute(delete(Party).where(col(Party.id).in_(party_ids[start:start + _DELETE_CHUNK])))

    in_transaction(url, remove)
