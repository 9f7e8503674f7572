"""The Queues tab's left column: the user's queues, each with its counts (waiting · taken · overdue, and for
supervisors the logged-in agents able to take its work)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from crmterm.i18n import _, pick
from crmterm.services.routing.queues import QueueCounts
from crmterm.widgets.safe_text import plain


def legend(staffing: bool = False) -> str:
    """Said once above the list, so each queue's counts fit a narrow column in any language; supervisors also
    see how many logged-in agents can take each queue's work (skills routing)."""
    return _("waiting · taken · overdue · agents able") if staffing else _("waiting · taken · overdue")


def _prompt(queue: QueueCounts) -> Text:
    """Two lines: the name, then the counts in the legend's order (overdue in red when there are any)."""
    prompt = plain(pick(queue.labels, queue.code), style="bold")
    prompt.append(f"\n{queue.waiting} · {queue.taken} · ", style="not bold")
    prompt.append(str(queue.overdue), style="not bold red" if queue.overdue else "not bold")
    if queue.can_take is not None:  # nobody able to take the work while some waits: said in yellow
        prompt.append(" · ", style="not bold")
        prompt.append(str(queue.can_take), style="not bold yellow" if queue.waiting and not queue.can_take
                      else "not bold")
    return prompt


class QueueList(OptionList):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.counts: dict[str, QueueCounts] = {}

    def show(self, counts: list[QueueCounts], keep: str | None) -> None:
        """New counts, the highlight staying on `keep` (the queue the user chose)."""
        self.counts = {q.code: q for q in counts}
        self.clear_options()
        self.add_options([Option(_prompt(q), id=q.code) for q in counts])
        codes = list(self.counts)
        if keep in self.counts:
            self.highlighted = codes.index(keep)

    def label(self, code: str | None) -> str:
        if code is None:
            return _("All queues")
        queue = self.counts.get(code)
        return pick(queue.labels, code) if queue else code
