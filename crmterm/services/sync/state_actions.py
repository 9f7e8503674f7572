"""Route actions made offline on pulled inquiries — take, start, return to queue, a move along a transition, and
a supervisor's assign, transfer, reopen and cancel — pushed in the order they were made, each as an action the
server performs through its own inquiry action services as the token's user: its rules decide again, and a
refusal is shown as a "refused" conflict (as for close, which the journal finds from the row's state).

They are read from the inquiry's events, not from the row: a node pulls no events, so every event it holds was
made on it, and an event names the action and its transition, which the state alone does not (take, then
return, leaves the state as it was). An event is pushed once: its id is part of the change."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.services.sync.changes import Change
from crmterm.store import InquiryEvent
from crmterm.store.sync import LOCAL_BASE

# The event an action writes -> the action the server is asked to perform
ACTIONS = {"taken": "take", "started": "start", "returned": "return", "moved": "move", "assigned": "assign",
           "transferred": "transfer", "reopened": "reopen", "cancelled": "cancel"}
# Every action that changes an inquiry's state (close is found from the state; a comment changes none)
STATE_ACTIONS = frozenset({*ACTIONS.values(), "close"})


def offline_actions(session: Session) -> list[Change]:
    """Every route action made here on a pulled inquiry, oldest first (the caller drops the journalled ones)."""
    events = session.exec(select(InquiryEvent).where(col(InquiryEvent.kind).in_(list(ACTIONS)),
                                                     col(InquiryEvent.inquiry_id) < LOCAL_BASE)
                          .order_by(col(InquiryEvent.id)))
    return [action_of(event, event.inquiry_id) for event in events]


def action_of(event: InquiryEvent, inquiry_id: int) -> Change:
    """The action an event records, on the server's inquiry `inquiry_id`."""
    data = event.data or {}  # a move names its transition; an assign its user, a transfer its queue ("to")
    return Change("inquiry", inquiry_id, "action", ACTIONS[event.kind], None,
                  {"event": event.id, "transition": data.get("transition"), "to": data.get("to"), "text": event.text},
                  None)
