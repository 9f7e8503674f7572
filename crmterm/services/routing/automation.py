"""Automation: on an inquiry event, the active rules listening to it whose condition holds run their actions.

`fire` is called where the events are logged (inquiry_actions, registration, queues.take_next,
inquiry_moves, system moves, external events, the SLA scan). Everything happens in the caller's
transaction, each rule in a savepoint: a rule that fails is undone and logged on the inquiry
(`automation_error`) while the action that raised the event still succeeds.

Loops: the rules firing in the current chain (a rule's actions raise events that fire rules, …) are kept
on the session. A rule about to fire a second time on the same inquiry within one chain, or a chain deeper
than MAX_DEPTH, is stopped and logged with the chain — the user's action is not failed.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlalchemy.exc import OperationalError
from sqlmodel import Session, col, select

from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor
from crmterm.services.routing import action_runner, routing
from crmterm.store import AutomationRule, Inquiry, InquiryEvent, config_cache
from crmterm.store.tables import saved_id
from crmterm.workflow import rules
from crmterm.workflow.automation import EVENTS, MAX_DEPTH

log = logging.getLogger("crmterm.automation")
_CHAIN = "crmterm.automation.chain"  # key in session.info: [(rule code, inquiry id), …] firing now
_HALTED = "crmterm.automation.halted"  # set when a chain was stopped: nothing more fires until it unwinds


@dataclass(frozen=True)
class _Rule:
    code: str
    condition: str
    actions: list


def fire(session: Session, actor: Actor, inquiry: Inquiry | int, event: str, data: dict | None = None, *,
         name: str | None = None) -> None:
    """Run the rules of `event` (one of workflow.automation.EVENTS) on an inquiry. Rules read `event.name`
    (`name`, default the event itself; an external event passes the other system's name) and `event.data`
    (`data`, what the event carries). Never raises for a rule's failure: that is logged instead."""
    if event not in EVENTS or session.info.get(_HALTED):
        return
    found = _rules(session, event)
    if not found:
        return
    inquiry_id = inquiry if isinstance(inquiry, int) else saved_id(inquiry)
    payload = {"name": name or event, "data": _plain(data or {}), "on": event}
    context = None
    for rule in found:
        if session.info.get(_HALTED):
            return
        context = context or _context(session, actor, inquiry_id, payload)
        if context is None:
            return  # no such inquiry (any more): nothing to automate
        if rules.holds(rules.normalise(rule.condition), context):
            _run(session, actor, inquiry_id, rule, context, payload)
            context = None  # the rule may have changed the inquiry: the next condition reads it afresh


def _rules(session: Session, event: str) -> tuple[_Rule, ...]:
    """The active rules of an event, read once per configuration state (store/config_cache): one action fires
    several events (created, moved, taken …) and registration is a hot path."""
    return config_cache.cached(session, ("automation_rules", event), lambda: tuple(_load_rules(session, event)))


def _load_rules(session: Session, event: str) -> list[_Rule]:
    rows = session.execute(select_rows(col(AutomationRule.code), col(AutomationRule.condition),
                                       col(AutomationRule.actions))
                           .where(col(AutomationRule.event) == event, col(AutomationRule.active).is_(True))
                           .order_by(col(AutomationRule.sort_order), col(AutomationRule.code))).all()
    return [_Rule(*row) for row in rows]


def _context(session: Session, actor: Actor, inquiry_id: int, payload: dict) -> dict | None:
    inquiry = session.exec(select(Inquiry).where(col(Inquiry.id) == inquiry_id)
                           .execution_options(populate_existing=True)).first()
    if inquiry is None:
        return None
    return {**routing.context_of(session, inquiry, actor), "event": payload}


def _plain(data: dict) -> dict:
    """What CEL can read: JSON types only (dates and decimals as text)."""
    return json.loads(json.dumps(data, default=str))


def _run(session: Session, actor: Actor, inquiry_id: int, rule: _Rule, context: dict, payload: dict) -> None:
    run_actions = action_runner.current()  # before the try: a wiring mistake is not a rule's failure
    running = session.info.setdefault(_CHAIN, [])
    link = (rule.code, inquiry_id)
    if link in running or len(running) >= MAX_DEPTH:
        _stopped(session, actor, inquiry_id, rule, payload, [*running, link])
        session.info[_HALTED] = True  # the rules of the chain finish what they began, none fires again
        return
    running.append(link)
    try:
        with session.begin_nested():
            ran = InquiryEvent(inquiry_id=inquiry_id, actor=actor.login, kind="automation",
                               text=rule.code, data={"rule": rule.code, "event": payload["on"],
                                                     "name": payload["name"]})
            session.add(ran)
            session.flush()  # logged before what its actions cause, so the timeline reads cause → effect
            notes = run_actions(session, actor, inquiry_id, rule.code, rule.actions, context)
            ran.data = {**ran.data, "actions": notes}
            ran.text = f"{rule.code}: {', '.join(notes)}"[:4000]  # what the timeline shows
    except OperationalError:
        raise  # a busy or lost database is the caller's to retry, not a rule's failure
    except Exception as error:  # noqa: BLE001 - a rule or a plugin must never fail the user's action
        _error(session, actor, inquiry_id, rule, payload, [*running], str(error) or type(error).__name__)
    finally:
        running.pop()
        if not running:
            session.info.pop(_HALTED, None)  # the chain is over: the next event starts afresh


def _stopped(session: Session, actor: Actor, inquiry_id: int, rule: _Rule, payload: dict,
             links: list[tuple[str, int]]) -> None:
    if (rule.code, inquiry_id) in links[:-1]:
        message = _("automation stopped: rule '{rule}' would fire again on inquiry {n}").format(
            rule=rule.code, n=inquiry_id)
    else:
        message = _("automation stopped: more than {n} rules fired in a chain").format(n=MAX_DEPTH)
    _error(session, actor, inquiry_id, rule, payload, links, message)


def _error(session: Session, actor: Actor, inquiry_id: int, rule: _Rule, payload: dict,
           links: list[tuple[str, int]], message: str) -> None:
    path = [f"{code}#{n}" for code, n in links]
    log.warning("inquiry %s, rule %s on %s: %s (chain %s)", inquiry_id, rule.code, payload["on"], message,
                " → ".join(path))
    session.add(InquiryEvent(inquiry_id=inquiry_id, actor=actor.login, kind="automation_error",
                             text=f"{message} ({' → '.join(path)})"[:4000],
                             data={"rule": rule.code, "event": payload["on"], "chain": path, "error": message}))
