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
