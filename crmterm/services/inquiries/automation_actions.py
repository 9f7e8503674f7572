"""What an automation rule does, action by action, each written at once (the next one sees it): priority,
attributes, child inquiries and business functions run through the transitions' runner
(transition_actions); `move` is a system move along the inquiry's route; `notify` sends the rule's own
notice (template `automation`). A failing action raises: services/routing/automation undoes the rule and logs it."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor
from crmterm.services.inquiries import inquiry_actions, system_moves
from crmterm.services.inquiries.transition_actions import run_actions
from crmterm.services.routing import automation, routing
from crmterm.services.sla import notifications, sla
from crmterm.store import AttributeDef, AutomationRule, Inquiry, InquiryValue, Party, Topic
from crmterm.workflow import engine, rules
from crmterm.workflow.automation import AutomationAction, expression_params, parse_actions

NOTICE = "automation"  # the notification template


def run(session: Session, actor: Actor, inquiry_id: int, rule: str, actions: list, context: dict) -> list[str]:
    """Run a rule's stored actions in order; returns a note per action for the inquiry's timeline."""
    parsed, problems = parse_actions(actions)
    if problems:  # checked when the rule was saved; a rule stored before a check was added is reported here
        raise ValidationError(*problems[0])
    return [_one(session, actor, inquiry_id, rule, action, context) for action in parsed]


def _one(session: Session, actor: Actor, inquiry_id: int, rule: str, action: AutomationAction,
         context: dict) -> str:
    inquiry = inquiry_actions.load(session, inquiry_id, lock=False)
    kind = action.kind()  # the one field that is set
    if kind == "move" and action.move is not None:
        return _move(session, actor, inquiry, rule, action.move, context)
    if kind == "notify" and action.notify is not None:
        return _notify(session, actor, inquiry, rule, action.notify, action.params, context)
    if kind == "function":
        action = action.model_copy(update={"params": _params(action.params, context)})
    codes = list(action.set or ())  # the attributes a `set` writes
    before = _values(session, inquiry_id, codes) if kind == "set" else {}
    changes, notes = run_actions(session, actor, inquiry, [action], context)
    if kind == "priority" and inquiry.state in engine.OPEN:
        changes |= sla.on_priority(session, inquiry, routing.current_step(session, inquiry),
                                   priority_id=changes["priority_id"])
    if kind in ("priority", "set"):
        inquiry_actions.write(session, actor, inquiry, changes)  # a new version: screens holding it reload
    if kind == "set":
        after = _values(session, inquiry_id, codes)
        changed = {code: [before.get(code), after.get(code)] for code in after if before.get(code) != after.get(code)}
        if changed:
            automation.fire(session, actor, inquiry_id, "attribute_changed", {"changes": changed, "rule": rule})
    return notes[0] if notes else kind


def _move(session: Session, actor: Actor, inquiry: Inquiry, rule: str, code: str, context: dict) -> str:
    route, named = system_moves.candidates(session, inquiry, lambda t: t.code == code)
    chosen = system_moves.first_passing(named, context)
    if chosen is None or route is None:  # a transition found means a route (candidates)
        reason = _("its condition does not hold") if named else _("no such transition from step '{step}'").format(
            step=inquiry.step or "—")
        raise ValidationError("move", _("cannot move inquiry {n} by '{code}': {reason}").format(
            n=inquiry.id, code=code, reason=reason))
    system_moves.move_along(session, actor, inquiry, route, chosen, context, cause={"rule": rule})
    return f"move {code}"


def _notify(session: Session, actor: Actor, inquiry: Inquiry, rule: str, notify: str, given: dict[str, Any],
            context: dict) -> str:
    recipient = notify if ":" in notify else f"list:{notify}"
    labels = session.exec(select(col(AutomationRule.labels)).where(AutomationRule.code == rule)).first()
    topic = session.exec(select(Topic.labels, Topic.code).where(Topic.id == inquiry.topic_id)).first()
    customer = session.exec(select(Party.display_name).where(Party.id == inquiry.party_id)).first() \
        if inquiry.party_id else None
    params = _params(given, context)
    data = {"inquiry_id": inquiry.id, "rule": labels or {"en": rule}, "event": context["event"]["on"],
            "topic": (topic[0] or {"en": topic[1]}) if topic else None, "customer": customer,
            "step": inquiry.step, "actor": actor.display_name or actor.login, "text": str(params.get("text") or "")}
    key = f"automation:{rule}:{inquiry.id}:v{inquiry.version}:{recipient}"  # once per rule and inquiry version
    queued = notifications.notify(session=session, event=NOTICE, recipients=[recipient], data=data, key=key,
                                  inquiry_id=inquiry.id)
    return f"notify {notify} ({len(queued)})"


def _params(params: dict[str, Any], context: dict) -> dict[str, Any]:
    """Params as given, those written `=EXPRESSION` computed from the rule's context."""
    computed = dict(params)
    for name, expression in expression_params(params).items():
        try:
            computed[name] = _plain(rules.evaluate(expression, context))
        except (ValueError, KeyError, TypeError, RuntimeError) as error:
            raise ValidationError(name, _("cannot compute '{expr}': {error}").format(expr=expression,
                                                                                    error=error)) from None
    return computed


def _plain(value: Any) -> Any:
    """CEL's own value types as plain Python (the plugin types them by its declaration)."""
    if isinstance(value, bool | int | float | str) or value is None:
        return value
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return str(value)


def _values(session: Session, inquiry_id: int, codes: list[str]) -> dict[str, str]:
    return dict(session.exec(select(AttributeDef.code, InquiryValue.value)
                             .join(InquiryValue, col(InquiryValue.attribute_id) == AttributeDef.id)
                             .where(InquiryValue.inquiry_id == inquiry_id, col(AttributeDef.code).in_(codes))).all())

