"""The registration being typed, kept in the database as the agent types (services/inquiries/
registration_drafts): the panel looks at its state every KEEP_AFTER_SECONDS and, once it has stopped changing,
hands it to a worker that saves it; after a crash, a restart or a log-out the next log-in of the same user
offers it back. Looking (reading a dozen widgets) instead of listening to every field's events also covers
what changes without a key in a field: a script walk, an attached article, a caller picked from a list.
A mixin of RegisterPanel; the document is plain JSON, so it survives a new version of the screen too."""

from __future__ import annotations

from typing import Any

from textual import work
from textual.timer import Timer
from textual.widgets import Input

from crmterm.errors import CrmError
from crmterm.i18n import _, fmt_datetime
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.screens.register.register_drafts import Draft, Drafts
from crmterm.screens.register.register_part import RegisterPart
from crmterm.services.customers.customer_search import SearchHit
from crmterm.services.inquiries import registration_drafts

KEEP_AFTER_SECONDS = 1.0  # quiet time before the state is written: once per pause in typing, not per key
_INPUTS = ("reg-caller", "reg-contact-text")
_DRAFT_FIELDS = ("priority", "values", "text", "parent", "link_to", "files", "problem")


class DraftKeeping(RegisterPart):
    _keep_timer: Timer | None = None
    _keeping = False  # False until a kept draft was offered back (saving earlier would overwrite it)
    _registering = False  # a save is under way: it forgets the kept draft, a late copy must not bring it back
    _keep_failed = False
    _seen: dict | None = None  # the state at the last look, and the one last written
    _kept: dict | None = None

    # --- saving ----------------------------------------------------------------------------------------
    def start_keeping(self) -> None:
        self._keeping = True
        if self._keep_timer is None:
            self._keep_timer = self.set_interval(KEEP_AFTER_SECONDS, self._look)

    def _look(self) -> None:
        if self._registering or not self.is_mounted:
            return
        document = self.draft_document()
        if document != self._seen:
            self._seen = document  # still changing: written once it stays so for one more look
        elif document != self._kept:
            self._write(document)

    def keep_draft_now(self) -> None:
        """Read the form here, on the UI thread; the worker writes it."""
        if self._keeping and self.is_mounted:
            self._seen = self.draft_document()
            self._write(self._seen)

    def _write(self, document: dict) -> None:
        self._kept = document
        self._store_draft(document, self.customer.id if self.customer else None)

    @work(thread=True, exclusive=True, group="register-keep")
    def _store_draft(self, document: dict, customer_id: int | None) -> None:
        try:
            self.app.gateway.call(registration_drafts.save_draft, document=document, customer_id=customer_id)
        except CrmError as error:
            if not self._keep_failed:  # once, not on every pause in typing
                self._keep_failed = True
                self.app.call_from_thread(self.app.notify, _("The draft could not be kept: {error}").format(
                    error=error), severity="warning")
            return
        self._keep_failed = False

    def unsaved_input(self) -> str | None:
        """For Ctrl+Q and log-out (screens/common/leaving): what is typed here, which is kept, not lost."""
        if not self._keeping or not self.draft_document():
            return None
        return _("the registration in Register (kept as a draft and offered at your next log-in)")

    def keep_draft_blocking(self) -> None:
        """Leaving: written now, on the UI thread, since the app or the session is about to go (one row)."""
        if not self._keeping:
            return
        try:
            self.app.gateway.call(registration_drafts.save_draft, document=self.draft_document(),
                                  customer_id=self.customer.id if self.customer else None)
        except CrmError as error:
            self.app.notify(_("The draft could not be kept: {error}").format(error=error), severity="warning")

    def draft_document(self) -> dict[str, Any]:
        """The panel's state as JSON, or {} when nothing was typed beyond the template's defaults."""
        self._keep_current()
        inputs = {i: self.query_one(f"#{i}", Input).value for i in _INPUTS}
        default_text = (self.template.values.get("default_text") or "") if self.template else ""
        if (self.customer is None and not inputs["reg-caller"] and inputs["reg-contact-text"] in ("", default_text)
                and all(d.empty and not any(v not in (None, "", False) for v in d.values.values())
                        for d in self.drafts.items)):
            return {}
        from crmterm.screens.register.register_contact import _CONTACT_SELECTS

        return {"inputs": inputs, "selects": {i: self._value(i) for i in _CONTACT_SELECTS},
                "customer": self.customer.model_dump(mode="json") if self.customer else None,
                "subscriber": self.subscriber, "current": self.drafts.current,
                "inquiries": [_inquiry(d) for d in self.drafts.items]}

    # --- offering it back ------------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="register-keep")
    def offer_kept_draft(self) -> None:
        try:
            kept = self.app.gateway.call(registration_drafts.my_draft)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="warning")
            kept = None
        self.app.call_from_thread(self._kept_draft_found, kept)

    def _kept_draft_found(self, kept: registration_drafts.DraftRead | None) -> None:
        if kept is None or not kept.document.get("inquiries"):
            if kept is None:  # nothing in the database: an untouched form needs no write (no empty draft)
                self._kept = {}
            self.start_keeping()
            return
        when = fmt_datetime(kept.updated_at, without_year=True)

        async def answered(restore: bool | None) -> None:
            self.start_keeping()
            if restore:
                await self._restore(self._state_of(kept.document))
                self.app.notify(_("The unsaved registration is back"))
            self.keep_draft_now()  # declined: nothing typed yet, so the kept one goes

        self.app.push_screen(ConfirmScreen(_("You left a registration unsaved ({when}). Bring it back?")
                                           .format(when=when)), answered)

    def _state_of(self, document: dict) -> dict:
        """The document as RegisterPanel._restore takes it (topics by code from the loaded tree)."""
        by_code = self.topics.by_code if self.topics else {}
        items = [_draft(item, by_code) for item in document.get("inquiries", [])] or [Draft()]
        drafts = Drafts(items=items, current=min(int(document.get("current") or 0), len(items) - 1))
        customer = document.get("customer")
        return {"inputs": document.get("inputs", {}), "selects": document.get("selects", {}),
                "drafts": drafts, "customer": SearchHit.model_validate(customer) if customer else None,
                "subscriber": document.get("subscriber")}


def _inquiry(draft: Draft) -> dict[str, Any]:
    return {**{name: getattr(draft, name) for name in _DRAFT_FIELDS},
            "topic": draft.topic.code if draft.topic else None,
            "script": list(draft.script) if draft.script else None, "articles": [list(a) for a in draft.articles]}


def _draft(item: dict, by_code: dict) -> Draft:
    script = item.get("script")
    return Draft(topic=by_code.get(item.get("topic")), script=(script[0], script[1]) if script else None,
                 articles=[tuple(a) for a in item.get("articles", [])],
                 **{name: item[name] for name in _DRAFT_FIELDS if name in item})
