"""A compact warning on the registration form: the active system problems that concern the caller (a few
lines at most) and the one the current inquiry will be linked to. Hidden when there is nothing to say."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from crmterm.i18n import _, fmt_datetime
from crmterm.services.inquiries.problems import ProblemRead
from crmterm.text import visible
from crmterm.widgets.safe_text import plain

SHOWN = 3  # problems listed; the rest are counted


class ProblemBanner(Static):
    def show(self, problems: list[ProblemRead], linked: int | None) -> None:
        self.display = bool(problems) or linked is not None
        self.set_class(linked is not None, "-linked")
        self.update(render(problems, linked) if self.display else "")


def render(problems: list[ProblemRead], linked: int | None) -> Text:
    if linked is not None:
        title = next((p.title for p in problems if p.id == linked), "")
        head = _("✓ This inquiry will be linked to system problem #{n} {title} (Ctrl+Y: another or none)")
        text = plain(head.format(n=linked, title=title), style="bold")
    else:
        text = plain(_("⚠ System problems — Ctrl+Y links this inquiry to one:"), style="bold")
    for problem in problems[:SHOWN]:
        mark = "→" if problem.id == linked else " "
        line = f"\n{mark} #{problem.id} {problem.title} · " + _("since {start}").format(
            start=fmt_datetime(problem.starts_at))
        if problem.expected_end_at:
            line += " · " + _("expected end {end}").format(end=fmt_datetime(problem.expected_end_at))
        text.append(visible(line), style="not bold")
    if len(problems) > SHOWN:
        text.append("\n  " + _("… and {n} more").format(n=len(problems) - SHOWN), style="not bold")
    return text
