"""The churn-risk badge: a customer's risk and its reasons in one line, on the customer card (under its title)
and in Register (next to the repeat and blacklist warnings). Loaded in its own worker after the customer, so
it never holds the card or the registration up; hidden for a low risk and for a customer never scored."""

from __future__ import annotations

from textual import work
from textual.widgets import Static

from crmterm.i18n import _
from crmterm.services.retention import churn
from crmterm.services.retention.churn import ChurnRisk
from crmterm.text import visible
from crmterm.widgets.host import WidgetPart

SHOWN_LEVELS = ("high", "medium")


class ChurnBadge(Static, WidgetPart):  # WidgetPart after Static, whose CSS the badge keeps
    party_id: int | None = None

    def load(self, party_id: int | None) -> None:
        self.party_id = party_id
        self.display = False
        if party_id is not None:
            self._read(party_id)

    @work(thread=True, exclusive=True, group="churn-badge")
    def _read(self, party_id: int) -> None:
        try:
            found = self.app.gateway.call(churn.risk, party_id=party_id)
        except Exception:  # noqa: BLE001 - a badge that cannot be read is left out; the card stays usable
            return
        self.app.call_from_thread(self._show, party_id, found)

    def _show(self, party_id: int, found: ChurnRisk | None) -> None:
        if party_id != self.party_id:  # another customer was chosen meanwhile
            return
        shown = found is not None and found.level in SHOWN_LEVELS
        self.display = shown
        if found is not None and shown:
            self.set_class(found.level == "high", "-high")
            self.update(visible(f"⚑ {churn.badge(found)}"))


def churn_words(found: ChurnRisk | None) -> str:
    """The badge for a line of search results: the level and the main reason ("" for a low risk)."""
    if found is None or found.level not in SHOWN_LEVELS:
        return ""
    text = _("churn risk {level}").format(level=_(churn.LEVELS[found.level]))
    return f"⚑ {text}: {found.reasons[0]}" if found.reasons else f"⚑ {text}"
