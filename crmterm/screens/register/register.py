"""Register tab: the agent's main screen. A contact (filled from the active template), the caller found inline,
one or more inquiries with their topic and attribute form, warnings about repeats, and one key to save it all.

Keys on the shortest path (README counts them): F4 caller box → number, Enter (one match is taken at once)
→ topic number, Enter → the form's fields with Tab → Ctrl+S. Alt+L schedules a callback to the caller found
(screens/inquiry/callback_dialog). Every database call runs in a worker.
"""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, OptionList, Select, Static
from textual.widgets.option_list import Option

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, fmt_date, fmt_datetime
from crmterm.screens.inquiry.callback_dialog import CallbackDialog, CallbackFor, callback_binding, scheduled
from crmterm.screens.inquiry.inquiry_view import InquiryScreen
from crmterm.screens.knowledge.kb_article import kb_bindings
from crmterm.screens.knowledge.response_picker import response_binding
from crmterm.screens.register.register_calls import CallTaking
from crmterm.screens.register.register_contact import ContactFields
from crmterm.screens.register.register_drafts import Drafts
from crmterm.screens.register.register_inquiry import InquiryEditing
from crmterm.screens.register.register_kb import KbDrafting
from crmterm.screens.register.register_keeping import DraftKeeping
from crmterm.screens.register.register_problems import ProblemLinking
from crmterm.screens.register.register_responses import ResponseInserting
from crmterm.screens.register.register_scripts import ScriptRunning
from crmterm.screens.retention.churn_badge import ChurnBadge
from crmterm.screens.service.register_entitlement import EntitlementLine
from crmterm.services.billing import blacklist
from crmterm.services.customers.customer_search import SearchHit, hit_details
from crmterm.services.inquiries import inquiries, registration_views
from crmterm.services.inquiries.attachments import limits_of
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.inquiries.registration import ContactDraft, Registered, RegistrationError, register
from crmterm.text import visible
from crmterm.widgets.attribute_form import AttributeFormView
from crmterm.widgets.implied_select import ImpliedSelect
from crmterm.widgets.kb_suggestions import KbSuggestions
from crmterm.widgets.problem_banner import ProblemBanner
from crmterm.widgets.safe_text import plain
from crmterm.widgets.topic_picker import OPTION_DIGITS, KeyedInput, TopicPicker
from crmterm.widgets.type_ahead import focus_now

_TOPIC_KEYS = [Binding(f"alt+{n},{OPTION_DIGITS[n - 1]}", f"suggested({n})", show=False, priority=True,
                       id=f"register.topic{n}") for n in range(1, 10)]


def _int(value: str | None) -> int | None:
    return int(value) if value else None


