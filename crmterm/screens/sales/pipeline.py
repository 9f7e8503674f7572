"""The sales pipeline: one column per open stage of the default sales process with its opportunities (a sales
agent's own, everyone's for supervisors). Left and right go from column to column, up and down within one;
Shift+Right / Shift+Left (or > and <) move the opportunity to the next or previous stage, W wins it (a lead
becomes a customer), L loses it with a reason, I shows it with its stage history, quotes and activities, Enter
opens its quote (a new draft when it has none), N opens the form of a new one, F shows the forecast as a chart."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.screens.sales.opportunity_view import OpportunityScreen
from crmterm.screens.sales.quote_view import QuoteScreen
from crmterm.services.sales import opportunities, pipeline, pricing, quotes
from crmterm.services.sales.opportunities import OpportunityRead
from crmterm.services.sales.pipeline import PipelineRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.first_view import FirstView
from crmterm.widgets.host import CrmScreen, CrmWidget


def _cut(text: str, width: int) -> str:
    text = visible(text)
    return text if len(text) <= width else text[:width - 1] + "…"


class PipelinePanel(FirstView, Vertical, CrmWidget):  # CrmWidget after Vertical: Vertical's CSS stays
    """The pipeline itself: the Sales tab of the workspace, and the body of the Alt+S screen."""

    DEFAULT_CSS = """
    PipelinePanel { height: 1fr; }
    PipelinePanel #pipeline-title { height: 1; padding: 0 1; text-style: bold; }
    PipelinePanel #pipeline-columns { height: 1fr; }
    PipelinePanel .stage-column { width: 1fr; border: round $panel; height: 1fr; }
    PipelinePanel .stage-column:focus-within { border: round $accent; }
    PipelinePanel .stage-title { height: 3; padding: 0 1; }
    PipelinePanel .stage-list { height: 1fr; border: none; }
    """
    BINDINGS = [
        Binding("left", "column(-1)", N_("Previous stage"), id="sales.left", show=False),
        Binding("right", "column(1)", N_("Next stage"), id="sales.right", show=False),
        Binding("shift+right,greater_than_sign", "shift(1)", N_("Move on"), id="sales.forward"),
        # in the help (F1) and the palette, not the footer: 80 columns hold the keys that move a deal on
        Binding("shift+left,less_than_sign", "shift(-1)", N_("Move back"), id="sales.backward", show=False),
        Binding("w", "win", N_("Won"), id="sales.win"),
        Binding("l", "lose", N_("Lost"), id="sales.lose"),
        Binding("i", "details", N_("Details"), id="sales.details"),
        Binding("n", "new", N_("New"), id="sales.new"),
        Binding("f5", "reload", N_("Reload"), id="sales.reload", show=False),
        Binding("f", "forecast", N_("Forecast chart"), id="sales.forecast", show=False),
    ]

    def __init__(self) -> None:
        super().__init__(id="pipeline")
        self.pipeline: PipelineRead | None = None
        self.keep: int | None = None  # the opportunity to select after a reload

    def compose(self) -> ComposeResult:
        yield Label(_("Sales pipeline: loading…"), id="pipeline-title", markup=False)
        yield Horizontal(id="pipeline-columns")

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="pipeline")
    def _load(self) -> None:
        try:
            found = self.app.gateway.call(pipeline.pipeline)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        # Typed as Textual's `T | Awaitable[T]` spells it: mypy cannot solve that from a bare coroutine function.
        loaded: Callable[[PipelineRead], Awaitable[None] | None] = self._loaded
        self.app.call_from_thread(loaded, found)

    async def _loaded(self, found: PipelineRead) -> None:
        focused = self._column_index()
        self.pipeline = found
        self.query_one("#pipeline-title", Label).update(_("{name}: won {won}, lost {lost}").format(
            name=found.name, won=found.won, lost=found.lost))
        holder = self.query_one("#pipeline-columns", Horizontal)
        await holder.remove_children()
        for column in found.columns:
            options = [Option(f"{_cut(o.title, 16)}\n{_cut(o.customer, 16)}\n{o.amount_text or '—'}", id=str(o.id))
                       for o in column.opportunities]
            currency = column.opportunities[0].currency if column.opportunities else "RUB"
            total = pricing.money(column.weighted, currency)  # weighted: amount × the stage's probability
            await holder.mount(Vertical(
                Static(f"{_cut(column.name, 16)}\n{column.probability} % · {len(options)}\n{total}",
                       classes="stage-title", markup=False),
                OptionList(*options, classes="stage-list", id=f"stage-{column.code}"), classes="stage-column"))
        self._select(focused)
        self.first_view_in()

    def shown(self) -> None:
        """The Sales tab came into view: the focus in the stage column it was in."""
        self._select(self._column_index())

    def _lists(self) -> list[OptionList]:
        return list(self.query(".stage-list").results(OptionList))

    def _column_index(self) -> int:
        lists = self._lists()
        return next((n for n, found in enumerate(lists) if found.has_focus), 0)

    def _select(self, column: int) -> None:
        lists = self._lists()
        if not lists:
            return
        for n, found in enumerate(lists):  # the moved opportunity stays selected wherever it went
            if self.keep is not None and any(o.id == str(self.keep) for o in found.options):
                column = n
                found.highlighted = next(i for i, o in enumerate(found.options) if o.id == str(self.keep))
        lists[min(column, len(lists) - 1)].focus()

    def action_column(self, step: int) -> None:
        lists = self._lists()
        if lists:
            lists[(self._column_index() + step) % len(lists)].focus()

    def selected(self) -> int | None:
        lists = self._lists()
        if not lists:
            return None
        found = lists[self._column_index()]
        if found.highlighted is None:
            return None
        return int(found.get_option_at_index(found.highlighted).id or 0)

    def action_shift(self, step: int) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._change(pipeline.shift_stage, opportunity_id=chosen, step=step)

    def action_details(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self.keep = chosen
            self.app.push_screen(OpportunityScreen(chosen), lambda _done: self.action_reload())

    def action_new(self) -> None:
        """The form starts in the stage of the column that has the focus; the new one is selected there."""
        from crmterm.screens.sales.opportunity_form import NewOpportunityScreen

        if self.pipeline is None:
            return
        columns = self.pipeline.columns
        chosen = columns[self._column_index()].code if columns else None

        def made(found: OpportunityRead | None) -> None:
            if found is not None:
                self.keep = found.id
                self.app.notify(_("{title}: {stage}").format(title=found.title, stage=found.stage_name))
                self.action_reload()

        self.app.push_screen(NewOpportunityScreen([(c.name, c.code) for c in columns], chosen), made)

    def action_forecast(self) -> None:
        from crmterm.screens.sales.forecast_view import ForecastScreen

        self.app.push_screen(ForecastScreen())

    def action_win(self) -> None:
        chosen = self.selected()
        if chosen is not None:
            self._change(opportunities.win_opportunity, opportunity_id=chosen)

    def action_lose(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return

        def answered(reason: str | None) -> None:
            if reason:
                self._change(opportunities.lose_opportunity, opportunity_id=chosen, reason=reason)

        self.app.push_screen(PromptScreen(_("Why was it lost?")), answered)

    @work(thread=True, exclusive=True, group="pipeline-change")
    def _change(self, service, **kwargs) -> None:
        try:
            changed = self.app.gateway.call(service, **kwargs)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.keep = changed.id if changed.state == "open" else None
        self.app.call_from_thread(self.app.notify, _("{title}: {stage}").format(title=changed.title,
                                                                                 stage=changed.stage_name))
        self.app.call_from_thread(self.action_reload)

    @on(OptionList.OptionSelected)
    def _entered(self, event: OptionList.OptionSelected) -> None:
        self._open_quote(int(event.option.id or 0))

    @work(thread=True, exclusive=True, group="pipeline-change")
    def _open_quote(self, opportunity_id: int) -> None:
        try:
            deal = self.app.gateway.call(opportunities.get_opportunity, opportunity_id=opportunity_id)
            quote = deal.quotes[0] if deal.quotes else self.app.gateway.call(
                quotes.create_quote, party_id=deal.party_id, opportunity_id=deal.id).id
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.keep = opportunity_id
        self.app.call_from_thread(self.app.push_screen, QuoteScreen(quote), lambda _done: self.action_reload())


class PipelineScreen(CrmScreen[None]):
    """The pipeline on a screen of its own (Alt+S), for those who keep the Sales tab hidden."""

    CSS_PATH = "sales.tcss"
    BINDINGS = [Binding("escape", "app.pop_screen", N_("Back"), id="sales.back")]

    def compose(self) -> ComposeResult:
        yield PipelinePanel()
        yield TranslatedFooter()

    @property
    def panel(self) -> PipelinePanel:
        return self.query_one(PipelinePanel)
