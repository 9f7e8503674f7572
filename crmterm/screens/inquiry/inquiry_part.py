"""What the mix-ins of InquiryScreen read of it, declared once for the type checker.

InquiryScreen (inquiry_view.py) is assembled from mix-ins: InquiryWork (moves), InquiryArticles (knowledge
base) and InquiryResponses (the response library). Each derives from `InquiryPart`: the screen to the
checker, a plain object at run time (see widgets/host.ScreenPart), with what the screen sets and the screen
methods they call declared here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmterm.widgets.host import ScreenPart

if TYPE_CHECKING:
    from textual.worker import Worker

    from crmterm.screens.common.dialogs import PromptScreen
    from crmterm.screens.inquiry.inquiry_form import StepFormView
    from crmterm.services.inquiries.inquiries import InquiryRead
    from crmterm.services.inquiries.inquiry_moves import MoveOption, StepView


class InquiryPart(ScreenPart):
    """The inquiry screen's state, as InquiryScreen.__init__ and its loading set it."""

    inquiry_id: int  # the inquiry shown
    inquiry: InquiryRead | None  # as last loaded; None until the first load answers
    moves: list[MoveOption]  # what the user may do with it now
    view: StepView  # what its step shows and lets edit

    if TYPE_CHECKING:
        @property
        def form(self) -> StepFormView: ...  # the step's attribute form

        def load(self) -> Worker[None]: ...  # (re)load the inquiry in a worker and show it

        def add_comment(self, text: str) -> Worker[None]: ...  # InquiryWork: save a comment in a worker

        def comment_prompt(self, value: str = "") -> PromptScreen: ...  # InquiryResponses: the comment line
