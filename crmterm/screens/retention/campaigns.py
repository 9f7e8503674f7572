"""Campaigns (Alt+T or "Campaigns" in the command palette): the campaigns on the left with their progress, the
call in hand on the right — customer, phone, offer and the script's first questions. N takes the next call of
the selected campaign (claimed for the agent alone); then A accepted, R reached, X refused, B call back (when
asked), U no answer record the attempt as an outbound contact and free the agent for the next one."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.moments import typed_moment
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.services.retention import campaign_calls, campaigns
from crmterm.services.retention.campaign_calls import CallRead
from crmterm.services.retention.campaigns import CampaignRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen

STATE_LABELS = {"draft": N_("draft"), "running": N_("running"), "closed": N_("closed")}
OUTCOME_LABELS = {"accepted": N_("accepted the offer"), "reached": N_("reached"), "refused": N_("refused"),
                  "callback": N_("call back"), "no_answer": N_("no answer")}


class CampaignsScreen(CrmScreen[None]):
    CSS_PATH = "retention.tcss"
    BINDINGS = [
        Binding("escape", "app.pop_screen", N_("Back"), id="campaigns.back"),
        Binding("n", "next_call", N_("Next call"), id="campaigns.next"),
        Binding("a", "record('accepted')", N_("Accepted"), id="campaigns.accepted"),
        Binding("r", "record('reached')", N_("Reached"), id="campaigns.reached"),
        Binding("x", "record('refused')", N_("Refused"), id="campaigns.refused"),
        Binding("b", "callback", N_("Call back"), id="campaigns.callback"),
        Binding("u", "record('no_answer')", N_("No answer"), id="campaigns.no_answer", show=False),
        Binding("f5", "reload", N_("Reload"), id="campaigns.reload", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: list[CampaignRead] = []
        self.call: CallRead | None = None

    def compose(self) -> ComposeResult:
        yield Label(_("Campaigns"), id="campaigns-title", markup=False)
        with Horizontal(id="campaigns-body"):
            yield OptionList(id="campaigns-list")
            yield Static(_("N takes the next call of the selected campaign."), id="campaign-call", markup=False)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="campaigns")
    def _load(self) -> None:
        try:
            found = self.app.gateway.call(campaigns.list_campaigns)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._loaded, found)

    def _loaded(self, found: list[CampaignRead]) -> None:
        listed = self.query_one("#campaigns-list", OptionList)
        keep = listed.highlighted
        self.found = found
        listed.clear_options()
        listed.add_options(Option(f"{visible(c.name)}  {_(STATE_LABELS.get(c.state, c.state))} · {c.done}/{c.calls}",
                                  id=c.code) for c in found)
        if found:
            listed.highlighted = keep if keep is not None and keep < len(found) else 0
        listed.focus()

    def _selected(self) -> str | None:
        listed = self.query_one("#campaigns-list", OptionList)
        if listed.highlighted is None or not self.found:
            return None
        return self.found[listed.highlighted].code

    def action_next_call(self) -> None:
        code = self._selected()
        if code is not None:
            self._take(code)

    @work(thread=True, exclusive=True, group="campaign-call")
    def _take(self, code: str) -> None:
        try:
            found = self.app.gateway.call(campaign_calls.next_call, code=code)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._show, found)

    def _show(self, found: CallRead | None) -> None:
        self.call = found
        panel = self.query_one("#campaign-call", Static)
        if found is None:
            panel.update(_("No call is due in this campaign."))
            return
        lines = [_("Call #{id}: {customer}").format(id=found.id, customer=visible(found.customer)),
                 f"{_('Phone')}: {found.phone or '—'}", f"{_('E-mail')}: {visible(found.email or '—')}",
                 f"{_('Attempts')}: {found.attempts}    {_('Last outcome')}: "
                 f"{_(OUTCOME_LABELS[found.outcome]) if found.outcome else '—'}",
                 f"{_('Offer')}: {visible(found.offer) or '—'}", ""]
        if found.script_lines:
            lines += [f"{_('Script')}: {visible(found.script_lines[0])}",
                      *(f"  • {visible(q)}" for q in found.script_lines[1:])]
        lines += ["", _("A accepted · R reached · X refused · B call back · U no answer")]
        panel.update("\n".join(lines))

    def action_record(self, outcome: str) -> None:
        if self.call is not None:
            self._record(self.call.id, outcome, None)

    def action_callback(self) -> None:
        if self.call is None:
            return
        call_id = self.call.id

        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                self._record(call_id, "callback", typed_moment(text, "callback_at"))
            except ValidationError as error:
                self.app.notify(str(error), severity="error")

        self.app.push_screen(PromptScreen(_("Call back when? (YYYY-MM-DD HH:MM)")), answered)

    @work(thread=True, exclusive=True, group="campaign-call")
    def _record(self, call_id: int, outcome: str, callback_at) -> None:
        try:
            self.app.gateway.call(campaign_calls.record_attempt, call_id=call_id, outcome=outcome,
                                  callback_at=callback_at)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._recorded, outcome)

    def _recorded(self, outcome: str) -> None:
        self.app.notify(_("Recorded: {outcome}").format(outcome=_(OUTCOME_LABELS[outcome])))
        self.call = None
        self.query_one("#campaign-call", Static).update(_("N takes the next call of the selected campaign."))
        self.action_reload()

    @on(OptionList.OptionHighlighted, "#campaigns-list")
    def _campaign_changed(self) -> None:
        if self.call is not None and self.call.campaign != self._selected():
            self._show(None)
