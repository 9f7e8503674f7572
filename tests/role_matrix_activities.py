"""The role matrix's declared table, sales activities part (issue 26, item 4): like opportunities, a seller's
own (sales.work), every one for sales.read, changed by anyone for sales.supervise. Builders make the activity the
call needs, owned by the caller when the caller sells (else by the demo agent, so a refused caller is refused on
someone's real target)."""

from __future__ import annotations

from datetime import UTC, datetime

from role_matrix_calls import Entry, World
from role_matrix_sales import SALES_READER, _seller
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.sales import activities, activity_calls, activity_demo, activity_reminders

_AT = datetime(2030, 3, 4, 9, 0, tzinfo=UTC)


def _activity(session: Session, world: World, actor: Actor | None, kind: str = "call") -> int:
    return activities.create_activity(session=session, actor=_seller(world, actor), kind=kind, title="Matrix",
                                      starts_at=_AT, party_id=world.party).id


ACTIVITY_ENTRIES = [
    Entry(activities.create_activity, P.SALES_WORK, lambda s, w, a: {"kind": "task", "title": "New",
                                                                     "starts_at": _AT}),
    Entry(activities.get_activity, SALES_READER, lambda s, w, a: {"activity_id": _activity(s, w, a)}),
    Entry(activities.list_activities, SALES_READER),
    Entry(activities.complete_activity, P.SALES_WORK, lambda s, w, a: {"activity_id": _activity(s, w, a)}),
    Entry(activities.reschedule_activity, P.SALES_WORK, lambda s, w, a: {"activity_id": _activity(s, w, a),
                                                                         "starts_at": _AT}),
    Entry(activity_calls.register_call, P.SALES_WORK, lambda s, w, a: {"activity_id": _activity(s, w, a),
                                                                       "topic": "tariff_info"}),
    Entry(activity_reminders.remind_activities, P.SALES_WORK),
    Entry(activity_demo.seed_demo_activities, P.CONFIG_IMPORT),
]

# Called by the entries above after their own role check.
ACTIVITY_EXEMPT = {
    "activities.changeable": "the open activity a checked change changes (its ownership rule after the role)",
    "activities.touch": "bumps the version of a checked change",
    "activity_plans.on_stage_entered": "the planned activities of a stage a checked opportunity move entered",
}
