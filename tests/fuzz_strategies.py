"""Shared pieces of the fuzz tests (issue 12 item 8): hostile inputs, run settings, and the tally of inputs tried.

Every fuzzed call must end in success or a `CrmError` with a clear message — never a traceback, never a
database error, never a partial write. `HYPOTHESIS_PROFILE=long` multiplies the number of examples by 10.
The tally (inputs tried per area, and how each ended) is written at exit to `.pytest_cache/fuzz_counts*.json`
(`fuzz_counts.long*.json` under the long profile; one file per xdist worker), whether or not pytest's own
cache is enabled. `tracebacks` counts the inputs that ended in anything but a result or a CrmError.

Most tests share one database per module and backend (`shared_demo_url`, `shared_db_url`): their examples
roll back, or compare only what they themselves wrote, so a fresh database per test buys nothing.
"""

from __future__ import annotations

import atexit
import json
import os
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from crmterm.errors import CrmError

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
_SCALE = 10 if LONG else 1


def fuzz(examples: int = 40) -> settings:
    """Settings for one fuzz test: modest by default (half of `examples`), ×10 under HYPOTHESIS_PROFILE=long. Examples share the
    module's database (`shared_demo_url`), so each example rolls back or checks only what it wrote."""
    # the default suite runs half the named examples (at least 5): the suite's time budget is shared by every
    # domain; HYPOTHESIS_PROFILE=long runs ten times the named number
    count = examples * _SCALE if LONG else max(5, examples // 2)
    return settings(max_examples=count, deadline=None, derandomize=not LONG,
                    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                           HealthCheck.data_too_large, HealthCheck.filter_too_much],
                    database=None)


# --- the tally -----------------------------------------------------------------------------------------------
TALLY: Counter = Counter()


def tally(area: str, outcome: str) -> None:
    TALLY[area, outcome] += 1
    TALLY[area, "tried"] += 1


def outcome_of(area: str, call: Callable[[], object]):
    """Run `call`: its result, or the CrmError it raised (anything else propagates and fails the test)."""
    try:
        result = call()
    except CrmError as error:
        assert str(error).strip(), "a CrmError needs a message"
        assert "\n" not in str(error).strip(), f"one-line message expected: {error!r}"
        tally(area, "refused")
        return error
    except Exception:  # a traceback: counted, and the test fails
        tally(area, "traceback")
        raise
    tally(area, "accepted")
    return result


@atexit.register
def _write_tally() -> None:
    if not TALLY:
        return
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    name = "fuzz_counts" + (".long" if LONG else "") + (f".{worker}" if worker else "") + ".json"
    target = Path(__file__).parent.parent / ".pytest_cache" / name
    target.parent.mkdir(exist_ok=True)
    summary: dict = {}
    for (area, outcome), count in sorted(TALLY.items()):
        summary.setdefault(area, {})[outcome] = count
    summary["total_tried"] = sum(v["tried"] for v in summary.values())
    summary["tracebacks"] = sum(v.get("traceback", 0) for k, v in summary.items() if isinstance(v, dict))
    target.write_text(json.dumps(summary, indent=2, sort_keys=True), encoding="utf-8")


# --- hostile text ----------------------------------------------------------------------------------------------
NASTY = (
    "", " ", "\t", "\n", "\x00", "a\x00b", "\x1b[31mred", "\u202eevil\u202c", "😀👩‍👩‍👧", "²", "¹²³", "٣٤٥", "Ⅻ",
    "%", "_", "\\", '"', "'", "*", "NEAR", "a NEAR b", "--", "' OR 1=1 --", "\"; DROP TABLE party; --", "%_\\%",
    "AND", "OR NOT", "(", ")", "^", "{", "}", "[", "]", ":", "*:*", "0", "-1", "1e400", "NaN", "Infinity",
    "9" * 30, "9" * 5000, "1" * 19, "-" + "9" * 25, "../../etc/passwd", "/etc/passwd", "C:\\Windows\\x.txt",
    "CON", "nul.txt", ".", "..", "true", "null", "[]", "{}", "\ufeffbom", "\udcff", "ß", "İ", "ﬁ", "Ǆ",
)


