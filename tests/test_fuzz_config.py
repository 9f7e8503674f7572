"""Fuzzed YAML configuration import (issue 12 item 8), on both databases: random YAML trees, valid-looking
sections with wrong types, unknown keys, duplicate codes, unsafe tags, alias bombs, nesting beyond the
recursion limit and huge files. Each ends in a ConfigError (or another CrmError) or success; a refused file
leaves the configuration exactly as it was (the export before and after is the same)."""

from __future__ import annotations


import yaml
from hypothesis import example, given
from hypothesis import strategies as st

from crmterm.services.directory import config_io
from crmterm.services.directory.config_sections import SECTIONS
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.store.db import unit_of_work
from fuzz_strategies import fuzz, json_values, nasty_text, outcome_of
from fuzz_strategies import shared_db_url, shared_demo_url  # noqa: F401 - fixtures
from crmterm.errors import CrmError

SECTION_NAMES = [s.name for s in SECTIONS if s.top_level]
FIELDS = ("code", "labels", "active", "sort_order", "place_type", "type", "dictionary", "topic", "parent",
          "short_code", "mandatory", "hidden", "pattern", "default", "items", "login", "role", "password",
          "regulation", "steps", "transitions", "guard", "queue", "members", "rule", "overrides")

_BOMB = "a: &a ['lol','lol','lol','lol','lol','lol','lol','lol','lol']\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},"
    f"*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)},*{chr(97 + i)}]\n" for i in range(9))
BOMB_IN_A_SECTION = "channels:\n- code: bomb\n  labels: {en: x}\n  x: &x0 [lol, lol, lol, lol, lol, lol, lol]\n" + \
    "".join(f"  x{i}: &x{i} [*x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}, *x{i - 1}]\n"
            for i in range(1, 10))
CLASSICS = (
    _BOMB, BOMB_IN_A_SECTION, "[" * 50_000, "- " * 20_000 + "x", "{a: " * 5_000 + "1" + "}" * 5_000,
    "!!python/object/apply:os.system ['touch /tmp/crmterm-pwned']", "channels: !!python/name:os.system",
    "channels:\n- !!binary aGVsbG8=", "channels:\n- code: !!timestamp 2001-12-14\n  labels: {en: x}",
    "channels:\n- code: phone\n  labels: Phone\n- code: phone\n  labels: Phone 2\n", "channels: {a: 1}",
    "channels:\n- code: x\n  code: y\n", "? [a, b]\n: 1\n", "? {a: 1}\n: 1\n", "channels:\n- {code: [1], labels: 2}",
    "crmterm_config: 99\nchannels: []", "\x00", "\ufeffchannels: []", "channels:\n- code: 'a\\x00'\n",
    "channels:\n- code: ok1\n  labels: {en: " + "x" * 200_000 + "}\n", "users:\n- login: z\n  role: god\n",
)


def _entry() -> st.SearchStrategy:
    return st.dictionaries(st.one_of(st.sampled_from(FIELDS), nasty_text(8)), json_values(4), max_size=6)


def _document() -> st.SearchStrategy:
    """Valid-looking: known sections of entries with the real field names and random values."""
    sections = st.dictionaries(st.one_of(st.sampled_from(SECTION_NAMES), nasty_text(8)),
                               st.one_of(st.lists(_entry(), max_size=3), json_values(3)), max_size=3)
    return sections.map(lambda d: yaml.safe_dump(d, allow_unicode=True))


def _export(url: str) -> dict:
    with unit_of_work(url) as session:
        return config_io.export_config(session=session, actor=SYSTEM)


def _import(url: str, path) -> config_io.ImportResult:
    with unit_of_work(url) as session:
        return config_io.import_file(session=session, actor=SYSTEM, path=path, source="fuzz")


@fuzz(40)
@given(text=st.one_of(_document(), json_values().map(yaml.safe_dump), st.sampled_from(CLASSICS), nasty_text()))
@example(text="[" * 50_000)
@example(text=_BOMB)
@example(text=BOMB_IN_A_SECTION)
@example(text="? [a, b]\n: 1\n")
@example(text='"\\n": []\n')  # the refusal quoted the section name, line break and all
def test_config_import_is_all_or_nothing(shared_demo_url, tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = _export(shared_demo_url)
    outcome = outcome_of("config.yaml", lambda: _import(shared_demo_url, path))
    if text in (_BOMB, BOMB_IN_A_SECTION):  # refused, not expanded (a hang would be failed by pytest-timeout)
        assert isinstance(outcome, CrmError)
    if isinstance(outcome, CrmError):
        assert _export(shared_demo_url) == before, "a refused file changed the configuration"


@fuzz(15)
@given(content=st.one_of(st.binary(max_size=300), st.text(max_size=40).map(lambda t: t.encode("utf-16"))))
def test_config_import_of_bytes_that_are_not_utf8(shared_demo_url, tmp_path, content):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(content)
    before = _export(shared_demo_url)
    if isinstance(outcome_of("config.bytes", lambda: _import(shared_demo_url, path)), CrmError):
        assert _export(shared_demo_url) == before


@fuzz(2)
@given(size_mb=st.sampled_from([1, 21]))
def test_config_import_of_a_huge_file_is_refused_or_read(shared_db_url, tmp_path, size_mb):
    path = tmp_path / "huge.yaml"
    path.write_text("# " + "x" * (size_mb * 1024 * 1024) + "\nchannels: []\n", encoding="utf-8")
    outcome_of("config.huge", lambda: _import(shared_db_url, path))


# Characters a terminal acts on (C0 but tab/LF, DEL, C1) and the bidi controls (issue 20 item 7).
_CONTROLS = st.sampled_from([*map(chr, [*range(0, 9), *range(11, 32), *range(127, 160)]),
                             *map(chr, [*range(0x202A, 0x202F), *range(0x2066, 0x206A)])])


@fuzz(25)
@given(before=st.text(max_size=5), control=_CONTROLS, after=st.text(max_size=5),
       field=st.sampled_from(["en", "ru"]))
@example(before="\x1b]0;X", control="\x07", after="\x1b[2J", field="en")
def test_a_label_holding_a_control_character_is_refused_and_changes_nothing(shared_demo_url, tmp_path, before,
                                                                           control, after, field):
    path = tmp_path / "labels.yaml"
    label = before + control + after
    path.write_text(yaml.safe_dump({"client_categories": [{"code": "fuzzed", "labels": {field: label}}]},
                                   allow_unicode=True), encoding="utf-8", errors="surrogatepass")
    exported = _export(shared_demo_url)
    outcome = outcome_of("labels.yaml", lambda: _import(shared_demo_url, path))
    if isinstance(outcome, CrmError):
        assert _export(shared_demo_url) == exported
    else:  # only where the control was white space at an end, trimmed like any space: nothing of it is stored
        assert control.isspace() and not label.strip(" ").strip(control) != label.strip()
        assert control not in yaml.safe_dump(_export(shared_demo_url), allow_unicode=True)
    if label.strip() and control in label.strip():  # inside the text: always refused, naming the character
        assert isinstance(outcome, CrmError) and "control character" in str(outcome)
