"""Fuzzed customer import files (issue 12 item 8), on both databases: random rows and columns, BOMs, mixed
encodings, NUL bytes, huge fields, bad phone numbers, duplicate refs. The contract (services/customers/customer_import):
a bad line is reported with its number and leaves nothing behind, good lines are kept; with `atomic` the
first bad line refuses the whole file (a ConfigError with the line) and nothing is written."""

from __future__ import annotations

import csv
import io
import json

from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import text

from crmterm.errors import CrmError
from crmterm.services.customers import customer_import
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.store.db import unit_of_work
from fuzz_strategies import fuzz, json_values, nasty_text, outcome_of, shared_db_url  # noqa: F401

COLUMNS = ("type", "ref", "name", "kind", "category", "email", "phone", "lead", "name_ru", "parent", "child",
           "structure", "number", "party", "contract", "service", "role", "bogus")
TABLES = ("party", "contract", "subscriber", "contact_person", "structure_link")


def _record() -> st.SearchStrategy:
    return st.fixed_dictionaries({"type": st.sampled_from(["party", "party", "contract", "subscriber", "link",
                                                           "contact_person", "x"])},
                                 optional={c: st.one_of(nasty_text(30), st.sampled_from(
                                     ["r1", "#1", "+7 999 123-45-67", "8 (800) 000", "a@b", "vip", "true"]))
                                     for c in COLUMNS[1:]})


def _csv(records: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def _jsonl(records: list) -> str:
    return "\n".join(json.dumps(r) for r in records) + "\n"


def _counts(url: str) -> dict:
    with unit_of_work(url) as session:
        return {t: session.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def _import(url: str, path, atomic: bool):
    with unit_of_work(url) as session:
        return customer_import.import_file(session=session, actor=SYSTEM, path=path, atomic=atomic)


@fuzz(40)
@given(suffix=st.sampled_from([".csv", ".jsonl"]), records=st.lists(_record(), max_size=6),
       extra=st.lists(json_values(4), max_size=2), encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1251",
                                                                           "utf-16"]),
       atomic=st.booleans())
@example(suffix=".csv", records=[{"type": "party", "name": "x" * 200_000}], extra=[], encoding="utf-8",
         atomic=True)
@example(suffix=".csv", records=[{"type": "party", "name": "Ann"}], extra=[], encoding="cp1251", atomic=False)
@example(suffix=".jsonl", records=[{"type": "party", "name": ["a"]}, {"type": "contract", "number": "N" * 100_000,
                                                                      "party": True}],
         extra=[], encoding="utf-8", atomic=False)  # issue 20 items 9-10: wrong types, over-long values
def test_customer_import(shared_db_url, tmp_path, suffix, records, extra, encoding, atomic):
    body = _csv(records) if suffix == ".csv" else _jsonl([*records, *extra]) + "[" * 100_000 + "\n"
    path = tmp_path / f"customers{suffix}"
    path.write_bytes(body.encode(encoding, "surrogatepass" if "utf" in encoding else "replace"))
    before = _counts(shared_db_url)
    outcome = outcome_of("import.customers", lambda: _import(shared_db_url, path, atomic))
    if isinstance(outcome, CrmError):
        assert _counts(shared_db_url) == before, "a refused file wrote something"
    else:
        assert all(line > 0 and message for line, message in outcome.errors)
        with unit_of_work(shared_db_url) as session:  # a list or true is never stored as its Python text
            assert not session.execute(text("SELECT count(*) FROM party WHERE display_name = '[''a'']'")).scalar_one()
        assert not (atomic and outcome.errors)


def test_cli_import_of_a_file_that_is_not_utf8(shared_db_url, tmp_path):
    """`crmterm customer import` counted the lines for its progress bar with a strict UTF-8 read: traceback."""
    from typer.testing import CliRunner

    from conftest import owner_url
    from crmterm.cli import app

    path = tmp_path / "cp1251.csv"
    path.write_bytes("type,name\nparty,Пётр\n".encode("cp1251"))
    result = CliRunner().invoke(app, ["--db", owner_url(shared_db_url), "customer", "import", str(path)],
                                env={"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": None})
    lines = [line for line in result.stderr.splitlines() if line.strip()]  # the progress bar leaves a blank
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(lines) == 1 and lines[0].startswith("error: ") and "not UTF-8" in lines[0]
