"""Customise workspace (issue 31 item 6): which main tabs are shown and in what order, the columns of the main
lists, the customer card's tab order and the Dashboard's tiles — all from the keyboard. Left the parts, right
the part's entries: Space shows or hides one, Alt+↑/Alt+↓ move it, Ctrl+S saves for this user (in the database,
services/accounts/workspace), Ctrl+R goes back to the default after a confirmation, Escape leaves unsaved."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Label, OptionList, SelectionList
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.services.accounts import workspace
from crmterm.services.accounts.workspace import CARD_TABS, LISTS, REQUIRED_COLUMNS, TABS, TILES, Layout
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen
from crmterm.widgets.layout import current_layout
from crmterm.widgets.service_call import call_service

# part id -> (title, {entry id: label}); "columns.<list>" are the lists' columns
PARTS: dict[str, tuple[str, dict[str, str]]] = {
    "tabs": (N_("Main tabs"), {tab: label for tab, (label, _needs) in TABS.items()}),
    "card_tabs": (N_("Customer card tabs"), CARD_TABS),
    **{f"columns.{name}": (title, columns) for name, (title, columns) in LISTS.items()},
    "tiles": (N_("Dashboard tiles"), TILES),
}
ALWAYS_SHOWN = {"card_tabs": set(CARD_TABS)} | {f"columns.{n}": set(c) for n, c in REQUIRED_COLUMNS.items()}


class CustomiseWorkspaceScreen(CrmScreen[bool]):
    """Dismissed with True once a new layout is saved (the workspace redraws itself), False otherwise."""

    CSS_PATH = "workspace_custom.tcss"
    BINDINGS = [
        Binding("alt+up", "move(-1)", N_("Move up"), id="customise.up", priority=True),
        Binding("alt+down", "move(1)", N_("Move down"), id="customise.down", priority=True),
        Binding("ctrl+s", "save", N_("Save"), id="customise.save", priority=True),
        Binding("ctrl+r", "reset", N_("Reset to default"), id="customise.reset", priority=True),
        Binding("escape", "leave", N_("Close"), id="customise.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.part = "tabs"
        self.order: dict[str, list[str]] = {}
        self.shown: dict[str, set[str]] = {}

    def compose(self) -> ComposeResult:
        yield Label(_("Customise workspace: Space shows or hides, Alt+↑/↓ moves, Ctrl+S saves"), id="custom-title")
        with Horizontal(id="custom-body"):
            yield OptionList(*(Option(_(title), id=part) for part, (title, _e) in PARTS.items()), id="custom-parts")
            with Vertical(id="custom-entries-pane"):
                yield SelectionList[str](id="custom-entries")
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self._take(current_layout(self.app))
        self.query_one("#custom-parts", OptionList).highlighted = 0
        self._fill()
        self.query_one("#custom-entries", SelectionList).focus()

    def _take(self, layout: Layout) -> None:
        """Each part's entries: the shown ones in the user's order, then the hidden ones."""
        chosen = {"tabs": layout.tabs, "card_tabs": layout.card_tabs, "tiles": layout.tiles}
        chosen |= {f"columns.{name}": shown for name, shown in layout.columns.items()}
        for part, (_title, entries) in PARTS.items():
            allowed = [e for e in entries if part != "tabs" or self._may_show(e)]
            self.shown[part] = {e for e in chosen[part] if e in allowed}
            self.order[part] = [e for e in chosen[part] if e in allowed] + [e for e in allowed if e not in chosen[part]]

    def _may_show(self, tab: str) -> bool:
        needs = TABS[tab][1]
        return needs is None or self.app.gateway.can(needs)

    def _fill(self, highlight: int = 0) -> None:
        entries = self.query_one("#custom-entries", SelectionList)
        labels = PARTS[self.part][1]
        entries.clear_options()
        entries.add_options([Selection(_(labels[e]) if labels[e] not in ("#", "ID") else labels[e], e,
                                       e in self.shown[self.part]) for e in self.order[self.part]])
        if entries.option_count:
            entries.highlighted = min(highlight, entries.option_count - 1)

    def _sync(self) -> None:
        """What the list shows checked is what is shown: read from the list itself, whose toggle is immediate
        (its message may come after the next key, a move that redraws the list)."""
        entries = self.query_one("#custom-entries", SelectionList)
        always = ALWAYS_SHOWN.get(self.part, set()) & set(self.order[self.part])
        self.shown[self.part] = set(entries.selected) | always

    @on(OptionList.OptionHighlighted, "#custom-parts")
    def _part_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None and event.option.id != self.part:
            self._sync()
            self.part = event.option.id
            self._fill()

    @on(SelectionList.SelectionToggled, "#custom-entries")
    def _toggled(self, event: SelectionList.SelectionToggled) -> None:
        entry = event.selection.value
        if entry in ALWAYS_SHOWN.get(self.part, set()) and entry not in event.selection_list.selected:
            event.selection_list.select(entry)  # undone: this one is always there (only its place changes)
            self.notify(_("{entry} is always shown; Alt+↑/↓ moves it").format(entry=event.selection.prompt))

    def action_move(self, step: int) -> None:
        self._sync()
        entries = self.query_one("#custom-entries", SelectionList)
        index = entries.highlighted
        order = self.order[self.part]
        if index is None or not 0 <= index + step < len(order):
            return
        order[index], order[index + step] = order[index + step], order[index]
        self._fill(index + step)

    def _layout(self) -> dict:
        def shown(part: str) -> list[str]:
            return [e for e in self.order[part] if e in self.shown[part]]

        return {"tabs": shown("tabs"), "hidden_tabs": [e for e in self.order["tabs"] if e not in self.shown["tabs"]],
                "card_tabs": self.order["card_tabs"], "tiles": shown("tiles"),
                "columns": {name: shown(f"columns.{name}") for name in LISTS}}

    def action_save(self) -> None:
        self._sync()
        if not self.shown["tabs"]:
            self.notify(_("Show at least one tab"), severity="error")
            return
        self._call(workspace.set_workspace, layout=self._layout())

    def action_reset(self) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self._call(workspace.reset_workspace)

        self.app.push_screen(ConfirmScreen(_("Reset your workspace to the default?")), answered)

    @work(thread=True, exclusive=True, group="customise-workspace")
    def _call(self, service, **kwargs) -> None:
        call_service(self.app, service, on_done=self._saved,
                     on_refused=lambda error: self.notify(str(error), severity="error"), **kwargs)

    def _saved(self, found: workspace.WorkspaceRead) -> None:
        self.app.workspace_layout = found.layout
        self.notify(_("Workspace saved") if found.customised else _("Workspace reset to the default"))
        self.dismiss(True)

    def action_leave(self) -> None:
        self.dismiss(False)
