"""What the customer portal offers (issue 25 follow-up 2): the offered topics and self-service functions on the
left, the selected offer's form on the right. A topic offer names the attributes that stay internal; filling
in Function makes the offer that function's instead, with the topic its runs are recorded under and its fixed
parameters (key=value, comma-separated). Ctrl+S saves, Ctrl+N starts a new offer, Alt+D withdraws the selected
one, Escape closes. Opened from the Admin tab's list; the services check every change (directory.write) and
audit it. The same offers travel with `crmterm config export/import` (portal_topics, portal_functions)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.services.portal import offers
from crmterm.services.portal.offers import OfferRow
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen

_FIELDS = (("topic", N_("Topic"), N_("topic code")),
           ("internal", N_("Internal"), N_("attributes customers never see (comma-separated)")),
           ("function", N_("Function"), N_("business function (optional)")),
           ("params", N_("Parameters"), N_("key=value, comma-separated")))


def _split(text: str) -> list[str]:
    return sorted({part.strip() for part in text.split(",") if part.strip()})


def parse_params(text: str) -> dict[str, str]:
    """`balance=250.00, currency=RUB` → {"balance": "250.00", "currency": "RUB"}."""
    params: dict[str, str] = {}
    for pair in _split(text):
        key, equals, value = pair.partition("=")
        if not equals or not key.strip():
            raise ValidationError("params", _("expected KEY=VALUE, got '{pair}'").format(pair=pair))
        params[key.strip()] = value.strip()
    return params


class PortalOffersScreen(CrmScreen[None]):
    CSS_PATH = "portal_offers.tcss"
    BINDINGS = [
        Binding("escape", "close", N_("Back"), id="portal_offers.close"),
        Binding("ctrl+s", "save", N_("Save"), id="portal_offers.save"),
        Binding("ctrl+n", "new", N_("New offer"), id="portal_offers.new"),
        Binding("alt+d", "withdraw", N_("Withdraw offer"), id="portal_offers.withdraw", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, OfferRow] = {}
        self.current: OfferRow | None = None  # None: the form is for a new offer

    def compose(self) -> ComposeResult:
        yield Static(_("Portal offers"), id="po-title")
        with Horizontal(id="po-body"):
            yield OptionList(id="po-list")
            with Vertical(id="po-form"):
                yield Static("", id="po-about", markup=False)
                for field, label, hint in _FIELDS:
                    with Horizontal(classes="po-row"):
                        yield Label(_(label), classes="po-label")
                        yield Input(id=f"po-{field}", placeholder=_(hint), compact=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#po-list", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="offers-load")
    def load(self, select: str | None = None) -> None:
        try:
            found = self.app.gateway.call(offers.list_offers)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._listed, found, select)

    def _listed(self, found: list[OfferRow], select: str | None) -> None:
        self.found = {f"{row.kind}:{row.code}": row for row in found}
        listing = self.query_one("#po-list", OptionList)
        listing.clear_options()
        listing.add_options([Option(visible(f"{'ƒ ' if row.kind == 'function' else '  '}{row.label}"), id=key)
                             for key, row in self.found.items()])
        keys = list(self.found)
        if keys:
            listing.highlighted = keys.index(select) if select in self.found else 0
        else:
            self.show(None)

    @on(OptionList.OptionHighlighted, "#po-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id in self.found:
            self.show(self.found[event.option.id])

    def show(self, row: OfferRow | None) -> None:
        self.current = row
        function = row is not None and row.kind == "function"
        values = {"topic": (row.topic if function else row.code) if row else "",
                  "internal": ", ".join(row.internal_attributes) if row else "",
                  "function": row.code if row and function else "",
                  "params": ", ".join(f"{k}={v}" for k, v in sorted(row.params.items())) if row else ""}
        for field, value in values.items():
            self.query_one(f"#po-{field}", Input).value = value
        self.query_one("#po-about", Static).update(self._about(row))

    @staticmethod
    def _about(row: OfferRow | None) -> str:
        if row is None:
            return _("New offer: a topic code (or a function and its topic), Ctrl+S saves")
        if row.kind == "function":
            return _("Function {label} ({code}), recorded under topic {topic}").format(
                label=row.label, code=row.code, topic=row.topic)
        return _("Topic {label} ({code}) offered in self-service").format(label=row.label, code=row.code)

    def action_new(self) -> None:
        self.show(None)
        self.query_one("#po-topic", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def _typed(self, field: str) -> str:
        return self.query_one(f"#po-{field}", Input).value.strip()

    def action_save(self) -> None:
        try:
            params = parse_params(self._typed("params"))
        except CrmError as error:
            self.notify(str(error), severity="error")
            return
        self.save(self._typed("topic"), _split(self._typed("internal")), self._typed("function"), params)

    @work(thread=True, exclusive=True, group="offers-save")
    def save(self, topic: str, internal: list[str], function: str, params: dict[str, str]) -> None:
        gateway = self.app.gateway
        try:
            if function:
                gateway.change(offers.offer_function, name=function, topic=topic, params=params)
            else:
                gateway.change(offers.offer_topic, code=topic, internal_attributes=internal)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.app.notify, _("Offer {code} saved").format(code=function or topic))
        self.app.call_from_thread(self.load, f"function:{function}" if function else f"topic:{topic}")

    def action_withdraw(self) -> None:
        if self.current is not None:
            self.withdraw(self.current)

    @work(thread=True, exclusive=True, group="offers-save")
    def withdraw(self, row: OfferRow) -> None:
        gateway = self.app.gateway
        try:
            if row.kind == "function":
                gateway.change(offers.offer_function, name=row.code, offered=False)
            else:
                gateway.change(offers.offer_topic, code=row.code, offered=False)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.app.notify, _("Offer {code} withdrawn").format(code=row.code))
        self.app.call_from_thread(self.load)
