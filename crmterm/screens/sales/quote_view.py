"""A quote with live totals: its items priced (unit price, manual discount, total) with what the configuration
rules say about each next to it, the customer's structural discounts and the totals, recomputed by the service
after every change. A adds a product (code and quantity), + and - (or Q, typed) change the quantity, D gives the
item a manual discount (within the role's limit: a refusal shows next to the item), Delete removes it, S sends
the quote by e-mail (the customer's address proposed), Y records that the customer accepted it (it becomes an
order), X that they rejected it (with the reason), R makes a new revision of a sent one."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import ConfirmScreen, PromptScreen
from crmterm.services.sales import pricing, quote_states, quotes
from crmterm.services.sales.quote_views import QuoteLine, QuoteRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen

# (title, width): 80 columns hold the item, its money and the start of what the rules say about it
COLUMNS = (("#", 2), (N_("Product"), 18), (N_("Qty"), 4), (N_("Price"), 11), (N_("Disc."), 5), (N_("Total"), 12),
           (N_("Configuration"), 14))


def _cut(text: str, width: int) -> str:
    text = visible(text)
    return text if len(text) <= width else text[:width - 1] + "…"


class QuoteScreen(CrmScreen[None]):
    CSS_PATH = "sales.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="quote.back"),
        Binding("a", "add", N_("Add item"), id="quote.add"),
        # in the help (F1), not the footer: 80 columns hold the keys that price and decide the quote
        Binding("plus,equals_sign", "quantity(1)", N_("More"), id="quote.more", show=False),
        Binding("minus", "quantity(-1)", N_("Fewer"), id="quote.fewer", show=False),
        Binding("q", "type_quantity", N_("Quantity"), id="quote.quantity", show=False),
        Binding("delete", "remove", N_("Remove"), id="quote.remove", show=False),
        Binding("d", "discount", N_("Discount"), id="quote.discount"),
        Binding("s", "send", N_("Send"), id="quote.send"),
        Binding("y", "accept", N_("Accepted"), id="quote.accept"),
        Binding("x", "reject", N_("Rejected"), id="quote.reject"),
        Binding("r", "revise", N_("Revise"), id="quote.revise", show=False),
    ]

    def __init__(self, quote_id: int) -> None:
        super().__init__()
        self.quote_id = quote_id
        self.quote: QuoteRead | None = None
        self.refusal: tuple[int, str] | None = None  # (position, message): a change of that item was refused
        self.to_last = False  # an item was added: the cursor goes to it

    def compose(self) -> ComposeResult:
        yield Label(_("Quote: loading…"), id="quote-title", markup=False)
        yield DataTable(id="quote-lines", cursor_type="row", zebra_stripes=True)
        yield Label("", id="quote-problem", markup=False)
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
    def _call(self, service, *, item: int | None = None, **kwargs) -> None:
        """`item`: the position a change is about; a value refused for it is shown next to it."""
        try:
            found = self.app.gateway.call(service, **kwargs)
        except ValidationError as error:
            self.to_last = False
            if item is None:
                self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            else:
                self.app.call_from_thread(self.refused, item, error)
            return
        except CrmError as error:
            self.to_last = False
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=8)
            return
        if isinstance(found, quote_states.QuoteSent):
            self.app.call_from_thread(self.app.notify, _("Quote {number} queued to {to}").format(
                number=found.quote.number, to=found.to))
            found = found.quote
        if found.order:
            self.app.call_from_thread(self.app.notify, _("Order {number} made").format(number=found.order))
        self.refusal = None
        self.app.call_from_thread(self.show, found)

    def refused(self, position: int, error: ValidationError) -> None:
        self.refusal = (position, error.detail)
        if self.quote is not None:
            self.show(self.quote)

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
                               f"{line.manual_discount.normalize():f} %" if line.manual_discount else "—",
                               pricing.money(line.total, quote.currency), self._remark(line), key=str(line.position))
        if quote.lines:
            self.table.move_cursor(row=len(quote.lines) - 1 if self.to_last else min(row, len(quote.lines) - 1))
        self.to_last = False
        self._show_problem()
        discounts = _("Discounts: {d}").format(d="; ".join(quote.discounts)) + "\n" if quote.discounts else ""
        self.query_one("#quote-totals", Static).update(discounts + _("Net {net}, tax {tax} ({rate} %), total {total}")
                                                       .format(net=pricing.money(quote.net, quote.currency),
                                                               tax=pricing.money(quote.tax, quote.currency),
                                                               rate=quote.tax_rate, total=quote.total_text))
        self.table.focus()

    def _remark(self, line: QuoteLine) -> Text | str:
        """A refused change of the item in the error colour, else what the configuration rules say about it."""
        if self.refusal is not None and self.refusal[0] == line.position:
            return Text(_cut(self.refusal[1], 14), style="bold red")
        return _cut("; ".join(line.problems), 14) if line.problems else "✓"

    def _show_problem(self) -> None:
        """In full under the items (the column holds their start): a refused change, else what the rules say
        about the item under the cursor."""
        problem = self.query_one("#quote-problem", Label)
        lines = self.quote.lines if self.quote else []
        refused = next((ln for ln in lines if self.refusal and ln.position == self.refusal[0]), None)
        line = refused or self._line()
        said = self.refusal[1] if refused and self.refusal else "; ".join(line.problems) if line else ""
        problem.display = bool(said)
        if line is not None and said:
            problem.update(f"{line.position}. {visible(line.name)}: {said}")

    @on(DataTable.RowHighlighted, "#quote-lines")
    def _highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_problem()

    def _line(self) -> QuoteLine | None:
        position = self._position()
        return next((line for line in self.quote.lines if line.position == position), None) if self.quote else None

    def _position(self) -> int | None:
        if self.quote is None or not self.quote.lines:
            return None
        return self.quote.lines[min(self.table.cursor_row, len(self.quote.lines) - 1)].position

    def action_add(self) -> None:
        def answered(text: str | None) -> None:
            words = (text or "").split()
            if words:
                quantity = int(words[1]) if len(words) > 1 and words[1].isdecimal() else 1
                self.to_last = True
                self._call(quotes.add_item, quote_id=self.quote_id, product=words[0], quantity=quantity)

        self.app.push_screen(PromptScreen(_("Product code and quantity (e.g. router 2)")), answered)

    def action_quantity(self, step: int) -> None:
        line = self._line()
        if line is not None and line.quantity + step >= 1:
            self._call(quotes.set_item, item=line.position, quote_id=self.quote_id, position=line.position,
                       quantity=line.quantity + step)

    def action_type_quantity(self) -> None:
        line = self._line()
        if line is None:
            return

        def answered(text: str | None) -> None:
            if text is None or line is None:
                return
            if not text.isdecimal():  # the service's own words for it: it takes whole numbers only
                self.refused(line.position, ValidationError("quantity", _(
                    "expected a whole number from 1 to {max}").format(max=quotes.MAX_QUANTITY)))
                return
            self._call(quotes.set_item, item=line.position, quote_id=self.quote_id, position=line.position,
                       quantity=int(text))

        self.app.push_screen(PromptScreen(_("Quantity of {item}").format(item=line.name), str(line.quantity)),
                             answered)

    def action_discount(self) -> None:
        """The role's limit is the service's to check: a discount over it is refused next to the item."""
        line = self._line()
        if line is None:
            return

        def answered(text: str | None) -> None:
            if line is not None:  # empty: no manual discount
                percent = (text or "0").replace(",", ".").removesuffix("%").strip()
                self._call(quotes.set_item, item=line.position, quote_id=self.quote_id, position=line.position,
                           manual_discount=percent)

        shown = f"{line.manual_discount.normalize():f}" if line.manual_discount else ""
        self.app.push_screen(PromptScreen(_("Manual discount of {item}, %").format(item=line.name), shown),
                             answered)

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

    def _decided_only_when_sent(self) -> bool:
        """Asking whether the customer accepted a draft would only end in the service's refusal."""
        if self.quote is not None and self.quote.state != "sent":
            self.app.notify(_("Only a sent quote is accepted or rejected: send it first"), severity="warning")
            return False
        return self.quote is not None

    def action_accept(self) -> None:
        if not self._decided_only_when_sent() or self.quote is None:
            return
        question = _("Did the customer accept {number} rev. {rev}? It becomes an order.").format(
            number=self.quote.number, rev=self.quote.revision)

        def answered(yes: bool | None) -> None:
            if yes:
                self._call(quote_states.accept_quote, quote_id=self.quote_id)

        self.app.push_screen(ConfirmScreen(question), answered)

    def action_reject(self) -> None:
        if not self._decided_only_when_sent():
            return

        def answered(reason: str | None) -> None:
            if reason:  # Escape or nothing typed: not rejected
                self._call(quote_states.reject_quote, quote_id=self.quote_id, reason=reason)

        self.app.push_screen(PromptScreen(_("Why did the customer reject the quote?")), answered)

    def action_revise(self) -> None:
        self._call(quotes.revise_quote, quote_id=self.quote_id)
