"""Automation rules as a directory area: the generic directory service, audit, config as code and the admin
forms handle them. Here: the checks of a rule's actions — every priority, attribute, recipient, topic and
business function it names must exist, and computed params (`=EXPRESSION`) must be valid CEL."""

from __future__ import annotations

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.services.directory.validation import RefExists
from crmterm.services.routing import routing_ports
from crmterm.store import AutomationRule
from crmterm.workflow import rules
from crmterm.workflow.automation import EVENTS, AutomationAction, expression_params, parse_actions

_RECIPIENT_KINDS = {"list": "mailing_lists", "user": "users", "group": "user_groups"}


def refine_rule(document: dict, ref_exists: RefExists) -> dict:
    """The actions checked and written in their shortest form (so an export imports back unchanged)."""
    actions, problems = parse_actions(document["actions"])
    for index, action in enumerate(actions):
        problems += [(f"actions[{index + 1}]", message) for message in _action_problems(action, ref_exists)]
    if problems:
        where, message = problems[0]
        more = _(" (and {n} more)").format(n=len(problems) - 1) if len(problems) > 1 else ""
        raise ValidationError("actions", f"{where}: {message}{more}")
    return {**document, "actions": [a.model_dump(exclude_defaults=True) for a in actions]}


def _action_problems(action: AutomationAction, ref_exists: RefExists) -> list[str]:
    kind, found = action.kind(), []

    def need(ref_kind: str, code: str, what: str) -> None:
        if not ref_exists(ref_kind, str(code)):
            found.append(_("unknown {what} '{code}'").format(what=what, code=code))

    # kind() names the one field given, so each branch's field is set (the `is not None` tells the type checker)
    if kind == "priority" and action.priority is not None:
        need("priorities", action.priority, _("priority"))
    elif kind == "set" and action.set is not None:
        for code in action.set:
            need("attributes", code, _("attribute"))
    elif kind == "notify" and action.notify is not None:
        prefix, _sep, code = action.notify.rpartition(":")
        if prefix and prefix not in _RECIPIENT_KINDS:
            found.append(_("notify a mailing list, list:CODE, user:LOGIN or group:CODE"))
        else:
            need(_RECIPIENT_KINDS[prefix or "list"], code, _("recipient"))
    elif kind == "child" and action.child is not None:
        need("topics", action.child, _("topic"))
    elif kind == "function":
        found += _function_problems(action)
    elif kind == "move" and action.move is not None and not action.move.strip():
        found.append(_("name the transition to move along"))
    for name, expression in expression_params(action.params).items():
        found += [f"params.{name}: {p}" for p in rules.problems(expression)]
    return found


def _function_problems(action: AutomationAction) -> list[str]:
    if action.function is None or action.function not in routing_ports.function_names():
        return [_("no business function '{name}' is installed").format(name=action.function)]
    try:
        fn = routing_ports.load_function(action.function)
        routing_ports.typed_params(fn, action.params, computed=frozenset(expression_params(action.params)))
    except ValidationError as error:
        return [f"params.{error}"]
    except Exception as error:  # noqa: BLE001 - a plugin that cannot be imported is a problem of the rule
        return [_("business function '{name}' cannot be loaded: {error}").format(name=action.function,
                                                                                error=error)]
    return []


AUTOMATION_KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("automation", N_("Automation rules"), AutomationRule, (
        FieldSpec("event", N_("On event"), "choice", required=True, choices=EVENTS, default="created"),
        FieldSpec("condition", N_("Condition (CEL; event.name and event.data are the event's)"), "rule",
                  default="true", max_length=2000),
        FieldSpec("actions", N_("Actions (YAML, e.g. - {priority: high} - {notify: supervisors} - {move: "
                                "escalate})"), "document", required=True, default=[]),
    ), refine=refine_rule),
)}
