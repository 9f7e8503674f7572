"""Search keys: casefolded, without diacritics ("Пётр Müller" -> "петр muller"), the same on both backends."""

from __future__ import annotations

import re
import unicodedata


def fold(value: str | None) -> str:
    if not value:
        return ""
    decomposed = unicodedata.normalize("NFKD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split())


def search_key(*parts: str | None) -> str:
    """All searchable texts of a party in one folded string, separated so no match spans two parts."""
    return " | ".join(dict.fromkeys(fold(p) for p in parts if p))


# What a terminal acts on, or what makes text read other than it is stored: C0 controls, DEL, C1 controls (U+009B
# is a one-character CSI to some terminals) and the bidi embeddings, overrides and isolates (U+202A–U+202E,
# U+2066–U+2069: "Trojan Source" — a name that displays reversed). Multi-line text keeps tab and line breaks.
_BIDI = "\u202a-\u202e\u2066-\u2069"
_SINGLE_LINE_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{_BIDI}]")
_MULTI_LINE_CONTROL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f{_BIDI}]")


def control_character(value: str | None, *, multiline: bool = False) -> str | None:
    """The first character of `value` that text entered by a user may not hold, or None."""
    found = (_MULTI_LINE_CONTROL if multiline else _SINGLE_LINE_CONTROL).search(value or "")
    return found.group() if found else None


def without_controls(value: str) -> str:
    """`value` with every character `control_character` would find (single-line rules) removed."""
    return _SINGLE_LINE_CONTROL.sub("", value)


def has_control(value: str, *, multiline: bool = True) -> bool:
    return control_character(value, multiline=multiline) is not None


def has_lone_surrogate(value: object) -> bool:
    """Whether text (or any text inside lists and dicts) holds half of a UTF-16 pair: JSON's "\\ud800" escape
    or undecodable bytes on the command line make one; no database driver can send it."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(has_lone_surrogate(k) or has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_lone_surrogate(v) for v in value)
    return False


# Display policy: user text is shown literally, and a control character is shown as its Unicode "control
# picture" (ESC → ␛, DEL → ␡; C1 controls and bidi overrides → �) so an escape sequence in a note can
# neither move the cursor nor retitle or clear the terminal, yet stays visible to whoever reads it. Tab and
# line feed keep their meaning; CR LF becomes LF.
_VISIBLE = {c: chr(0x2400 + c) for c in range(32) if c not in (9, 10)} | {127: "\u2421"} | \
    dict.fromkeys([*range(0x80, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)], "\ufffd")


def visible(value: object) -> str:
    """`value` as text that is safe to put on a terminal (see the policy above)."""
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").translate(_VISIBLE)


def one_line(value: object) -> str:
    """`value` shown inside a one-line message (an error quoting what the user typed): like `visible`, and
    line breaks and tabs shown as symbols too (LF → ␊, tab → ␉)."""
    return visible(value).translate({10: "\u240a", 9: "\u2409"})


# An error quotes at most QUOTE_LIMIT characters of what was typed: a 100 KB line, a huge code or expression
# would otherwise fill the terminal (and a log) with one message.
QUOTE_LIMIT = 80
MESSAGE_LIMIT = 500
# a stretch without spaces, quotes, brackets or slashes: the quotes around a cut value stay, a path keeps its
# file name
_LONG_RUN = re.compile(rf"[^\s'\"`()\[\]{{}}<>,;/\\]{{{QUOTE_LIMIT + 1},}}")


def shorten(value: object, limit: int = QUOTE_LIMIT) -> str:
    """`value` for quoting in a message: one line, at most `limit` characters, "…" when cut."""
    text = one_line(value)
    return text if len(text) <= limit else text[:limit] + "…"


def bounded(message: str) -> str:
    """An error message with whatever it quotes cut down (errors.CrmError runs every message through it):
    each stretch of more than QUOTE_LIMIT characters without a space, quote or bracket — a quoted value, a
    code, an expression; messages themselves have no such words — is cut to QUOTE_LIMIT and "…", and a message still
    longer than MESSAGE_LIMIT (a long quote with spaces) keeps its head and its last QUOTE_LIMIT characters.
    A message listing several problems, one per line (an import naming FILE:LINE for each), is bounded line by
    line, so every problem stays in it."""
    return "\n".join(_bounded_line(line) for line in message.split("\n"))


def _bounded_line(line: str) -> str:
    line = _LONG_RUN.sub(lambda run: run.group()[:QUOTE_LIMIT] + "…", line)
    if len(line) <= MESSAGE_LIMIT:
        return line
    return line[:MESSAGE_LIMIT - QUOTE_LIMIT - 3] + " … " + line[-QUOTE_LIMIT:]
