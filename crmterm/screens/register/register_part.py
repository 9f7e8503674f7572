"""What the mix-ins of RegisterPanel share, declared once for the type checker.

RegisterPanel (register.py) is assembled from mix-ins, one per concern (contact, inquiry, drafts kept, system
problems, scripts, knowledge base), that read the panel's state and call each other. Each derives from
`RegisterPart`: the panel's widget to the checker, a plain object at run time (see widgets/host.WidgetPart),
with the state they share and the methods they call across mix-ins declared here, so none of them reads an
attribute nobody declares. The methods are declarations only (under TYPE_CHECKING): the mix-in named beside
each defines it, and the checker holds that definition to the declaration.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crmterm.widgets.host import WidgetPart

if TYPE_CHECKING:
    from textual.worker import Worker

    from crmterm.screens.register.register_drafts import Drafts
    from crmterm.services.customers.customer_search import SearchHit
    from crmterm.services.inquiries.inquiries import Activity
    from crmterm.services.topics.topics import TemplateChoice, TopicNode
    from crmterm.widgets.topic_picker import Topics


class RegisterPart(WidgetPart):
    """The Register tab's state and its mix-ins' shared methods."""

    # set by RegisterPanel.__init__
    drafts: Drafts  # the inquiries of the contact being registered
    customer: SearchHit | None  # the caller, once found
    subscriber: str | None  # the caller's service number, when the search found one
    activity: Activity | None  # the caller's open inquiries and last contacts
    template: TemplateChoice | None  # the contact template the form started from
    _initial: dict | None  # the form's state before a language switch re-rendered it
    # set by ContactFields once the choices are loaded (InquiryEditing starts it at None)
    topics: Topics | None
    suggested: list[TopicNode]  # the template's topics, on Alt+1…9

    if TYPE_CHECKING:
        # ContactFields
        def _value(self, widget_id: str) -> str | None: ...
        def rule_context(self) -> dict: ...
        async def _restore(self, state: dict) -> None: ...
        # InquiryEditing
        def _form_values(self) -> dict: ...
        def _keep_current(self) -> None: ...
        def load_form(self, node: TopicNode, values: dict) -> None: ...
        async def show_draft(self) -> None: ...
        def _show_extras(self) -> None: ...
        # ProblemLinking
        def load_problems(self) -> None: ...
        # KbDrafting
        def kb_refresh(self) -> None: ...
        # DraftKeeping
        def start_keeping(self) -> None: ...
        def offer_kept_draft(self) -> Worker[None]: ...
        # RegisterPanel
        def _set_customer(self, hit: SearchHit | None, subscriber: str | None, person: str | None = None) -> None: ...
