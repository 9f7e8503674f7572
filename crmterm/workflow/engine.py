"""The inquiry life-cycle of DESIGN.md §5 as an Enum-driven state machine, and the route decisions that
need no database: which moves a state allows, which queue a step picks, which transitions a context passes.

    registered ─route─▶ waiting ─take─▶ taken ─start─▶ in_progress
    taken|in_progress ─move─▶ waiting (next step) | closed (final step);  ─return─▶ waiting (registered
    when it has no queue)
    closed ─reopen─▶ waiting;  any open state ─cancel─▶ cancelled

The services (services/inquiries/inquiry_actions) apply a move in one transaction: role, version, guard, event.
"""

from __future__ import annotations

from enum import StrEnum

from crmterm.errors import Conflict
from crmterm.i18n import N_, _
from crmterm.workflow import rules
from crmterm.workflow.routes import RouteDefinition, StepDef, TransitionDef


class State(StrEnum):
    REGISTERED = "registered"  # not (yet) routed: its topic has no route
    WAITING = "waiting"
    TAKEN = "taken"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Move(StrEnum):
    ROUTE = "route"
    TAKE = "take"
    START = "start"
    MOVE = "move"
    RETURN = "return"
    TRANSFER = "transfer"
    ASSIGN = "assign"
    CLOSE = "close"
    REOPEN = "reopen"
    CANCEL = "cancel"


STATE_LABELS = {  # for the catalogue: screens show states through state_label
    "registered": N_("registered"), "waiting": N_("waiting"), "taken": N_("taken"),
    "in_progress": N_("in progress"), "reopened": N_("reopened"), "closed": N_("closed"),
    "cancelled": N_("cancelled"),
}


def state_label(state: str) -> str:
    return _(STATE_LABELS.get(state, state))


MOVE_LABELS = {
    Move.ROUTE: N_("route"), Move.TAKE: N_("take"), Move.START: N_("start"), Move.MOVE: N_("move"),
    Move.RETURN: N_("return to queue"), Move.TRANSFER: N_("transfer"), Move.ASSIGN: N_("assign"),
    Move.CLOSE: N_("close"), Move.REOPEN: N_("reopen"), Move.CANCEL: N_("cancel"),
}

OPEN = frozenset({State.REGISTERED, State.WAITING, State.TAKEN, State.IN_PROGRESS})
ASSIGNED = frozenset({State.TAKEN, State.IN_PROGRESS})

ALLOWED: dict[State, frozenset[Move]] = {
    State.REGISTERED: frozenset({Move.ROUTE, Move.TRANSFER, Move.ASSIGN, Move.CLOSE, Move.CANCEL}),
    State.WAITING: frozenset({Move.TAKE, Move.TRANSFER, Move.ASSIGN, Move.CLOSE, Move.CANCEL}),
    State.TAKEN: frozenset({Move.START, Move.MOVE, Move.RETURN, Move.TRANSFER, Move.ASSIGN, Move.CLOSE,
                            Move.CANCEL}),
    State.IN_PROGRESS: frozenset({Move.MOVE, Move.RETURN, Move.TRANSFER, Move.ASSIGN, Move.CLOSE, Move.CANCEL}),
    State.CLOSED: frozenset({Move.REOPEN}),
    State.CANCELLED: frozenset(),
}

class IllegalMove(Conflict):
    """A move the inquiry's state does not allow; names the state and what is allowed instead."""

    def __init__(self, inquiry_id: int | None, state: str, move: Move, allowed: list[str] | None = None) -> None:
        names = allowed if allowed is not None else sorted(_(MOVE_LABELS[m]) for m in ALLOWED[State(state)])
        super().__init__(_("inquiry {n} is {state}: cannot {move}; allowed: {allowed}").format(
            n=inquiry_id, state=state_label(state), move=_(MOVE_LABELS[move]), allowed=", ".join(names) or "—"))


def check(inquiry_id: int | None, state: str, move: Move) -> None:
    if move not in ALLOWED[State(state)]:
        raise IllegalMove(inquiry_id, state, move)


def choose_queue(step: StepDef, context: dict) -> str | None:
    """The first queue whose rule holds (a rule that cannot be evaluated does not hold)."""
    for choice in step.queue_rules():
        if rules.holds(rules.normalise(choice.when), context):
            return choice.queue
    return None


def passing(route: RouteDefinition, step: str | None, context: dict) -> list[TransitionDef]:
    return [t for t in route.outgoing(step) if rules.holds(rules.normalise(t.guard), context)]


def closing(route: RouteDefinition, step: str | None, context: dict) -> TransitionDef | None:
    """The first passing transition into a final step: what "close" means inside a route."""
    return next((t for t in passing(route, step, context) if route.known_step(t.target).final), None)
