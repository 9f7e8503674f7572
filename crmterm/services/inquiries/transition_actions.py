"""What a transition does besides moving: set the priority or attributes, notify a mailing list, open a
child inquiry, call a business function. Returns the inquiry columns to change (written with the move, under
the same version check) and a note per action for the event log."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.services import integrations
from crmterm.services.accounts.permissions import Actor
from crmterm.services.inquiries import functions, inquiry_log, transition_notices
from crmterm.services.inquiries.inquiry_values import store_value
from crmterm.services.routing import automation, routing
from crmterm.services.topics.attribute_values import AMOUNT, BadValue, parse, to_text
from crmterm.store import AttributeDef, Inquiry, Priority, Topic
from crmterm.store.tables import saved_id
from crmterm.workflow.routes import ActionDef


def run_actions(session: Session, actor: Actor, inquiry: Inquiry, actions: list[ActionDef],
                context: dict) -> tuple[dict, list[str]]:
    changes: dict = {}
    notes: list[str] = []
    inquiry_id = saved_id(inquiry)
    for action in actions:
        kind = action.kind()  # the one field that is set, so each branch also says its field is not None
        if kind == "priority" and action.priority is not None:
            priority = session.exec(select(Priority).where(Priority.code == action.priority)).one()
            changes |= {"priority_id": priority.id, "priority_rank": priority.rank}
            notes.append(f"priority={priority.code}")
        elif kind == "set" and action.set is not None:
            _set_values(session, inquiry_id, action.set)
            notes.append("set " + ", ".join(sorted(action.set)))
        elif kind == "notify":
            queued = transition_notices.notify_list(session, actor, inquiry, actions, action)
            inquiry_log.record(session, inquiry_id, actor, "notified",
                               data={"mailing_list": action.notify, "notifications": queued})
            notes.append(f"notify {action.notify}")
        elif kind == "child" and action.child is not None:
            notes.append(f"child #{_child(session, actor, inquiry, action.child, context)}")
        elif kind == "function" and action.function is not None:
            result = functions.call(session=session, actor=actor, name=action.function, inquiry_id=inquiry_id,
                                    params=action.params)
            notes.append(f"{action.function}: {result}" if result else action.function)
    return changes, notes


def _set_values(session: Session, inquiry_id: int, values: dict) -> None:
    defs = {d.code: d for d in session.exec(select(AttributeDef).where(col(AttributeDef.code).in_(list(values))))}
    for code, raw in values.items():
        definition = defs[code]
        try:
            text = to_text(parse(definition.type, raw, decimals=AMOUNT))
        except BadValue as error:
            raise ValidationError(code, str(error)) from None
        store_value(session, inquiry_id, saved_id(definition), text)


def _child(session: Session, actor: Actor, parent: Inquiry, topic_code: str, context: dict) -> int:
    topic = session.exec(select(Topic).where(Topic.code == topic_code)).one()
    child = Inquiry(contact_id=parent.contact_id, party_id=parent.party_id, topic_id=saved_id(topic),
                    type=topic.inquiry_type, priority_id=topic.default_priority_id or parent.priority_id,
                    parent_id=parent.id, updated_by=actor.login)
    child.priority_rank = routing.priority_rank(session, child.priority_id)
    session.add(child)
    session.flush()
    child_id = saved_id(child)
    inquiry_log.record(session, child_id, actor, "created", contact_id=parent.contact_id,
                       data={"parent": parent.id})
    inquiry_log.record(session, saved_id(parent), actor, "child_created", data={"child": child_id})
    path = [row.code for row in routing.topic_path(session, topic.code)]
    routing.route_new(session, actor, child, path, {**context, "inquiry": {**context["inquiry"], "topic": topic.code,
                                                                           "topics": path}})
    integrations.inquiry_event(session, "inquiry.created", child_id, {"actor": actor.login, "parent": parent.id})
    automation.fire(session, actor, child_id, "created", {"parent": parent.id})
    return child_id
