"""`crmterm skill …`: agents' skills with levels (1 basic … 5 expert) for skills routing. The skills
themselves are a directory area (`crmterm config import`, the admin screen); queues and route steps require
them (their `skills` field), and take-next gives agents only the inquiries they are skilled for."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, pick
from crmterm.services.routing import agent_skills

app = typer.Typer(no_args_is_help=True, help="Agents' skills with levels (skills routing).")


@app.command("list")
def list_(ctx: typer.Context, login: str = typer.Argument(None, help="Only this user's skills."),
          as_json: bool = JSON_OPTION) -> None:
    """Every agent's skills with levels, or LOGIN's."""
    found = env_of(ctx).call(agent_skills.list_skills, login=login)
    if as_json:
        print_json(found)
        return
    print_table([s.model_dump() | {"name": pick(s.labels, s.skill)} for s in found],
                [("login", _("Login")), ("skill", _("Skill")), ("name", _("Name")), ("kind", _("Kind")),
                 ("level", _("Level"))])


@app.command("set")
def set_(ctx: typer.Context, login: str, skill: str,
         level: int = typer.Argument(..., help="1 (basic) … 5 (expert).")) -> None:
    """Give LOGIN the SKILL at LEVEL (or change the level)."""
    env_of(ctx).call(agent_skills.set_skill, login=login, skill=skill, level=level)
    out.print(_("{login}: {skill} at level {level}").format(login=login, skill=skill, level=level), markup=False)


@app.command("remove")
def remove(ctx: typer.Context, login: str, skill: str) -> None:
    """Take SKILL away from LOGIN."""
    env_of(ctx).call(agent_skills.remove_skill, login=login, skill=skill)
    out.print(_("{login}: {skill} removed").format(login=login, skill=skill), markup=False)
