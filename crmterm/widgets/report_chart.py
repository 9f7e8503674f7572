"""Pictures of a report: a horizontal bar chart drawn with eighth-block characters (largest value first, bars
scaled to the width, labels cut with "…"), and a daily sparkline that gives each day the same number of
columns so a month fills the width instead of huddling at the left."""

from __future__ import annotations

from datetime import date

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget
from textual.widgets import Sparkline

from crmterm.i18n import _, fmt_date
from crmterm.widgets.safe_text import plain

FULL = "█"
EIGHTHS = ("", "▏", "▎", "▍", "▌", "▋", "▊", "▉")  # index = eighths of a cell
MAX_LABEL = 28  # a label takes at most this many cells, and never more than a third of the width


def bar(value: float, largest: float, width: int) -> str:
    """`value` as a bar of `width` cells at most, in eighths of a cell; nothing for zero or less."""
    if largest <= 0 or value <= 0 or width <= 0:
        return ""
    eighths = max(1, round(value / largest * width * 8))  # a count above zero never vanishes
    full, rest = divmod(min(eighths, width * 8), 8)
    return FULL * full + EIGHTHS[rest]


def fitted(text: str, width: int) -> Text:
    """`text` in exactly `width` cells: cut with an ellipsis, or padded."""
    shown = plain(text, no_wrap=True)
    shown.truncate(width, overflow="ellipsis", pad=True)
    return shown


class BarChart(Widget, can_focus=False):
    """(label, value, value as shown) bars under a title; as many as fit, then "… N more"."""

    COMPONENT_CLASSES = {"bar-chart--title", "bar-chart--bar", "bar-chart--label"}

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.title = ""
        self.bars: list[tuple[str, float, str]] = []

    def show(self, title: str, bars: list[tuple[str, float, str]], *, in_order: bool = False) -> None:
        """Largest first, or (`in_order`) as given: pairs such as agreed / actual stay side by side."""
        self.title = title
        # sorted() is stable: equal values keep the report's order
        self.bars = list(bars) if in_order else sorted(bars, key=lambda item: -item[1])
        self.display = bool(bars)
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return 1 + len(self.bars)

    def render(self) -> Text:
        width, height = self.size.width, self.size.height
        lines = [plain(self.title, style=self.get_component_rich_style("bar-chart--title"), no_wrap=True,
                      overflow="ellipsis")]
        room = max(0, height - 1)
        shown = self.bars if len(self.bars) <= room else self.bars[:max(0, room - 1)]
        label_width = min(MAX_LABEL, width // 3, max((cell_len(b[0]) for b in shown), default=0))
        value_width = max((cell_len(b[2]) for b in shown), default=0)
        bar_width = max(1, width - label_width - value_width - 2)
        largest = max((b[1] for b in shown), default=0)
        label_style = self.get_component_rich_style("bar-chart--label")
        bar_style = self.get_component_rich_style("bar-chart--bar")
        for label, value, value_text in shown:
            line = fitted(label, label_width)
            line.stylize(label_style)
            line.append(" ")
            line.append(bar(value, largest, bar_width), style=bar_style)
            line.append(" " + value_text)
            lines.append(line)
        if len(shown) < len(self.bars):
            lines.append(plain(_("… {n} more").format(n=len(self.bars) - len(shown)), style="dim"))
        return plain("\n").join(lines)


class DailySparkline(Sparkline):
    """Counts per day; each day drawn `width // days` columns wide (Textual's sparkline draws one column per
    value when there are fewer values than columns)."""

    def __init__(self, **kwargs) -> None:
        super().__init__([], **kwargs)
        self.days: list[tuple[date, int]] = []

    def show_days(self, days: list[tuple[date, int]]) -> None:
        self.days = days
        self._stretch()

    def on_resize(self) -> None:
        self._stretch()

    def _stretch(self) -> None:
        counts = [n for _day, n in self.days]
        repeat = max(1, self.size.width // len(counts)) if counts else 1
        self.data = [n for n in counts for _copy in range(repeat)]


def daily_caption(days: list[tuple[date, int]]) -> str:
    """What the sparkline shows, in words: the days, the total and the busiest day."""
    if not days:
        return ""
    total = sum(n for _day, n in days)
    busiest_day, most = max(days, key=lambda item: item[1])
    return _("Registered per day, {first} – {last}: {total} in all, at most {most} ({day})").format(
        first=fmt_date(days[0][0]), last=fmt_date(days[-1][0]), total=total, most=most, day=fmt_date(busiest_day))