@st.composite
def huge_text(draw, min_size: int = 1_000, max_size: int = 300_000) -> str:
    unit = draw(st.sampled_from(("a", "я", "😀", "9", "%", " ", "\x00", "ab ")))
    return unit * draw(st.integers(min_size, max_size))


def nasty_text(max_size: int = 50) -> st.SearchStrategy[str]:
    """Short arbitrary text (any code point but lone surrogates), the classics above, their mixtures, and
    occasionally a huge string."""
    plain = st.text(max_size=max_size)
    classic = st.sampled_from(NASTY)
    mixed = st.lists(st.one_of(classic, plain), min_size=2, max_size=4).map("".join)
    return st.one_of(classic, plain, mixed, huge_text(max_size=20_000))


def _scalars() -> st.SearchStrategy:
    return st.one_of(st.none(), st.booleans(), st.integers(), st.integers(min_value=2**63 - 2, max_value=2**70),
                     st.floats(allow_nan=False), st.floats(), nasty_text(20))


def json_values(max_leaves: int = 12) -> st.SearchStrategy:
    """Any JSON value: wrong types, huge numbers, NUL bytes, nested lists and objects."""
    return st.recursive(_scalars(), lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(nasty_text(12), inner, max_size=4)), max_leaves=max_leaves)


def deep_json(depth_min: int = 500, depth_max: int = 200_000) -> st.SearchStrategy[str]:
    """Nesting far beyond any recursion limit: `[[[[…]]]]` or `{"a":{"a":…}}`, closed or not."""
    return st.builds(lambda d, obj, closed: ('{"a":' * d + "1" + "}" * d) if obj else
                     ("[" * d + ("]" * d if closed else "")),
                     st.integers(depth_min, depth_max), st.booleans(), st.booleans())


def json_text(shape: st.SearchStrategy | None = None) -> st.SearchStrategy[str]:
    """JSON documents as text: well-formed with random values (of `shape` when given), broken, or too deep."""
    document = shape if shape is not None else json_values()
    return st.one_of(document.map(lambda v: json.dumps(v, allow_nan=True)), deep_json(),
                     nasty_text(), st.sampled_from(('{"a":', "[1,]", "{'a': 1}", '"\\ud800"', "1" * 5000, "\x00")))


def raw_bytes() -> st.SearchStrategy[bytes]:
    """File content that is not UTF-8 (Latin-1, UTF-16, lone continuation bytes) or just random."""
    return st.one_of(st.binary(max_size=200), st.builds(lambda t: t.encode("utf-16"), st.text(max_size=30)),
                     st.builds(lambda t: t.encode("cp1251", "replace") + b"\xff\xfe", st.text(max_size=30)))


# --- shared databases ------------------------------------------------------------------------------------------
def _shared(request, tmp_path_factory, template_fixture: str, pg_template_fixture: str):
    from conftest import PG_ROLES, _database_from, as_role, copy_demo

    from crmterm.store.db import dispose_all

    if request.param == "sqlite":
        template = request.getfixturevalue(template_fixture)
        yield copy_demo(template, tmp_path_factory.mktemp("fuzz") / "fuzz.db")
        dispose_all()
        return
    for url in _database_from(request.getfixturevalue("pg_server"), request.getfixturevalue(pg_template_fixture)):
        yield as_role(url, PG_ROLES.app)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_demo_url(request, tmp_path_factory):
    """Like conftest's demo_url, one per module and backend."""
    yield from _shared(request, tmp_path_factory, "_demo_sqlite_template", "pg_demo_template")


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_db_url(request, tmp_path_factory):
    """Like conftest's db_url (migrated, empty), one per module and backend."""
    yield from _shared(request, tmp_path_factory, "sqlite_template", "pg_template")
