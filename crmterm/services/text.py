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


def refuse_nul(field: str, value: str | None) -> None:
    """Free text (contact and inquiry texts, comments, notes, problems, string and text attribute values) is
    refused, not cleaned, when it holds NUL: PostgreSQL cannot store it (SQLite would, and the two backends
    must agree), and silently dropping characters would change what the user typed. Other control characters
    are kept and shown as symbols (`visible` below); names and codes refuse them all (`has_control`)."""
    from crmterm.errors import ValidationError
    from crmterm.i18n import _

    if value and "\x00" in value:
        raise ValidationError(field, _("NUL characters are not allowed"))


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
