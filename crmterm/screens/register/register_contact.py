"""The contact half of the Register tab: place, direction, channel and client category (the template's
defaults, within the template's allowed places and categories), the contact person, the rule context, and
the panel's state across a language switch. A mixin of RegisterPanel."""

from __future__ import annotations

from textual import work
from textual.widgets import Input, Select, Static

from crmterm.screens.register.register_part import RegisterPart
from crmterm.services.inquiries import registration_views
from crmterm.services.topics.topics import TemplateChoice
from crmterm.widgets.entry_form import select_if_offered
from crmterm.widgets.safe_text import field_value, plain
from crmterm.widgets.topic_picker import TopicPicker, Topics

_CONTACT_SELECTS = ("reg-place", "reg-direction", "reg-channel", "reg-category", "reg-person")


def _allowed(options: list[tuple[str, str]], codes: list[str] | None) -> list[tuple[str, str]]:
    return [o for o in options if o[1] in codes] if codes else options


class ContactFields(RegisterPart):
    choices: registration_views.RegistrationChoices | None = None

    # --- choices and the template ---------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="register-choices")
    def load_choices(self) -> None:
        found = self.app.gateway.call(registration_views.choices)
        self.app.call_from_thread(self._choices_loaded, found)

    def _choices_loaded(self, found: registration_views.RegistrationChoices) -> None:
        self.choices, self.topics = found, Topics(found.topics)
        self._options("reg-channel", found.channels)
        self._options("reg-priority", found.priorities)
        self.apply_template(self.app.active_template)
        if self._initial:
            self.call_later(self._restore, self._initial)
            self._initial = None
            self.start_keeping()
        else:
            self.offer_kept_draft()  # a registration left unsaved by a crash, a restart or a log-out

    def state(self) -> dict:
        self._keep_current()
        return {"drafts": self.drafts, "customer": self.customer, "subscriber": self.subscriber,
                "inputs": {i: self.query_one(f"#{i}", Input).value for i in ("reg-caller", "reg-contact-text")},
                "selects": {i: self._value(i) for i in _CONTACT_SELECTS}}

    async def _restore(self, state: dict) -> None:
        for widget_id, value in state["inputs"].items():
            self.query_one(f"#{widget_id}", Input).value = value
        for widget_id, value in state["selects"].items():
            self._select(widget_id, value)
        self.drafts = state["drafts"]
        self._set_customer(state["customer"], state["subscriber"], person=state["selects"].get("reg-person"))
        await self.show_draft()

    def apply_template(self, template: TemplateChoice | None) -> None:
        """Place, direction, channel, category and suggested topics from the template; the agent may override."""
        self.template = template
        values = template.values if template else {}
        if self.choices is not None:  # the template's allowed places and categories, else all
            self._options("reg-place", _allowed(self.choices.places, values.get("places")))
            self._options("reg-category", _allowed(self.choices.categories, values.get("client_categories")))
        for widget_id, key in (("reg-place", "default_place"), ("reg-direction", "direction"),
                               ("reg-channel", "channel"), ("reg-category", "default_client_category")):
            self._select(widget_id, values.get(key))
        topics = self.topics
        if topics is None:
            return
        self.suggested = [topics.by_code[c] for c in values.get("topics", []) if c in topics.by_code][:9]
        self.query_one(TopicPicker).set_topics(topics, values.get("default_topic"))
        self.query_one("#reg-suggested", Static).update(plain("  ".join(
            f"Alt+{i} {node.label}" for i, node in enumerate(self.suggested, 1)), style="dim"))
        if values.get("default_text") and not self.query_one("#reg-contact-text", Input).value:
            self.query_one("#reg-contact-text", Input).value = field_value(values["default_text"])

    def _options(self, widget_id: str, options: list[tuple[str, str]]) -> None:
        select = self.query_one(f"#{widget_id}", Select)
        kept = select.selection
        select.set_options([(plain(label), code) for label, code in options])
        if kept is not None:
            self._select(widget_id, kept)

    def _select(self, widget_id: str, value: str | None) -> None:
        select_if_offered(self.query_one(f"#{widget_id}", Select), value)

    def show_persons(self, persons: list[tuple[int, str]], chosen: str | None = None) -> None:
        """The customer's contact persons, when there are any (an organisation's caller)."""
        select = self.query_one("#reg-person", Select)
        select.set_options([(plain(name), str(pk)) for pk, name in persons])
        select.display = bool(persons)
        if chosen is not None:
            self._select("reg-person", chosen)

    def rule_context(self) -> dict:
        actor = self.app.actor
        return {"customer": {"id": self.customer.id if self.customer else 0,
                             "category": self.activity.category if self.activity else "",
                             **(self.activity.billing if self.activity else {})},
                "contact": {"place": self._value("reg-place"), "channel": self._value("reg-channel"),
                            "direction": self._value("reg-direction")},
                "operator": {"login": actor.login, "role": str(actor.role)}}

    def _value(self, widget_id: str) -> str | None:
        return self.query_one(f"#{widget_id}", Select).selection