class RegisterPanel(ContactFields, InquiryEditing, ProblemLinking, ScriptRunning, KbDrafting, DraftKeeping,
                    ResponseInserting, CallTaking, Horizontal):
    BINDINGS = [
        Binding("ctrl+s", "save", N_("Save"), id="register.save"),
        Binding("ctrl+n", "add_inquiry", N_("Add inquiry"), id="register.add_inquiry"),
        Binding("ctrl+pagedown", "switch(1)", N_("Next inquiry"), id="register.next", show=False, priority=True),
        Binding("ctrl+pageup", "switch(-1)", N_("Previous inquiry"), id="register.previous", show=False,
                priority=True),
        Binding("ctrl+r", "link_repeat", N_("Add to earlier"), id="register.link_repeat"),
        Binding("ctrl+g", "open_earlier", N_("Earlier inquiry"), id="register.open_earlier"),
        Binding("f5", "clear", N_("New contact"), id="register.clear"),
        Binding("f6", "parent", N_("Child of…"), id="register.parent"),
        Binding("f7", "attach", N_("Attach file"), id="register.attach"),
        Binding("f8", "customer_note", N_("Customer note"), id="register.note"),
        Binding("ctrl+y", "link_problem", N_("Link to system problem"), id="register.link_problem", show=False),
        Binding("ctrl+t", "run_script", N_("Script"), id="register.script"),
        *kb_bindings("register"), response_binding("register"), callback_binding("register"),
        *_TOPIC_KEYS,
    ]

    def __init__(self, state: dict | None = None) -> None:
        super().__init__(id="register-panel")
        self._initial = state  # what was on the form before a language switch re-rendered it
        self.drafts = Drafts()
        self.customer: SearchHit | None = None
        self.subscriber: str | None = None
        self.activity: inquiries.Activity | None = None
        self.template = None
        self._topic_typed_before_hits = ""

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="register-main"):
            with Horizontal(id="reg-contact"):
                yield Select([], id="reg-place", prompt=_("Place"), compact=True)
                yield Select([(_("incoming"), "in"), (_("outgoing"), "out")], id="reg-direction",
                             allow_blank=False, compact=True)
                yield Select([], id="reg-channel", prompt=_("Channel"), compact=True)
                yield Select([], id="reg-category", prompt=_("Client category"), compact=True)
            yield KeyedInput(id="reg-caller", placeholder=_("Caller: number, name, contract or id — Enter"),
                             compact=True)
            yield Static(_("Anonymous caller"), id="reg-whom", markup=False)
            yield Select([], id="reg-person", prompt=_("Contact person"), compact=True)
            yield OptionList(id="reg-hits")
            yield Input(id="reg-contact-text", placeholder=_("Contact note"), compact=True)
            yield Static("", id="reg-drafts", markup=False)
            yield TopicPicker(id="reg-topic")
            yield ImpliedSelect([], id="reg-priority", prompt=_("Priority: the topic's"), compact=True)
            yield Static("", id="reg-suggested", markup=False)
            yield Static("", id="reg-repeat", markup=False)
            yield EntitlementLine("", id="reg-entitlement", markup=False)  # services/service: covered or chargeable
            yield Static("", id="reg-blacklist", markup=False)
            yield ChurnBadge(id="reg-churn", markup=False)
            yield ProblemBanner("", id="reg-problems", markup=False)
            yield Static("", id="reg-extras", markup=False)
            yield AttributeFormView(id="reg-form")
            yield Input(id="reg-inquiry-text", placeholder=_("Inquiry note"), compact=True)
        with Vertical(id="register-side"):
            yield Static(_("Choose the caller to see their open inquiries and last contacts."), id="reg-activity",
                         markup=False)
            yield OptionList(id="reg-open")
            yield Static("", id="reg-last", markup=False)
            yield KbSuggestions(id="reg-kb")

    def on_mount(self) -> None:
        for widget_id in ("reg-hits", "reg-drafts", "reg-repeat", "reg-entitlement", "reg-blacklist", "reg-extras",
                          "reg-person", "reg-problems"):
            self.query_one(f"#{widget_id}").display = False
        self.load_choices()
        self.load_problems()

    @on(Input.Changed, "#reg-inquiry-text")
    @on(Input.Changed, "#reg-contact-text")
    def note_typed(self) -> None:
        self.kb_refresh()

    @on(Select.Changed, "#reg-contact Select")
    def contact_changed(self) -> None:
        """Rules over the contact (place, channel, direction) mark the fields they make mandatory at once."""
        self.query_one(AttributeFormView).set_context(self.rule_context())

    def action_schedule_callback(self) -> None:
        """Alt+L: a callback to the caller found (their number), for later (screens/inquiry/callback_dialog)."""
        if self.customer is None:
            self.app.notify(_("Choose the customer first"), severity="warning")
            return
        start = CallbackFor(self.customer.id, self.customer.display_name, self.subscriber or self.customer.phone or "")
        self.app.push_screen(CallbackDialog(start), lambda saved: scheduled(self.app, saved))

    # --- the caller --------------------------------------------------------------------------------
    def focus_caller(self) -> None:
        caller = self.query_one("#reg-caller", Input)
        caller.focus()
        caller.select_all()

    @on(Input.Submitted, "#reg-caller")
    def caller_submitted(self, event: Input.Submitted) -> None:
        self.search_caller(event.value)

    def search_caller(self, value: str) -> None:
        """Enter in the caller box (or a call popped into it)."""
        topic = self.query_one("#topic-input", Input)
        focus_now(topic)  # on this key: the topic typed next must not land in the caller box
        self._topic_typed_before_hits = topic.value
        if value.strip():
            self.find_caller(value.strip())
        else:
            self._set_customer(None, None)

    @work(thread=True, exclusive=True, group="register-caller")
    def find_caller(self, query: str) -> None:
        found = self.app.gateway.call(registration_views.find_caller, query=query)
        self.app.call_from_thread(self._caller_found, found)

    def _caller_found(self, found: registration_views.Caller) -> None:
        hits = self.query_one("#reg-hits", OptionList)
        hits.clear_options()
        if len(found.hits) == 1:
            hits.display = False
            self._set_customer(found.hits[0], found.subscriber)
            return
        self._hits = {str(h.id): h for h in found.hits}
        self._subscriber_query = found.subscriber
        hits.add_options([Option(plain(f"{h.id}  {h.display_name}  · {_(h.matched)}{hit_details(h)}"), id=str(h.id))
                          for h in found.hits])
        hits.display = bool(found.hits)
        if found.hits:
            hits.highlighted = 0
            if self._untouched_since_enter():
                focus_now(hits)
        else:
            self.app.notify(_("No customer found; the contact stays anonymous"), severity="warning")
            self._show_flags(found.flags)

    def _untouched_since_enter(self) -> bool:
        """The agent still waits in the topic box the caller's Enter moved to, having typed nothing there."""
        topic = self.query_one("#topic-input", Input)
        return topic.has_focus and topic.value == self._topic_typed_before_hits

    @on(OptionList.OptionSelected, "#reg-hits")
    def hit_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.query_one("#reg-hits").display = False
        if event.option.id is None:  # never: every hit is listed under its customer's id
            return
        hit = self._hits[event.option.id]  # found by phone: that subscriber is the contact's
        self._set_customer(hit, hit.subscriber or (self._subscriber_query if hit.matched == "phone" else None))
        focus_now(self.query_one("#topic-input"))

    def _set_customer(self, hit: SearchHit | None, subscriber: str | None, person: str | None = None) -> None:
        self.customer, self.subscriber, self.activity = hit, subscriber, None
        self._person = person
        self.show_persons([])
        whom = self.query_one("#reg-whom", Static)
        whom.update(Text.assemble((f"#{hit.id} ", "bold"), visible(hit.display_name), visible(f"  {subscriber or ''}"))
                    if hit else _("Anonymous caller"))
        self._show_flags([blacklist.reason_label(hit.blacklisted)] if hit and hit.blacklisted else [])
        self.query_one(ChurnBadge).load(hit.id if hit else None)
        self.query_one("#reg-activity", Static).update("")
        self.query_one("#reg-open", OptionList).clear_options()
        self.query_one("#reg-last", Static).update("")
        if hit is not None:
            self.load_activity(hit.id)
        topic = self.drafts.draft.topic
        self.query_one(EntitlementLine).show_for(hit.id if hit else None, topic.code if topic else None)
        self.load_problems()
        if self.drafts.draft.topic is not None:
            self.load_form(self.drafts.draft.topic, self._form_values())

    def _show_flags(self, flags: list[str]) -> None:
        """The blacklist's warnings for the customer, or for the number of a caller no customer has."""
        flagged = self.query_one("#reg-blacklist", Static)
        flagged.update("\n".join(f"⚠ {flag}" for flag in flags))
        flagged.display = bool(flags)

    @work(thread=True, exclusive=True, group="register-activity")
    def load_activity(self, party_id: int) -> None:
        found = self.app.gateway.call(inquiries.customer_activity, party_id=party_id)
        self.app.call_from_thread(self._activity_loaded, found)

    def _activity_loaded(self, activity: inquiries.Activity) -> None:
        self.activity = activity
        self.query_one(AttributeFormView).set_context(self.rule_context())  # the customer's category is known
        self.show_persons(activity.contact_persons, self._person)
        self.query_one("#reg-activity", Static).update(
            Text(_("Open inquiries: {n}").format(n=activity.open_count), style="bold"))
        listing = self.query_one("#reg-open", OptionList)
        listing.clear_options()
        listing.add_options([Option(plain(f"#{i.id} {fmt_date(i.created_at, short=True)} {i.topic_label} · "
                                          f"{state_label(i.state)}"), id=str(i.id)) for i in activity.open_inquiries])
        text = Text(_("Last contacts") + "\n", style="bold")
        for contact in activity.last_contacts:
            channel = contact.channel_label or contact.channel or ""
            text.append(visible(f"{fmt_datetime(contact.at)} {channel} {contact.operator or ''} "
                                f"{contact.text[:40]}\n"), style="not bold")
        self.query_one("#reg-last", Static).update(text)

    def _reload_activity(self) -> None:
        """What was done in the inquiry screen (taken, closed) shows in the caller's lists at once."""
        if self.customer is not None:
            self.load_activity(self.customer.id)

    @on(OptionList.OptionSelected, "#reg-open")
    def open_picked(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id is not None:  # every open inquiry is listed under its id
            self.app.push_screen(InquiryScreen(int(event.option.id)), lambda _result: self._reload_activity())

    def action_open_earlier(self) -> None:
        """The repeat the badge names, else the list of the customer's open inquiries."""
        if self.drafts.draft.repeats:
            self.app.push_screen(InquiryScreen(self.drafts.draft.repeats[0].id),
                                 lambda _result: self._reload_activity())
        elif self.query_one("#reg-open", OptionList).option_count:
            self.query_one("#reg-open").focus()
        else:
            self.app.notify(_("No earlier inquiries of this caller"), severity="warning")

    # --- saving --------------------------------------------------------------------------------------
    def action_save(self) -> None:
        self._registering = True
        self._keep_current()
        kept, documents = self.drafts.to_save()
        draft = ContactDraft(
            template=self.template.code if self.template else None, place=self._value("reg-place"),
            direction=self._value("reg-direction"), channel=self._value("reg-channel"),
            client_category=self._value("reg-category"), customer=self.customer.id if self.customer else None,
            subscriber=self.subscriber, contact_person=_int(self._value("reg-person")),
            caller="" if self.customer else self.query_one("#reg-caller", Input).value,
            text=self.query_one("#reg-contact-text", Input).value, inquiries=documents)
        self.save(draft, kept)

    @work(thread=True, exclusive=True, group="register-save")
    def save(self, draft: ContactDraft, kept: list[int]) -> None:
        """One service call writes the contact, its inquiries, script walks and articles, and forgets the
        kept draft: all or nothing."""
        gateway = self.app.gateway
        try:
            done = gateway.call(register, draft=draft, limits=limits_of(gateway.settings), forget_draft=True)
        except CrmError as error:
            self.app.call_from_thread(self._save_failed, error, kept)
            return
        # mypy cannot solve Textual's `T | Awaitable[T]` callback type for a coroutine function
        self.app.call_from_thread(self._saved, done)  # type: ignore[arg-type]

    async def _saved(self, done: Registered) -> None:
        self._registering = False
        closed = (_(" (closed at once: {ids})").format(ids=", ".join(f"#{i}" for i in done.closed))
                  if done.closed else "")
        self.app.notify(_("Contact {c} registered: {ids}").format(
            c=done.contact_id, ids=", ".join(f"#{i}" for i in done.inquiry_ids)) + closed)
        self.last_registered = done
        await self.action_clear()
        self.offer_set_aside()  # a registration put aside for this call (register_calls)

    def _save_failed(self, error: CrmError, kept: list[int]) -> None:
        self._registering = False
        self.app.notify(str(error), severity="error", timeout=8)
        if not isinstance(error, RegistrationError):
            return
        index, _field, _message = error.problems[0]
        if index is None:
            return
        errors = {f: m for i, f, m in error.problems if i == index}
        self.show_draft_errors(kept[index], errors)

    async def action_clear(self) -> None:
        """Ready for the next call: the template's defaults, nothing else."""
        self.drafts = Drafts()
        for widget_id in ("reg-caller", "reg-contact-text", "reg-inquiry-text"):
            self.query_one(f"#{widget_id}", Input).value = ""
        self._set_customer(None, None)
        self.query_one("#reg-hits").display = False
        await self.show_draft()
        self.apply_template(self.template)
        self.focus_caller()
        self.keep_draft_now()
