"""System problems on the Register tab: the active ones that concern the caller (their region and service,
the chosen topic) shown above the form, and Ctrl+Y to link the current inquiry to one of them — the link is
made when the contact is saved. A mixin of RegisterPanel (it reads the panel's customer and drafts)."""

from __future__ import annotations

from textual import work

from crmterm.errors import CrmError
from crmterm.i18n import _
from crmterm.screens.register.register_part import RegisterPart
from crmterm.services.inquiries import problem_links
from crmterm.services.inquiries.problems import ProblemRead
from crmterm.widgets.problem_banner import ProblemBanner

_MATCHED_BY = (problem_links.REGION, problem_links.SERVICE)  # the form's values that narrow the problems


class ProblemLinking(RegisterPart):
    problems: list[ProblemRead] = []

    def load_problems(self) -> None:
        """What the worker needs, read here on the UI thread."""
        draft = self.drafts.draft
        values = {k: v for k, v in self._form_values().items() if k in _MATCHED_BY and v not in (None, "")}
        self._fetch_problems(self.customer.id if self.customer else None, self.subscriber,
                             draft.topic.code if draft.topic else None, values)

    @work(thread=True, exclusive=True, group="register-problems")
    def _fetch_problems(self, customer_id: int | None, subscriber: str | None, topic: str | None,
                        values: dict) -> None:
        try:
            found = self.app.gateway.call(problem_links.for_caller, customer_id=customer_id, subscriber=subscriber,
                                          topic=topic, values=values)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._problems_loaded, found)

    def _problems_loaded(self, found: list[ProblemRead]) -> None:
        self.problems = found
        self.show_problems()

    def show_problems(self) -> None:
        self.query_one(ProblemBanner).show(self.problems, self.drafts.draft.problem)

    def action_link_problem(self) -> None:
        """Ctrl+Y: none → the first problem → the next → … → none again."""
        draft = self.drafts.draft
        choices = [None, *(p.id for p in self.problems)]
        if len(choices) == 1 and draft.problem is None:
            self.app.notify(_("No active system problem concerns this call"), severity="warning")
            return
        at = choices.index(draft.problem) if draft.problem in choices else 0
        draft.problem = choices[(at + 1) % len(choices)]
        self.show_problems()
