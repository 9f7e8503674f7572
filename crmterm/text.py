"""Search keys: casefolded, without diacritics ("Пётр Müller" -> "петр muller"), the same on both backends."""

from __future__ import annotations

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


_CONTROL = dict.fromkeys(c for c in range(32) if c not in (9, 10, 13)) | {127: None}


def has_control(value: str) -> bool:
    """NUL and other C0 control characters (tab and line breaks allowed): PostgreSQL refuses NUL, and
    terminals would act on the rest."""
    return value != value.translate(_CONTROL)


# Display policy: user text is shown literally, and a control character is shown as its Unicode "control
# picture" (ESC → ␛, DEL → ␡; C1 controls → �) so an escape sequence in a note can neither move the cursor nor
# retitle or clear the terminal, yet stays visible to whoever reads it. Tab and line feed keep their meaning;
# CR LF becomes LF.
_VISIBLE = {c: chr(0x2400 + c) for c in range(32) if c not in (9, 10)} | {127: "\u2421"} | \
    dict.fromkeys(range(0x80, 0xA0), "\ufffd")


def visible(value: object) -> str:
    """`value` as text that is safe to put on a terminal (see the policy above)."""
    text = "" if value is None else str(value)
    return text.replace("\r\n", "\n").translate(_VISIBLE)


def one_line(value: object) -> str:
    """`value` shown inside a one-line message (an error quoting what the user typed): like `visible`, and
    line breaks and tabs shown as symbols too (LF → ␊, tab → ␉)."""
    return visible(value).translate({10: "\u240a", 9: "\u2409"})
