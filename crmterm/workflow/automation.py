"""Automation rules without the database: the events a rule can listen to, its actions and their checks.

A rule says: on EVENT, when CONDITION (CEL over the inquiry's context plus `event.name` / `event.data`)
holds, run ACTIONS in order. The actions are a route transition's (services/inquiries/transition_actions runs them)
plus `move`: along a transition of the inquiry's route, as a system move (no assignee needed).
Running them, and stopping loops, is services/routing/automation.
"""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError as PydanticError

from crmterm.i18n import N_, _
from crmterm.workflow.routes import ACTION_KINDS, ActionDef

EVENTS = ("created", "moved", "taken", "sla_warning", "sla_breach", "attribute_changed", "closed", "reopened",
          "external")
EVENT_LABELS = {
    "created": N_("inquiry created"), "moved": N_("moved to another step"), "taken": N_("taken"),
    "sla_warning": N_("deadline is near"), "sla_breach": N_("deadline passed"),
    "attribute_changed": N_("attributes changed"), "closed": N_("closed"), "reopened": N_("reopened"),
    "external": N_("event from another system"),
}
AUTOMATION_ACTION_KINDS = (*ACTION_KINDS, "move")

# A chain of rules firing each other is cut at this depth, and as soon as one rule would fire a second time
# on the same inquiry within the chain (A moves → B moves back → A …).
MAX_DEPTH = 8


class AutomationAction(ActionDef):
    """A transition's action, or `move: TRANSITION` along the inquiry's route. In `params`, a text starting
    with '=' is a CEL expression over the rule's context (e.g. `balance: =event.data.balance`)."""

    move: str | None = None

    def kind(self) -> str:
        given = [name for name in AUTOMATION_ACTION_KINDS if getattr(self, name) is not None]
        return given[0] if len(given) == 1 else ""


def parse_actions(raw: Any) -> tuple[list[AutomationAction], list[tuple[str, str]]]:
    """The actions of a rule and its problems as (where, message): `actions[2]`, "unknown field"."""
    if raw is None or raw == []:
        return [], [("actions", _("give at least one action"))]
    if not isinstance(raw, list):
        return [], [("actions", _("expected a list of actions"))]
    actions, problems = [], []
    for index, item in enumerate(raw):
        where = f"actions[{index + 1}]"
        try:
            action = AutomationAction.model_validate(item)
        except PydanticError as error:
            first = error.errors()[0]
            field = ".".join(str(p) for p in first["loc"])
            message = _("unknown field") if first["type"] == "extra_forbidden" else first["msg"]
            problems.append((f"{where} {field}".strip(), message))
            continue
        if not action.kind():
            problems.append((where, _("give exactly one of: {kinds}").format(
                kinds=", ".join(AUTOMATION_ACTION_KINDS))))
        actions.append(action)
    return actions, problems


def expression_params(params: dict) -> dict[str, str]:
    """The params that are CEL expressions, without their '='."""
    return {name: value[1:].strip() for name, value in params.items()
            if isinstance(value, str) and value.startswith("=")}
