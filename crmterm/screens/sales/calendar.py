"""The sales calendar: one seller's calls, meetings and tasks by day — a week of day columns (W) or one day in
detail (D). Left and right move the day (into the next or previous week at its ends), up and down pick an
activity; T goes to today, Enter opens the activity, N plans a new one on the chosen day, Space marks it done
with its outcome, A (those who see every pipeline) picks another seller. Open activities whose start has
passed are overdue: shown in the error colour. Opened with Alt+Y from the workspace or the palette."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import date, timedelta

from babel.dates import format_date
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, current_language, fmt_clock, fmt_date
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.screens.sales.activity_view import KIND_LABELS, ActivityScreen, NewActivityScreen
from crmterm.screens.sales.opportunity_view import OpportunityScreen
from crmterm.services.accounts.permissions import Permission
from crmterm.services.customers import structures
from crmterm.services.sales import activities
from crmterm.services.sales.activities import ActivityRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen


def _line(found: ActivityRead, wide: bool) -> str:
    """Week: the time and title; day: with its end, kind, customer and, once done, its outcome."""
    at = found.starts_at.astimezone()
    if not wide:
        return f"{fmt_clock(at)} {visible(found.title)}"
    text = f"{fmt_clock(at)}–{fmt_clock(activities.ends_at(found))} {_(KIND_LABELS[found.kind])}: "
    text += f"{visible(found.title)} — {visible(found.customer or '')}"
    if found.state == activities.DONE:
        text += f" · {_('done')}: {visible(found.outcome)}"
    return text


class CalendarScreen(CrmScreen[None]):
    CSS_PATH = "sales.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="calendar.back"),
        Binding("left", "move_day(-1)", N_("Previous day"), id="calendar.previous", show=False),
        Binding("right", "move_day(1)", N_("Next day"), id="calendar.next", show=False),
        Binding("w", "view(7)", N_("Week"), id="calendar.week"),
        Binding("d", "view(1)", N_("Day"), id="calendar.day"),
        Binding("t", "today", N_("Today"), id="calendar.today"),
        Binding("n", "new", N_("New activity"), id="calendar.new"),
        Binding("space", "done", N_("Done"), id="calendar.done"),
        Binding("a", "pick_owner", N_("Seller"), id="calendar.owner", show=False),
        Binding("f5", "reload", N_("Reload"), id="calendar.reload", show=False),
    ]

    def __init__(self, day: date | None = None, owner: str | None = None) -> None:
        super().__init__()
        self.day = day or structures.today()
        self.days = 7  # 7: the week view, 1: the day view
        self.owner = owner  # None: one's own calendar

    def compose(self) -> ComposeResult:
        yield Label(_("Calendar: loading…"), id="calendar-title", markup=False)
        yield Horizontal(id="calendar-days")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def first(self) -> date:
        return activities.week_of(self.day) if self.days == 7 else self.day

    def action_reload(self) -> None:
        self._load(self.first(), self.days, self.owner or self.app.actor.login)

    @work(thread=True, exclusive=True, group="calendar")
    def _load(self, first: date, days: int, owner: str) -> None:
        start, end = activities.local_days(first, days)
        try:
            found = self.app.gateway.call(activities.list_activities, owner=owner, start=start, end=end)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        # Typed as Textual's `T | Awaitable[T]` spells it: mypy cannot solve that from a bare coroutine function.
        shown: Callable[[date, int, str, list[ActivityRead]], Awaitable[None] | None] = self._show
        self.app.call_from_thread(shown, first, days, owner, found)

    async def _show(self, first: date, days: int, owner: str, found: list[ActivityRead]) -> None:
        overdue = sum(1 for a in found if a.overdue)
        title = _("Calendar of {owner}: {first} – {last}").format(
            owner=owner, first=fmt_date(first), last=fmt_date(first + timedelta(days=days - 1))) if days > 1 \
            else _("Calendar of {owner}: {day}").format(owner=owner, day=fmt_date(first))
        self.query_one("#calendar-title", Label).update(
            title + (" · " + _("{n} overdue").format(n=overdue) if overdue else ""))
        holder = self.query_one("#calendar-days", Horizontal)
        await holder.remove_children()
        for offset in range(days):
            day = first + timedelta(days=offset)
            shown = [a for a in found if a.starts_at.astimezone().date() == day]
            heading = _day_name(day, "EEE d") if days == 7 else f"{_day_name(day, 'EEEE')}, {fmt_date(day)}"
            classes = "calendar-day" + (" -today" if day == structures.today() else "")
            await holder.mount(Vertical(
                Static(heading, classes="calendar-heading", markup=False),
                OptionList(*(_option(a, days == 1) for a in shown), classes="calendar-list",
                           id=f"day-{day.isoformat()}"), classes=classes))
        self._focus_day()

    def _lists(self) -> list[OptionList]:
        return list(self.query(".calendar-list").results(OptionList))

    def _focus_day(self) -> None:
        wanted = f"day-{self.day.isoformat()}"
        for found in self._lists():
            if found.id == wanted:
                found.focus()

    def action_move_day(self, step: int) -> None:
        self.day += timedelta(days=step)
        if self.days == 1 or not any(found.id == f"day-{self.day.isoformat()}" for found in self._lists()):
            self.action_reload()  # another day, or out of the week shown
        else:
            self._focus_day()

    def action_view(self, days: int) -> None:
        self.days = days
        self.action_reload()

    def action_today(self) -> None:
        self.day = structures.today()
        self.action_reload()

    def on_descendant_focus(self, event) -> None:
        """The day whose column has the focus is the chosen day (a mouse click chooses it too)."""
        widget = event.widget
        if isinstance(widget, OptionList) and widget.id and widget.id.startswith("day-"):
            self.day = date.fromisoformat(widget.id[4:])

    def selected(self) -> int | None:
        for found in self._lists():
            if found.has_focus and found.highlighted is not None:
                return int(found.get_option_at_index(found.highlighted).id or 0)
        return None

    @on(OptionList.OptionSelected)
    def _entered(self, event: OptionList.OptionSelected) -> None:
        self.app.push_screen(ActivityScreen(int(event.option.id or 0)), self._activity_closed)

    def _activity_closed(self, opportunity_id: int | None) -> None:
        """O in the activity: its opportunity; back from either, the day as it is now."""
        if opportunity_id:
            self.app.push_screen(OpportunityScreen(opportunity_id), lambda _done: self.action_reload())
        else:
            self.action_reload()

    def action_new(self) -> None:
        def made(activity_id: int | None) -> None:
            if activity_id:
                self.action_reload()

        self.app.push_screen(NewActivityScreen(self.day), made)

    def action_done(self) -> None:
        chosen = self.selected()
        if chosen is None:
            return

        def answered(outcome: str | None) -> None:
            if outcome is not None:
                self._change(activities.complete_activity, activity_id=chosen, outcome=outcome)

        self.app.push_screen(PromptScreen(_("Done: what came of it?")), answered)

    def action_pick_owner(self) -> None:
        if not self.app.gateway.can(Permission.SALES_READ):
            self.app.notify(_("You see only your own calendar"), severity="warning")
            return

        def answered(login: str | None) -> None:
            if login:
                self.owner = login
                self.action_reload()

        self.app.push_screen(PromptScreen(_("Whose calendar (login)?"), self.owner or self.app.actor.login), answered)

    @work(thread=True, exclusive=True, group="calendar-change")
    def _change(self, service, **kwargs) -> None:
        try:
            self.app.gateway.call(service, **kwargs)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.action_reload)


def _day_name(day: date, pattern: str) -> str:
    """The day in the language's own words ("Wed 4", "ср 4"), by a CLDR pattern."""
    return format_date(day, pattern, locale=current_language())


def _option(found: ActivityRead, wide: bool) -> Option:
    """Overdue ones in the error colour, done ones dimmed."""
    from rich.text import Text

    style = "bold red" if found.overdue else "dim" if found.state == activities.DONE else ""
    return Option(Text(_line(found, wide), style=style), id=str(found.id))
