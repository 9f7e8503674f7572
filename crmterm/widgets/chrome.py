"""Application chrome: a footer whose key descriptions follow the UI language, and the status bar."""

from __future__ import annotations

from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey, FooterLabel

from crmterm.i18n import _, current_language
from crmterm.text import visible


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
    """User, role, a laptop node's sync state, unread notifications and overdue inquiries in the user's queues
    (when there are any), language, database — always visible at the top."""

    def show(self, *, user: str, role: str, database: str, extra: str = "", unread: int = 0,
             overdue: int = 0, sync: str = "") -> None:
        parts = ["crmterm", f"{user} ({role})", current_language().upper(), _shorten(database, 48)]
        if overdue:
            parts.insert(2, overdue_badge(overdue))
        if unread:
            parts.insert(2, unread_badge(unread))
        if sync:
            parts.insert(2, sync)  # first after the user: on a laptop it is what changes most
        if extra:
            parts.append(extra)
        self.update(visible(" │ ".join(parts)))  # a login or a database name is literal text


def _shorten(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width // 2 - 1] + "…" + text[-(width // 2):]


def unread_badge(unread: int) -> str:
    """✉ and the count; "99+" from 100 on (the count stops there)."""
    return f"✉ {unread if unread < 100 else '99+'}"


def overdue_badge(overdue: int) -> str:
    """⛔ and the count of overdue inquiries; "999+" at the cap (the count stops there)."""
    # Imported here: the log-in screen uses this module, and importing the SLA package there would load
    # SQLAlchemy and the SLA, routing and topic services before the user can type (the status bar comes later)
    from crmterm.services.sla.sla_status import OVERDUE_CAP

    shown = str(overdue) if overdue < OVERDUE_CAP else f"{OVERDUE_CAP - 1}+"
    return "⛔ " + _("{n} overdue").format(n=shown)
