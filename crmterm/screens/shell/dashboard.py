"""The Dashboard tab (issue 31 item 6): the tiles the user chose (Customise workspace), each loaded by its own
worker off the UI thread when the tab is shown, every minute while it is, or on F5 — so a slow or failing tile
shows "…" or its error while the others show their numbers (services/work/dashboard)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.widgets import Static

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.services.accounts.workspace import TILES
from crmterm.services.work import dashboard
from crmterm.services.work.dashboard import Tile
from crmterm.widgets.host import CrmWidget
from crmterm.widgets.layout import current_layout
from crmterm.widgets.report_chart import bar, fitted
from crmterm.widgets.safe_text import plain

REFRESH_SECONDS = 60  # the tiles' numbers while the tab is shown (F5 at once)
LABEL_WIDTH = 10  # a bar's label (a queue, a day) in a tile; the bar and its number take the rest


class DashboardTile(Static):
    """One tile: its title, then its number, or bars (one per queue, per day), or what went wrong."""

    def __init__(self, code: str) -> None:
        super().__init__(id=f"tile-{code}", classes="tile", markup=False)
        self.code = code
        self.border_title = _(TILES[code])
        self.tile: Tile | None = None
        self.error = ""

    def on_mount(self) -> None:
        self.update(plain(_("loading…"), style="dim"))

    def shown(self, tile: Tile) -> None:
        self.tile, self.error = tile, ""
        self.remove_class("failed")
        self.update(self._render_tile(tile))

    def failed(self, message: str) -> None:
        self.tile, self.error = None, message
        self.add_class("failed")
        self.update(plain(_("Not available: {error}").format(error=message)))

    def on_resize(self) -> None:
        if self.tile is not None:  # bars follow the tile's width
            self.update(self._render_tile(self.tile))

    def _render_tile(self, tile: Tile) -> Text:
        if not tile.lines:
            return plain(str(tile.value if tile.value is not None else "—"), style="bold", justify="center")
        width = max(self.content_size.width, LABEL_WIDTH + 6)
        largest = max(line.value for line in tile.lines)
        number = len(str(largest))
        text = Text(no_wrap=True)
        for line in tile.lines:
            text.append_text(fitted(line.label, LABEL_WIDTH))
            text.append(" " + str(line.value).rjust(number) + " ")
            text.append(bar(line.value, largest, width - LABEL_WIDTH - number - 2), style="bold")
            text.append("\n")
        text.rstrip()
        return text


class DashboardPanel(VerticalScroll, CrmWidget):  # CrmWidget second: the container CSS stays
    BINDINGS = [Binding("f5", "reload", N_("Reload"), id="dashboard.reload")]

    def __init__(self) -> None:
        super().__init__(id="dashboard")

    def compose(self) -> ComposeResult:
        codes = current_layout(self.app).tiles
        if not codes:
            yield Static(_("No tiles chosen: Customise workspace (Ctrl+P) adds them"), id="no-tiles", markup=False)
            return
        with Grid(id="tiles"):
            for code in codes:
                yield DashboardTile(code)

    def on_mount(self) -> None:
        self.set_interval(REFRESH_SECONDS, self._refresh_if_seen)

    def _refresh_if_seen(self) -> None:
        """Fresh numbers while the tab is looked at; none asked for while another tab or screen is up."""
        pane = self.parent  # the TabPane: its switcher hides it while another tab is active
        if self.screen.is_current and pane is not None and pane.display:
            self.action_reload()

    def shown(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        for tile in self.query(DashboardTile):
            self.run_worker(lambda code=tile.code: self._load(code), thread=True, exclusive=True,
                            group=f"tile-{tile.code}", name=f"tile {tile.code}")

    def _load(self, code: str) -> None:
        try:
            found = self.app.gateway.call(dashboard.tile, code=code)
        except CrmError as error:
            self.app.call_from_thread(self._failed, code, str(error))
            return
        except Exception as error:  # noqa: BLE001 - one tile's failure (the database, a bug) stays in that tile
            self.app.call_from_thread(self._failed, code, str(error).strip().splitlines()[0] if str(error) else
                                      type(error).__name__)
            return
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: Tile) -> None:
        for tile in self.query(f"#tile-{found.code}").results(DashboardTile):
            tile.shown(found)

    def _failed(self, code: str, message: str) -> None:
        for tile in self.query(f"#tile-{code}").results(DashboardTile):
            tile.failed(message)
