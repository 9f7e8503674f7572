"""A quote with live totals: its items priced (unit price, discounts, total) with what the configuration rules
say about each next to it, the customer's structural discounts and the totals, recomputed by the service after
every change. A adds a product (code and quantity), + and - change the quantity, Delete removes the item,
S sends the quote by e-mail (the customer's address proposed), R makes a new revision of a sent one."""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.services.sales import pricing, quote_states, quotes
from crmterm.services.sales.quote_views import QuoteRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen

# (title, width): 80 columns hold the item, its money and the start of what the rules say about it
COLUMNS = (("#", 2), (N_("Product"), 18), (N_("Qty"), 4), (N_("Price"), 11), (N_("Total"), 12),
           (N_("Configuration"), 21))


def _cut(text: str, width: int) -> str:
    text = visible(text)
    return text if len(text) <= width else text[:width - 1] + "…"


class QuoteScreen(CrmScreen[None]):
    CSS_PATH = "sales.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="quote.back"),
        Binding("a", "add", N_("Add item"), id="quote.add"),
        Binding("plus,equals_sign", "quantity(1)", N_("More"), id="quote.more"),
        Binding("minus", "quantity(-1)", N_("Fewer"), id="quote.fewer"),
        Binding("delete", "remove", N_("Remove"), id="quote.remove"),
        Binding("s", "send", N_("Send"), id="quote.send"),
        Binding("r", "revise", N_("Revise"), id="quote.revise"),
    ]

    def __init__(self, quote_id: int) -> None:
        super().__init__()
        self.quote_id = quote_id
        self.quote: QuoteRead | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Quote: loading…"), id="quote-title", markup=False)
        yield DataTable(id="quote-lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="quote-totals", markup=False)
        yield TranslatedFooter()

    @property
    def table(self) -> DataTable:
        return self.query_one("#quote-lines", DataTable)

    def on_mount(self) -> None:
        for title, width in COLUMNS:
            self.table.add_column(_(title) if title != "#" else title, width=width)
        self._call(quotes.get_quote, quote_id=self.quote_id)

    @work(thread=True, exclusive=True, group="quote")
    def _call(self, service, **kwargs) -> None:
        try:
            found = self.app.gateway.call(service, **kwargs)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        if isinstance(found, quote_states.QuoteSent):
            self.app.call_from_thread(self.app.notify, _("Quote {number} queued to {to}").format(
                number=found.quote.number, to=found.to))
            found = found.quote
        self.app.call_from_thread(self.show, found)

    def show(self, quote: QuoteRead) -> None:
        self.quote, self.quote_id = quote, quote.id
        row = self.table.cursor_row
        title = _("{number} rev. {rev} · {customer} · {state} until {until}")
        self.query_one("#quote-title", Label).update(title.format(
            number=quote.number, rev=quote.revision, customer=visible(quote.customer), state=quote.state,
            until=quote.valid_until))
        self.table.clear()
        for line in quote.lines:
            price = pricing.money(line.unit_price, quote.currency) if line.unit_price is not None else "—"
            self.table.add_row(str(line.position), _cut(line.name, 18), str(line.quantity), price,
                               pricing.money(line.total, quote.currency),
                               _cut("; ".join(line.problems), 21) if line.problems else "✓", key=str(line.position))
        if quote.lines:
            self.table.move_cursor(row=min(row, len(quote.lines) - 1))
        discounts = _("Discounts: {d}").format(d="; ".join(quote.discounts)) + "\n" if quote.discounts else ""
        self.query_one("#quote-totals", Static).update(discounts + _("Net {net}, tax {tax} ({rate} %), total {total}")
                                                       .format(net=pricing.money(quote.net, quote.currency),
                                                               tax=pricing.money(quote.tax, quote.currency),
                                                               rate=quote.tax_rate, total=quote.total_text))
        self.table.focus()

    def _position(self) -> int | None:
        if self.quote is None or not self.quote.lines:
            return None
        return self.quote.lines[min(self.table.cursor_row, len(self.quote.lines) - 1)].position

    def action_add(self) -> None:
        def answered(text: str | None) -> None:
            words = (text or "").split()
            if words:
                quantity = int(words[1]) if len(words) > 1 and words[1].isdecimal() else 1
                self._call(quotes.add_item, quote_id=self.quote_id, product=words[0], quantity=quantity)

        self.app.push_screen(PromptScreen(_("Product code and quantity (e.g. router 2)")), answered)

    def action_quantity(self, step: int) -> None:
        position = self._position()
        line = next((item for item in self.quote.lines if item.position == position), None) if self.quote else None
        if line is not None and line.quantity + step >= 1:
            self._call(quotes.set_item, quote_id=self.quote_id, position=position, quantity=line.quantity + step)

    def action_remove(self) -> None:
        position = self._position()
        if position is not None:
            self._call(quotes.remove_item, quote_id=self.quote_id, position=position)

    def action_send(self) -> None:
        def answered(address: str | None) -> None:
            if address:
                self._call(quote_states.send_quote, quote_id=self.quote_id, to=address)

        address = self.quote.customer_email if self.quote else ""
        self.app.push_screen(PromptScreen(_("Send the quote to (e-mail)"), address or ""), answered)

    def action_revise(self) -> None:
        self._call(quotes.revise_quote, quote_id=self.quote_id)
