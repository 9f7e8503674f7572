"""The Russian catalogue covers every UI message, keeps placeholders intact, and is used at run time."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from crmterm.i18n import _, fmt_number, ngettext, set_language

ROOT = Path(__file__).resolve().parents[1]
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def _catalog(language: str):
    with (ROOT / "locales" / language / "LC_MESSAGES" / "crmterm.po").open("rb") as handle:
        return read_po(handle, locale=language)


def _strings(value) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else (value,)


def test_every_message_in_the_code_is_in_the_catalogue():
    in_code = {message[2] if isinstance(message[2], str) else message[2][0]
               for message in extract_from_dir(str(ROOT / "crmterm"), method_map=[("**.py", "python")],
                                               keywords=KEYWORDS)}
    catalogued = {m.id if isinstance(m.id, str) else m.id[0] for m in _catalog("ru") if m.id}
    missing = sorted(in_code - catalogued)
    assert not missing, f"run scripts/update_catalogues.sh and translate: {missing}"


def test_every_russian_message_is_translated_and_not_fuzzy():
    untranslated = [m.id for m in _catalog("ru") if m.id and (m.fuzzy or not all(_strings(m.string)))]
    assert untranslated == []


def test_placeholders_are_kept():
    placeholder = re.compile(r"\{[a-z_]*\}")
    for message in _catalog("ru"):
        if not message.id:
            continue
        expected = set(placeholder.findall(_strings(message.id)[-1]))
        for text in _strings(message.string):
            assert set(placeholder.findall(text)) == expected, message.id


def test_runtime_switch_translates_plurals_and_numbers(russian):
    assert _("Log in") == "Войти"
    assert [ngettext("{n} change", "{n} changes", n).format(n=n) for n in (1, 3, 5)] == [
        "1 изменение", "3 изменения", "5 изменений"]
    assert fmt_number(1234567.5) == "1\xa0234\xa0567,5"
    set_language("en")
    assert _("Log in") == "Log in" and fmt_number(1234567.5) == "1,234,567.5"
