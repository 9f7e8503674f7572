"""Saving a finished script walk on an inquiry: the walk is replayed here from the agent's choices (a
client never dictates the score), captured values are checked like any attribute value and written, the
script's decisions set the priority and queue, and the timeline gets one "script" event."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import can_supervise, queue_by_code
from crmterm.services.customers import customer_card
from crmterm.services.inquiries import inquiry_actions, inquiry_log
from crmterm.services.inquiries.inquiry_values import store_value
from crmterm.services.knowledge.scripts import RunSpec, by_id, run_spec, topic_code, typed_capture
from crmterm.services.routing import live, routing
from crmterm.services.sla import sla
from crmterm.services.topics import attribute_checks
from crmterm.services.topics.attribute_forms import effective_attributes
from crmterm.services.topics.attribute_values import BadValue, to_text
from crmterm.store import Priority, Queue, ScriptRun, utcnow
from crmterm.store.tables import saved_id
from crmterm.workflow import engine
from crmterm.workflow.script_walk import Walk, WalkError, decide
from crmterm.workflow.scripts import Capture, Question, Statement


class RunRead(BaseModel):
    id: int
    inquiry_id: int
    script: str
    number: int
    score: int
    outcome: str | None
    path: list
    captures: dict
    decisions: dict
    actor: str


def replay(spec: RunSpec, choices: list[Any]) -> Walk:
    """A walk from the agent's choices: answer numbers, "read" for statements, capture text as typed."""
    walk = spec.walk()
    try:
        for choice in choices:
            node = walk.node
            if isinstance(node, Question):
                walk.answer(int(choice))
            elif isinstance(node, Statement):
                walk.proceed()
            elif isinstance(node, Capture):
                text = choice[1] if isinstance(choice, list | tuple) else choice
                walk.capture(typed_capture(spec.field_of(node), "" if text is None else str(text)))
    except (WalkError, BadValue, ValueError, TypeError) as error:
        raise ValidationError(getattr(walk.node, "id", None), str(error)) from None
    return walk


def save_run(*, session: Session, actor: Actor, inquiry_id: int, script_id: int, choices: list[Any]) -> RunRead:
    require(actor, Permission.INQUIRIES_WRITE)
    inquiry = inquiry_actions.load(session, inquiry_id)
    # as for editing values: a run writes values, priority and queue, so someone else's inquiry is refused
    queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
    if inquiry.assignee_id not in (None, actor.id) and not can_supervise(actor, queue):
        raise PermissionDenied(_("inquiry {n} is assigned to someone else").format(n=inquiry.id))
    script = by_id(session, script_id)
    spec = run_spec(session=session, actor=actor, script=script,
                    context=routing.context_of(session, inquiry, actor))
    walk = replay(spec, choices)
    if not walk.finished:
        raise ValidationError(walk.node.id, _("the script is not finished"))
    captures = _write_captures(session, actor, inquiry, walk)
    decision = decide(walk)
    decisions = _apply_decisions(session, actor, inquiry, decision)
    run = ScriptRun(inquiry_id=inquiry_id, script_id=script_id, path=_path(walk), score=walk.score,
                    outcome=walk.outcome, captures=captures, decisions=decisions, actor=actor.login)
    session.add(run)
    text = _("script {name} v{n}: score {score}, outcome {outcome}").format(
        name=script.label, n=script.number, score=walk.score, outcome=walk.outcome)
    inquiry_log.record(session, inquiry_id, actor, "script", text=text, data={
        "script": script.code, "number": script.number, "score": walk.score, "outcome": walk.outcome,
        "captures": captures, "decisions": decisions, "steps": list(walk.path)})  # the timeline names them
    session.flush()
    return RunRead(id=run.id, inquiry_id=inquiry_id, script=script.code, number=script.number, score=walk.score,
                   outcome=walk.outcome, path=run.path, captures=captures, decisions=decisions, actor=actor.login)


def _path(walk: Walk) -> list[dict]:
    """Each node passed and what was chosen there, readable without the script at hand."""
    steps, choices = [], iter(walk.choices)
    for node_id in walk.path:
        node = walk.document.node(node_id)
        step: dict[str, Any] = {"node": node_id}
        if isinstance(node, Question | Capture | Statement) and node_id != walk.node.id:
            choice = next(choices, None)
            if isinstance(node, Question):
                step["answer"] = walk.answers.get(node_id, str(choice))
            elif isinstance(node, Capture):
                step["value"] = to_text(choice[1]) if isinstance(choice, tuple) else None
        steps.append(step)
    return steps


