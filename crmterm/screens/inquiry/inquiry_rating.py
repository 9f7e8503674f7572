"""The customer's rating asked at the end of a call (issue 29, item 5): V on the inquiry screen takes the
satisfaction score 1–5 and, after a space, the 0–10 "would you recommend us" (e.g. "5 9"); kept by
services/retention/surveys and counted in `crmterm report csat|nps`."""

from __future__ import annotations

from textual import work
from textual.binding import Binding

from crmterm.errors import CrmError
from crmterm.i18n import N_, _
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.screens.inquiry.inquiry_part import InquiryPart
from crmterm.services.retention import surveys

RATING_BINDING = Binding("v", "rate", N_("Customer's rating"), id="inquiry.rate", show=False)


def parse_rating(text: str) -> tuple[int, int | None] | None:
    """'5' or '5 9' → (score, nps); anything else None."""
    parts = text.split()
    if not 1 <= len(parts) <= 2 or not all(p.isdecimal() for p in parts):
        return None
    return int(parts[0]), int(parts[1]) if len(parts) == 2 else None


class InquiryRating(InquiryPart):
    def action_rate(self) -> None:
        def typed(text: str | None) -> None:
            if text is None:
                return
            rating = parse_rating(text)
            if rating is None:
                self.app.notify(_("Type the score 1–5, then optionally the 0–10 recommendation, e.g. 5 9"),
                                severity="error")
                return
            self.record_rating(*rating)

        self.app.push_screen(PromptScreen(_("Customer's rating: 1–5 and, optionally, 0–10 (e.g. 5 9)")), typed)

    @work(thread=True, group="inquiry-rating")
    def record_rating(self, score: int, nps: int | None) -> None:
        try:
            self.app.gateway.call(surveys.record_survey, inquiry_id=self.inquiry_id, score=score, nps=nps)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.app.notify, _("Rating recorded"))
