"""Application chrome: a footer whose key descriptions follow the UI language, and the status bar."""

from __future__ import annotations

from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey, FooterLabel

from crmterm.i18n import _, current_language


class TranslatedFooter(Footer):
    """Binding descriptions are marked with N_() at class definition; translate them when shown."""

    def compose(self):
        for widget in super().compose():
            if isinstance(widget, FooterKey):
                widget.description = _(widget.description)
            elif isinstance(widget, FooterLabel):
                widget.update(_(str(widget.content)))
            yield widget


class StatusBar(Static):
    """User, role, database and language — always visible at the top."""

    def show(self, *, user: str, role: str, database: str, extra: str = "") -> None:
        parts = ["crmterm", f"{user} ({role})", current_language().upper(), _shorten(database, 48)]
        if extra:
            parts.append(extra)
        self.update(" │ ".join(parts))


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width // 2 - 1] + "…" + text[-(width // 2):]