def _write_captures(session: Session, actor: Actor, inquiry, walk: Walk) -> dict[str, str | None]:
    nodes = [n for n in walk.document.nodes if isinstance(n, Capture) and n.attribute in walk.captures]
    inquiry_raw = {n.attribute: walk.captures[n.attribute] for n in nodes if n.target == "inquiry"}
    written: dict[str, str | None] = {}
    if inquiry_raw:
        written |= _inquiry_values(session, actor, inquiry, inquiry_raw)
    for node in (n for n in nodes if n.target == "customer"):
        if inquiry.party_id is None:
            raise ValidationError(node.id, _("the inquiry has no customer to write '{code}' to").format(
                code=node.attribute))
        text = to_text(walk.captures[node.attribute])
        customer_card.set_attribute(session=session, actor=actor, party_id=inquiry.party_id, code=node.attribute,
                                    value=text, source="script")
        written[f"customer.{node.attribute}"] = text
    return written


def _inquiry_values(session: Session, actor: Actor, inquiry, raw: dict[str, Any]) -> dict[str, str | None]:
    """Checked by the topic's form like a typed-in value (type, list membership); other fields untouched."""
    topic = topic_code(session, inquiry.topic_id)
    form = effective_attributes(session=session, actor=actor, topic=topic)
    checked = attribute_checks.check_values(session=session, actor=actor, form=form,
                                            raw={code: to_text(v) for code, v in raw.items()},
                                            customer_id=inquiry.party_id)
    for code in raw:
        if code in checked.errors:
            raise ValidationError(code, checked.errors[code])
    fields = {f.code: f for f in form.fields}  # every code in `raw` is one: check_values refused the others
    written = {}
    for code in raw:
        text = to_text(checked.values[code])
        store_value(session, inquiry.id, fields[code].attribute_id, text)
        written[code] = text
    return written


def _apply_decisions(session: Session, actor: Actor, inquiry, decision) -> dict[str, str]:
    """Priority and queue are applied to an open inquiry (the script is the admin's rule, so no supervisor
    is needed); a topic is only suggested to the agent."""
    applied = {k: v for k, v in (("priority", decision.priority), ("queue", decision.queue),
                                 ("topic", decision.topic)) if v}
    changes: dict[str, Any] = {}
    if inquiry.state in engine.OPEN:
        step = routing.current_step(session, inquiry)
        priority = session.exec(select(Priority).where(Priority.code == decision.priority)).first() \
            if decision.priority else None
        if priority is not None and priority.id != inquiry.priority_id:
            changes |= {"priority_id": priority.id, "priority_rank": priority.rank,
                        **sla.on_priority(session, inquiry, step, priority_id=saved_id(priority))}
        queue = queue_by_code(session, decision.queue) if decision.queue else None
        if queue is not None and queue.id != inquiry.queue_id:
            changes |= {"state": engine.State.WAITING, "assignee_id": None, "queue_id": queue.id,
                        **sla.on_transfer(session, inquiry, step, now=utcnow())}
    old_queue = inquiry.queue_id
    inquiry_actions.write(session, actor, inquiry, changes)  # the version moves even without changes
    live.announce(session, changes.get("queue_id", old_queue))
    if changes.get("queue_id", old_queue) != old_queue:
        live.announce(session, old_queue)
    return applied


def runs_of(*, session: Session, actor: Actor, inquiry_id: int) -> list[RunRead]:
    require(actor, Permission.INQUIRIES_READ)
    rows = session.exec(select(ScriptRun).where(ScriptRun.inquiry_id == inquiry_id).order_by(col(ScriptRun.id)))
    found = []
    for row in rows:
        script = by_id(session, row.script_id)
        found.append(RunRead(id=row.id, inquiry_id=row.inquiry_id, script=script.code, number=script.number,
                             score=row.score, outcome=row.outcome, path=row.path, captures=row.captures,
                             decisions=row.decisions, actor=row.actor))
    return found
