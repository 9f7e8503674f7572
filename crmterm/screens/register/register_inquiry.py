"""The inquiry half of the Register tab: topic, attribute form, repeats, parent, files; adding and switching
between the inquiries of one contact. A mixin of RegisterPanel (it reads the panel's customer and context)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual import work
from textual.widgets import Input, Select, Static

from crmterm.errors import CrmError
from crmterm.i18n import _, fmt_date
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.screens.register.register_part import RegisterPart
from crmterm.screens.service.register_entitlement import EntitlementLine
from crmterm.services.customers import contracts
from crmterm.services.inquiries import inquiries, registration_views
from crmterm.services.inquiries.attachments import limits_of, path_problem
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.topics.topics import TopicNode
from crmterm.text import visible
from crmterm.widgets.attribute_form import AttributeFormView
from crmterm.widgets.implied_select import ImpliedSelect
from crmterm.widgets.topic_picker import TopicPicker
from crmterm.widgets.type_ahead import focus_now


class InquiryEditing(RegisterPart):
    topics = None
    suggested: list[TopicNode] = []
    _pending_errors: dict[str, str] | None = None

    # --- topic and form ------------------------------------------------------------------------------
    def on_topic_picker_chosen(self, event: TopicPicker.Chosen) -> None:  # by name: @on is not seen in mixins
        event.stop()
        values = self._form_values()
        self.drafts.draft.topic = event.node
        self._show_entitlement()
        self._show_strip()
        self.query_one(AttributeFormView).hold_keys()  # the values typed ahead wait for the form
        self.load_form(event.node, values)
        self.load_problems()
        self.kb_refresh()

    def action_suggested(self, number: int) -> None:
        if number <= len(self.suggested):
            self.query_one(TopicPicker).choose(self.suggested[number - 1])

    def load_form(self, node: TopicNode, values: dict) -> None:
        """Read what the worker needs from the widgets here, on the UI thread."""
        self._fetch_form(node, values, self._form_values(), self.customer.id if self.customer else None,
                         self.rule_context())

    @work(thread=True, exclusive=True, group="register-form")
    def _fetch_form(self, node: TopicNode, values: dict, before: dict, customer_id: int | None,
                    context: dict) -> None:
        gateway = self.app.gateway
        try:
            found = gateway.call(registration_views.topic_form, topic=node.code, values=values,
                                 customer_id=customer_id, repeat_days=gateway.settings.repeat_days,
                                 context=context)
        except CrmError as error:
            self.app.call_from_thread(self._form_failed, error)
            return
        # mypy cannot solve Textual's `T | Awaitable[T]` callback type for a coroutine function
        self.app.call_from_thread(self._form_loaded, node, values, before, found, context)  # type: ignore[arg-type]

    def _form_failed(self, error: CrmError) -> None:
        self.app.notify(str(error), severity="error")
        self.query_one(AttributeFormView).release_keys(self.query_one("#topic-input"), replay=False)

    async def _form_loaded(self, node: TopicNode, values: dict, before: dict, found, context: dict) -> None:
        """`before`: the form when asked. What the agent typed since wins over `values` (the request's)."""
        if self.drafts.draft.topic is None or self.drafts.draft.topic.code != node.code:
            return  # the agent moved on meanwhile
        form = self.query_one(AttributeFormView)
        await form.built()  # an earlier answer may be rebuilding it: decide on the form it leaves
        if self.drafts.draft.topic is None or self.drafts.draft.topic.code != node.code:
            return
        now = self._form_values()
        wanted = {**values, **{code: value for code, value in now.items() if value != before.get(code)}}
        if form.shows_fields_of(found.preview) and not form.holding:
            form.refresh_choices(found.preview, context)  # the agent may be typing in it: no rebuild
            form.put_values({code: value for code, value in wanted.items() if now.get(code) != value})
        else:
            await form.show(found.preview, wanted, context)
        self.query_one("#reg-priority", ImpliedSelect).implied = found.preview.form.default_priority
        self.drafts.draft.repeats = found.repeats
        self._show_repeats()
        if self._pending_errors:
            self._apply_errors(self._pending_errors)
            self._pending_errors = None

    def _form_values(self) -> dict:
        form = self.query_one(AttributeFormView)
        return form.values() if form.form is not None else dict(self.drafts.draft.values)

    def _keep_current(self) -> None:
        draft = self.drafts.draft
        draft.values = self._form_values()
        draft.text = self.query_one("#reg-inquiry-text", Input).value
        draft.priority = self._value("reg-priority")

    # --- several inquiries in one contact --------------------------------------------------------------
    async def action_add_inquiry(self) -> None:
        self._keep_current()
        self.drafts.add()
        focus_now(self.query_one("#topic-input"))
        await self.show_draft()

    async def action_switch(self, step: int) -> None:
        self._keep_current()
        self.drafts.move(step)
        await self.show_draft()

    async def show_draft(self) -> None:
        draft = self.drafts.draft
        self.query_one(TopicPicker).show(draft.topic)
        self.query_one("#reg-inquiry-text", Input).value = draft.text
        priority = self.query_one("#reg-priority", Select)
        if draft.priority is None:
            priority.clear()
        else:
            priority.value = draft.priority
        self._show_strip()
        self._show_repeats()
        self._show_entitlement()
        self.load_problems()
        self.kb_refresh()
        if draft.topic is None:
            await self.query_one(AttributeFormView).clear()
        else:
            self.load_form(draft.topic, draft.values)

    def show_draft_errors(self, index: int, errors: dict[str, str]) -> None:
        """After a refused save: bring the inquiry with the problem up and mark its fields."""
        if index != self.drafts.current:
            self._keep_current()
            self.drafts.current = index
            self._pending_errors = errors
            self.call_later(self.show_draft)
            return
        self._apply_errors(errors)

    def _apply_errors(self, errors: dict[str, str]) -> None:
        topic_problem = errors.get("topic") or errors.get("link_to") or errors.get("files")
        if topic_problem:
            self.query_one("#topic-label", Static).update(Text(topic_problem, style="bold red"))
            self.query_one("#topic-input").focus()
        self.query_one(AttributeFormView).show_errors(errors)

    def _say(self, widget_id: str, content) -> None:
        """Update a one-line notice; an empty one takes no room."""
        box = self.query_one(f"#{widget_id}", Static)
        box.update(content)
        box.display = bool(content)

    def _show_entitlement(self) -> None:
        """Covered or chargeable, for the caller and this inquiry's topic (services/service)."""
        topic = self.drafts.draft.topic
        self.query_one(EntitlementLine).show_for(self.customer.id if self.customer else None,
                                                 topic.code if topic else None)

    def _show_strip(self) -> None:
        self._say("reg-drafts", self.drafts.strip())

    # --- repeats, parent, files, customer note -----------------------------------------------------------
    def _show_repeats(self) -> None:
        draft, badge = self.drafts.draft, self.query_one("#reg-repeat", Static)
        badge.set_class(bool(draft.repeats), "-warning")
        if draft.link_to is not None:
            self._say("reg-repeat", _("This contact will be added to #{n}; no new inquiry (Ctrl+R: undo)").format(
                n=draft.link_to))
        elif draft.repeats:
            earlier = ", ".join(f"#{r.id} {fmt_date(r.created_at, short=True)} {state_label(r.state)}"
                                for r in draft.repeats[:4])
            warning = _("⚠ Repeat inquiry: {list} — Ctrl+R adds this contact to #{n}, Ctrl+G shows it")
            self._say("reg-repeat", warning.format(
                list=earlier, n=draft.repeats[0].id))
        else:
            self._say("reg-repeat", "")
        self._show_extras()

    def action_link_repeat(self) -> None:
        draft = self.drafts.draft
        if draft.link_to is not None:
            draft.link_to = None
        elif draft.repeats:
            draft.link_to = draft.repeats[0].id
        else:
            self.app.notify(_("No earlier inquiry on this topic"), severity="warning")
        self._show_strip()
        self._show_repeats()

    def _show_extras(self) -> None:
        draft = self.drafts.draft
        parts = [_("Child of #{n}").format(n=draft.parent)] if draft.parent else []
        parts += [f"📎 {Path(f).name}" for f in draft.files]
        parts += [visible(f"✓ {title}") for _id, _lang, title in draft.articles]
        self._say("reg-extras", "  ".join(parts))

    def action_parent(self) -> None:
        def answered(answer: str | None) -> None:
            if answer is None:
                self.drafts.draft.parent = None
                self._show_extras()
            elif answer.isdecimal():
                self.check_parent(self.drafts.draft, int(answer))
            else:
                self.app.notify(_("Type the inquiry number"), severity="error")
        self.app.push_screen(PromptScreen(_("Spawned from inquiry number (empty: none)")), answered)

    @work(thread=True, group="register-extras")
    def check_parent(self, draft, number: int) -> None:
        try:
            self.app.gateway.call(inquiries.get_inquiry, inquiry_id=number)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._parent_checked, draft, number)

    def _parent_checked(self, draft, number: int) -> None:
        draft.parent = number  # the draft the agent was on when asking, even if another is shown now
        self._show_extras()

    def action_attach(self) -> None:
        def answered(path: str | None) -> None:
            if not path:
                return
            problem = path_problem(path, None, limits_of(self.app.gateway.settings))
            if problem:
                self.app.notify(problem, severity="error", timeout=8)
                return
            self.drafts.draft.files.append(str(Path(path).expanduser()))
            self._show_extras()
        self.app.push_screen(PromptScreen(_("File to attach (path)")), answered)

    def action_customer_note(self) -> None:
        if self.customer is None:
            self.app.notify(_("Choose the customer first"), severity="warning")
            return
        party_id = self.customer.id

        def written(text: str | None) -> None:
            if text:
                self.add_note(party_id, text)

        self.app.push_screen(PromptScreen(_("Note on the customer")), written)

    @work(thread=True, group="register-extras")
    def add_note(self, party_id: int, text: str) -> None:
        try:
            self.app.gateway.call(contracts.add_note, entity="party", entity_id=party_id, text=text)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.app.notify, _("Note saved"))
