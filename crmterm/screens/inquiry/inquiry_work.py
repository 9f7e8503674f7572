"""Moving an inquiry from its screen: the action menu of the moves the services offer the user now, the
direct keys for the common ones, what each move asks for first (a note, a resolution, a login, a queue, a
deadline), and one worker that makes the move under the version the screen loaded, so a concurrent change
is reported ("changed by … at …") instead of overwritten. A mixin of InquiryScreen."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime

from textual import work

from crmterm.errors import Conflict, CrmError
from crmterm.i18n import N_, _, pick
from crmterm.screens.inquiry.assign_dialog import AssignScreen
from crmterm.screens.inquiry.inquiry_dialogs import Ask, AskScreen, MenuScreen
from crmterm.screens.inquiry.inquiry_part import InquiryPart
from crmterm.services.directory import directory
from crmterm.services.inquiries import inquiries, inquiry_actions
from crmterm.services.inquiries.assignees import assignees
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.inquiries.inquiry_moves import MoveOption
from crmterm.services.topics.attribute_values import BadValue, parse

SUPERVISING = "assign"  # offered only to who supervises the queue: then deadline and priority are too
EXTRAS = {"deadline": N_("Change deadline"), "priority": N_("Change priority")}
DIRECT = {"take": N_("take"), "start": N_("start"), "return": N_("return to queue")}  # the direct keys' moves
_NOTE = Ask("text", N_("Note (optional)"))

# What a move asks for before it is made, and how the answers become the service's arguments.
ASKS: dict[str, tuple[Callable, list[Ask], Callable[[dict], dict]]] = {
    "close": (inquiry_actions.close, [Ask("resolution", N_("Resolution"), required=True)], lambda a: a),
    "return": (inquiry_actions.return_to_queue, [_NOTE], lambda a: a),
    "reopen": (inquiry_actions.reopen, [_NOTE], lambda a: a),
    "cancel": (inquiry_actions.cancel, [Ask("text", N_("Reason"), required=True)], lambda a: a),
    "deadline": (inquiry_actions.set_deadline, [Ask("due", N_("New deadline"), True, "2026-12-01 18:00"),
                                                Ask("reason", N_("Reason"), required=True)],
                 lambda a: {"due_at": parse("datetime", a["due"]), "reason": a["reason"]}),
}


def entry_id(option: MoveOption) -> str:
    return f"move:{option.transition}" if option.move == "move" else option.move


class InquiryWork(InquiryPart):
    _assign_retry: tuple | None = None  # what the assign dialog held, shown again if the assignment fails

    # --- choosing ------------------------------------------------------------------------------------
    def entry_label(self, option: MoveOption) -> str:
        if option.move != "move":
            return option.label[:1].upper() + option.label[1:]
        return "→ " + option.label + (" ✓" if option.closes else "")

    def _entries(self, only_transitions: bool = False) -> list[tuple[str, str]]:
        chosen = [o for o in self.moves if o.move == "move" or not only_transitions]
        entries = [(entry_id(o), self.entry_label(o)) for o in chosen]
        if not only_transitions and any(o.move == SUPERVISING for o in self.moves):
            entries += [(key, _(label)) for key, label in EXTRAS.items()]
        return entries

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The keys of moves not possible now (and Save in a step that edits nothing) leave the footer, so
        what is left fits and tells what can be done; A still lists every move."""
        if action == "do" and parameters:
            return any(o.move == parameters[0] for o in self.moves)
        if action == "moves":
            return any(o.move == "move" for o in self.moves)
        if action == "resolve":
            return any(o.move == "close" or (o.move == "move" and o.closes) for o in self.moves)
        if action == "save":
            return bool(self.view.edit)
        return super().check_action(action, parameters)

    def action_actions(self) -> None:
        self._menu(_("Actions on inquiry #{n}").format(n=self.inquiry_id), self._entries())

    def action_moves(self) -> None:
        self._menu(_("Move inquiry #{n}").format(n=self.inquiry_id), self._entries(only_transitions=True))

    def _menu(self, title: str, entries: list[tuple[str, str]]) -> None:
        if self.inquiry is None:
            return
        if not entries:
            self.app.notify(_("No moves for you now"), severity="warning")
            return
        def chosen(move: str | None) -> None:
            if move:
                self.start_move(move)

        self.app.push_screen(MenuScreen(title, entries), chosen)

    def action_do(self, move: str) -> None:
        if self.inquiry is not None:
            self.start_move(move)

    def action_resolve(self) -> None:
        """Close: outright where the user may, else by the step's transition into a final step."""
        if self.inquiry is None:
            return
        closing = next((o for o in self.moves if o.move == "close"), None) or next(
            (o for o in self.moves if o.move == "move" and o.closes), None)
        if closing is None:
            self.app.notify(_("Inquiry #{n} cannot be closed by you now").format(n=self.inquiry_id),
                            severity="warning")
            return
        self.start_move(entry_id(closing), resolution_required=True)

    # --- asking what a move needs ------------------------------------------------------------------------
    def start_move(self, chosen: str, resolution_required: bool = False) -> None:
        option = next((o for o in self.moves if entry_id(o) == chosen), None)
        if option is None and chosen not in EXTRAS:
            self.app.notify(_("Not possible now: {move}. A shows what is").format(
                move=_(DIRECT.get(chosen, chosen))), severity="warning")
        elif self.form.changes():
            self.app.notify(_("Save the changed attributes first (Ctrl+S)"), severity="warning")
        elif chosen in ("take", "start") and option is not None:
            self.run(getattr(inquiry_actions, chosen), self.entry_label(option))
        elif option is not None and option.move == "move":
            self._ask_move(option, resolution_required)
        elif chosen == "assign" and option is not None:
            self.load_assignees(self.entry_label(option))
        elif chosen in ASKS:
            self._ask_for(chosen, self.entry_label(option) if option else _(EXTRAS[chosen]))
        else:  # transfer, priority: a choice from the directory
            self.pick(chosen, self.entry_label(option) if option else _(EXTRAS[chosen]))

    def _ask_for(self, chosen: str, label: str) -> None:
        service, lines, arguments = ASKS[chosen]
        self._ask(label, [replace(line, label=_(line.label)) for line in lines],
                  lambda answers: self.run(service, label, **arguments(answers)),
                  check=_check_deadline if chosen == "deadline" else None)

    def _ask_move(self, option: MoveOption, resolution_required: bool) -> None:
        if option.closes:
            line = Ask("text", _("Resolution"), required=resolution_required,
                       placeholder="" if resolution_required else option.label)
        else:
            line = replace(_NOTE, label=_(_NOTE.label))
        self._ask(option.label, [line], lambda a: self.run(inquiry_actions.move, option.label,
                                                            transition=option.transition, text=a["text"]))

    def _ask(self, title: str, lines: list[Ask], then: Callable[[dict], None], check=None) -> None:
        heading = _("#{n}: {action}").format(n=self.inquiry_id, action=title)
        def answered(answers: dict[str, str] | None) -> None:
            if answers is not None:
                then(answers)

        self.app.push_screen(AskScreen(heading, lines, check), answered)

    @work(thread=True, group="inquiry-pick")
    def pick(self, chosen: str, label: str) -> None:
        kind = {"transfer": "queues", "priority": "priorities"}[chosen]
        try:
            entries = self.app.gateway.call(directory.list_entries, kind=kind, active_only=True)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        ordered = sorted(entries, key=lambda e: (e.values.get("sort_order") or 0, e.values.get("rank") or 0))
        choices = [(e.key, _pick_label(e.values)) for e in ordered]
        self.app.call_from_thread(self._picked, chosen, label, choices)

    def _picked(self, chosen: str, label: str, choices: list[tuple[str, str]]) -> None:
        if not self.is_attached:
            return
        def then(code: str | None) -> None:
            if code and chosen == "transfer":
                self.run(inquiry_actions.transfer, label, queue=code)
            elif code:
                self.run(inquiry_actions.set_priority, label, priority=code)
        heading = _("#{n}: {action}").format(n=self.inquiry_id, action=label)
        self.app.push_screen(MenuScreen(heading, choices), then)

    @work(thread=True, group="inquiry-pick")
    def load_assignees(self, label: str) -> None:
        try:
            people = self.app.gateway.call(assignees, inquiry_id=self.inquiry_id)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._ask_assignee, label, people)

    def _ask_assignee(self, label: str, people: list, note: str = "", search: str = "", problem: str = "") -> None:
        if not self.is_attached:
            return
        def then(answer: dict | None) -> None:
            if answer is not None:  # a refusal brings the dialog back as it was (see _failed)
                self._assign_retry = (label, people, answer["text"], answer["search"])
                self.run(inquiry_actions.assign, label, login=answer["login"], text=answer["text"])
        heading = _("#{n}: {action}").format(n=self.inquiry_id, action=label)
        self.app.push_screen(AssignScreen(heading, people, note, search, problem), then)

    # --- making the move -----------------------------------------------------------------------------------
    def run(self, service, label: str, **params) -> None:
        if self.inquiry is None:  # never: a move is offered only once the inquiry is loaded
            return
        if service is not inquiry_actions.assign:
            self._assign_retry = None
        self._run(service, label, self.inquiry.version, params)

    @work(thread=True, exclusive=True, group="inquiry-action")
    def _run(self, service, label: str, version: int, params: dict) -> None:
        try:
            moved = self.app.gateway.call(service, inquiry_id=self.inquiry_id, expected_version=version, **params)
        except CrmError as error:
            self.app.call_from_thread(self._failed, error)
            return
        self.app.call_from_thread(self._moved, moved, label)

    def _moved(self, moved, label: str) -> None:
        self._assign_retry = None
        where = [moved.step, moved.queue if moved.queue != moved.step else None, moved.assignee]
        self.app.notify(_("#{n} {action}: {state}").format(n=moved.id, action=label, state=state_label(moved.state))
                        + "".join(f" · {part}" for part in where if part))
        if self.is_attached:
            self.load()

    def _failed(self, error: CrmError) -> None:
        self.app.notify(str(error), severity="error", timeout=10)
        if isinstance(error, Conflict) and self.is_attached:
            self.load()  # show what changed meanwhile
        retry, self._assign_retry = self._assign_retry, None
        if retry is not None and not isinstance(error, Conflict):  # the note typed is not lost
            label, people, note, search = retry
            self._ask_assignee(label, people, note, search, str(error))

    # --- comments and the parent -----------------------------------------------------------------------------
    def action_comment(self) -> None:
        def answered(text: str | None) -> None:
            if text:
                self.add_comment(text)
        self.app.push_screen(self.comment_prompt(), answered)

    def action_public_comment(self) -> None:
        """A comment the customer reads in the portal (C); plain comments (c) are internal notes."""
        def answered(text: str | None) -> None:
            if text:
                self.add_comment(text, public=True)
        self.app.push_screen(self.comment_prompt(), answered)

    @work(thread=True, group="inquiry-comment")
    def add_comment(self, text: str, public: bool = False) -> None:
        try:
            self.app.gateway.call(inquiries.comment, inquiry_id=self.inquiry_id, text=text, public=public)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        if public:
            self.app.call_from_thread(self.app.notify, _("Public comment: the customer sees it in the portal"))
        self.app.call_from_thread(self.load)


def _check_deadline(answers: dict[str, str]) -> dict[str, str]:
    """Said in the dialog, where it can be corrected; the service refuses a past deadline as well."""
    try:
        due = parse("datetime", answers["due"])
    except BadValue as error:
        return {"due": str(error)}
    if due <= datetime.now(UTC):
        return {"due": _("already past: give a later date and time")}
    return {}


def _pick_label(values: dict) -> str:
    return f"{pick(values.get('labels'), values.get('code', ''))}  ({values.get('code', '')})"
