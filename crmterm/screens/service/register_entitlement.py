"""The Register tab's entitlement line, under the repeat warning: whether the caller is covered for the chosen
topic — by a service contract (with its targets), a warranty, coverage that has expired, or not at all
(chargeable). Read in its own worker whenever the customer or the topic changes; hidden for an anonymous
caller and for a user without service.read."""

from __future__ import annotations

from textual import work
from textual.widgets import Static

from crmterm.errors import CrmError, PermissionDenied
from crmterm.services.service import entitlement
from crmterm.services.service.entitlement import Entitlement
from crmterm.text import visible
from crmterm.widgets.host import WidgetPart

_KIND_CLASSES = {"contract": "-covered", "warranty": "-covered", "expired": "-chargeable", "none": "-chargeable"}


class EntitlementLine(Static, WidgetPart):  # WidgetPart after Static, whose CSS the line keeps
    asked: tuple[int, str | None] | None = None

    def show_for(self, party_id: int | None, topic: str | None) -> None:
        self.asked = (party_id, topic) if party_id is not None else None
        if party_id is None:
            self._show(None, None)
            return
        self._read(party_id, topic)

    @work(thread=True, exclusive=True, group="register-entitlement")
    def _read(self, party_id: int, topic: str | None) -> None:
        try:
            found = self.app.gateway.call(entitlement.entitlement, party_id=party_id, topic=topic)
        except PermissionDenied:
            found = None
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            found = None
        self.app.call_from_thread(self._show, (party_id, topic), found)

    def _show(self, asked: tuple[int, str | None] | None, found: Entitlement | None) -> None:
        if asked != self.asked:  # the customer or the topic changed meanwhile
            return
        for name in _KIND_CLASSES.values():
            self.remove_class(name)
        if found is not None:
            self.add_class(_KIND_CLASSES[found.kind])
        self.update(visible(found.text()) if found else "")
        self.display = found is not None
