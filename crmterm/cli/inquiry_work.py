"""Queue work from the command line: `crmterm inquiry list | take | start | move | return | close | assign |
transfer | reopen | cancel | deadline | edit` and `crmterm queue list`. Every command prints the inquiry's new
state (or one JSON document with --json)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, entry_names, env_of, out, print_json, print_table
from crmterm.cli.inquiry import app
from crmterm.errors import ValidationError
from crmterm.i18n import _, fmt_datetime, pick
from crmterm.moments import typed_moment
from crmterm.services.directory import directory
from crmterm.services.inquiries import inquiry_actions, inquiry_moves
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.platform import archive_read
from crmterm.services.routing import agent_skills, queues, saved_filters
from crmterm.services.routing.queues import InquiryFilter
from crmterm.services.topics.attribute_checks import sample_values

queue_app = typer.Typer(help="Queues: the ones you work, with counts.", no_args_is_help=True)
TEXT_OPTION = typer.Option("", "--text", "-t", help="A note for the inquiry's history.")
VERSION_OPTION = typer.Option(None, "--version", help="Fail if the inquiry changed since this version.")


def _done(result: inquiry_actions.Moved, as_json: bool) -> None:
    if as_json:
        print_json(result)
        return
    where = " · ".join(p for p in (result.step, result.queue, result.assignee) if p)
    out.print(f"#{result.id}: {state_label(result.state)}" + (f" ({where})" if where else ""), markup=False)


def _queue_names(ctx: typer.Context) -> dict[str, str]:
    return {q.code: pick(q.labels, q.code) for q in env_of(ctx).call(queues.my_queues)}


@app.command("list")
def list_inquiries(ctx: typer.Context, queue: str = typer.Option(None, "--queue", "-q"),
                   state: str = typer.Option("open", "--state", "-s", help=", ".join(queues.STATE_FILTERS)),
                   assignee: str = typer.Option(None, "--assignee", help="A login, or 'me'."),
                   priority: str = typer.Option(None, "--priority"), topic: str = typer.Option(None, "--topic"),
                   customer: int = typer.Option(None, "--customer"),
                   overdue: bool = typer.Option(False, "--overdue", help="Only inquiries past their deadline."),
                   sort: str = typer.Option("work", "--sort", help="work (priority, deadline, age) | due | age"),
                   descending: bool = typer.Option(False, "--desc"),
                   limit: int = typer.Option(queues.PAGE, "--limit", min=1, max=1000),
                   after: str = typer.Option(None, "--after", help="The cursor a previous page printed."),
                   archived: bool = typer.Option(False, "--archived", help="Archived inquiries instead, by "
                                                 "number (state: closed, cancelled, else both)."),
                   saved: str = typer.Option(None, "--filter", help="A saved filter's name (yours or shared with "
                                             "you) instead of the options above (`crmterm filter`)."),
                   as_json: bool = JSON_OPTION) -> None:
    """Inquiries by queue, state, assignee, … one keyset page at a time (`--after` the printed cursor)."""
    import json

    where = InquiryFilter(queue=queue, state=state, assignee=assignee, priority=priority, topic=topic,
                          customer=customer, overdue=overdue)
    if saved:
        where = env_of(ctx).call(saved_filters.get_filter, name=saved).where
    try:
        cursor = json.loads(after) if after else None
    except (ValueError, RecursionError):  # broken, too deep, or a number beyond Python's digit limit
        raise ValidationError("after", _("not a page cursor")) from None
    if archived:
        found = env_of(ctx).call(archive_read.archived_page, where=where, descending=descending, after=cursor,
                                 limit=limit)
    else:
        found = env_of(ctx).call(queues.page, where=where, sort=sort, descending=descending, after=cursor,
                                 limit=limit)
    if as_json:
        print_json(found)
        return
    priorities = entry_names(ctx, "priorities")
    queue_names = _queue_names(ctx) if found.rows else {}
    # names, not codes, for people (as the Queues tab shows them); --json keeps the codes
    print_table([r.model_dump() | {"topic": pick(r.topic_labels, r.topic), "state": state_label(r.state),
                                   "due_at": fmt_datetime(r.due_at) if r.due_at else "—",
                                   "priority": priorities.get(r.priority or "", r.priority),
                                   "step": r.step_label or r.step, "queue": queue_names.get(r.queue or "", r.queue),
                                   "overdue": r.overdue} for r in found.rows],
                [("id", "#"), ("priority", _("Priority")), ("due_at", _("Deadline")), ("overdue", _("Overdue")),
                 ("topic", _("Topic")), ("customer", _("Customer")), ("state", _("State")), ("step", _("Step")),
                 ("queue", _("Queue")), ("assignee", _("Assignee"))])
    if found.cursor:
        out.print(_("More: --after '{c}'").format(c=json.dumps(found.cursor)), markup=False)


@app.command("take")
def take(ctx: typer.Context, inquiry_id: int = typer.Argument(None, help="This inquiry; without it, the next."),
         queue: str = typer.Option(None, "--queue", "-q", help="Take the next waiting inquiry of this queue."),
         as_json: bool = JSON_OPTION) -> None:
    """Take an inquiry, or the next one of a queue (priority, then deadline, then age)."""
    env = env_of(ctx)
    if inquiry_id is not None:
        _done(env.call(inquiry_actions.take, inquiry_id=inquiry_id), as_json)
        return
    if not queue:
        raise ValidationError("queue", _("give an inquiry number or --queue"))

    def take_next(session, actor):
        taken = queues.take_next(session=session, actor=actor, queue=queue)
        return inquiry_actions.moved(session, taken) if taken else None

    result = env.run(take_next)
    if result is None:
        if as_json:
            print_json(None)
        else:
            out.print(_("Nothing is waiting in {q}").format(q=queue), markup=False)
        return
    _done(result, as_json)


@app.command("start")
def start(ctx: typer.Context, inquiry_id: int, version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Mark a taken inquiry as in progress."""
    _done(env_of(ctx).call(inquiry_actions.start, inquiry_id=inquiry_id, expected_version=version), as_json)


@app.command("move")
def move(ctx: typer.Context, inquiry_id: int, transition: str = typer.Option(..., "--transition", "-T"),
         text: str = TEXT_OPTION, version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Move along a transition of the inquiry's route (its condition must hold)."""
    _done(env_of(ctx).call(inquiry_actions.move, inquiry_id=inquiry_id, transition=transition, text=text,
                           expected_version=version), as_json)


@app.command("return")
def return_(ctx: typer.Context, inquiry_id: int, text: str = TEXT_OPTION, version: int = VERSION_OPTION,
            as_json: bool = JSON_OPTION) -> None:
    """Give a taken inquiry back to its queue."""
    _done(env_of(ctx).call(inquiry_actions.return_to_queue, inquiry_id=inquiry_id, text=text,
                           expected_version=version), as_json)


@app.command("close")
def close(ctx: typer.Context, inquiry_id: int, resolution: str = typer.Option(..., "--resolution", "-r"),
          version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Close with a resolution (inside a route: by its transition into a final step)."""
    _done(env_of(ctx).call(inquiry_actions.close, inquiry_id=inquiry_id, resolution=resolution,
                           expected_version=version), as_json)


@app.command("assign")
def assign(ctx: typer.Context, inquiry_id: int, login: str, text: str = TEXT_OPTION,
           version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Make LOGIN responsible for the inquiry (supervisors)."""
    _done(env_of(ctx).call(inquiry_actions.assign, inquiry_id=inquiry_id, login=login, text=text,
                           expected_version=version), as_json)


@app.command("transfer")
def transfer(ctx: typer.Context, inquiry_id: int, queue: str, text: str = TEXT_OPTION,
             version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Put the inquiry into another queue (supervisors)."""
    _done(env_of(ctx).call(inquiry_actions.transfer, inquiry_id=inquiry_id, queue=queue, text=text,
                           expected_version=version), as_json)


@app.command("reopen")
def reopen(ctx: typer.Context, inquiry_id: int, text: str = TEXT_OPTION, version: int = VERSION_OPTION,
           as_json: bool = JSON_OPTION) -> None:
    """Reopen a closed inquiry: back into the queue of the step it was closed in (supervisors)."""
    _done(env_of(ctx).call(inquiry_actions.reopen, inquiry_id=inquiry_id, text=text, expected_version=version),
          as_json)


@app.command("cancel")
def cancel(ctx: typer.Context, inquiry_id: int, text: str = typer.Option(..., "--text", "-t", help="The reason."),
           version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Cancel an open inquiry, giving the reason (supervisors)."""
    _done(env_of(ctx).call(inquiry_actions.cancel, inquiry_id=inquiry_id, text=text, expected_version=version),
          as_json)


@app.command("deadline")
def deadline(ctx: typer.Context, inquiry_id: int, when: str = typer.Argument(..., help="ISO date and time."),
             reason: str = typer.Option(..., "--reason"), version: int = VERSION_OPTION,
             past: bool = typer.Option(False, "--past", help="Accept a deadline that is already past."),
             as_json: bool = JSON_OPTION) -> None:
    """Change an inquiry's deadline, giving the reason (supervisors); a past one needs --past."""
    due = typed_moment(when, "when")
    _done(env_of(ctx).call(inquiry_actions.set_deadline, inquiry_id=inquiry_id, due_at=due, reason=reason,
                           expected_version=version, allow_past=past), as_json)


@app.command("edit")
def edit(ctx: typer.Context, inquiry_id: int,
         attr: list[str] = typer.Option(..., "--attr", help="CODE=VALUE, repeatable; an empty VALUE clears."),
         version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Change attribute values the inquiry's current step lets you edit (as the inquiry screen does)."""
    _done(env_of(ctx).call(inquiry_moves.update_values, inquiry_id=inquiry_id, values=sample_values(attr, "--attr"),
                           expected_version=version), as_json)


@queue_app.command("list")
def list_queues(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Your queues with waiting, taken and overdue counts (supervisors: every queue)."""
    found = env_of(ctx).call(queues.my_queues)
    if as_json:
        print_json(found)
        return
    print_table([q.model_dump() | {"name": pick(q.labels, q.code)} for q in found],
                [("code", _("Code")), ("name", _("Queue")), ("waiting", _("Waiting")), ("taken", _("Taken")),
                 ("overdue", _("Overdue"))])


@queue_app.command("staffing")
def staffing(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Per queue: its members logged in now and how many of them have its required skills (supervisors)."""
    found = env_of(ctx).call(agent_skills.staffing)
    if as_json:
        print_json(found)
        return
    print_table([q.model_dump() | {"name": pick(q.labels, q.code), "needs": _skills_text(q.skills)} for q in found],
                [("code", _("Code")), ("name", _("Queue")), ("needs", _("Required skills")),
                 ("online", _("Logged in")), ("can_take", _("Can take"))])


@queue_app.command("skills")
def queue_skills(ctx: typer.Context, queue: str,
                 required: list[str] = typer.Argument(None, help="SKILL=LEVEL … (none: show what QUEUE requires)."),
                 clear: bool = typer.Option(False, "--clear", help="Require no skills.")) -> None:
    """Show or set the skills QUEUE requires (replacing what it required); route steps: `config import`."""
    env = env_of(ctx)
    if required or clear:
        wanted = dict(_requirement(text) for text in required or [])
        env.call(directory.update_entry, kind="queues", key=queue, values={"skills": wanted},
                 expected_version=None, source="cli")
    skills = env.call(directory.get_entry, kind="queues", key=queue).values.get("skills") or {}
    out.print(f"{queue}: {_skills_text(skills)}", markup=False)


def _requirement(text: str) -> tuple[str, int]:
    code, _sep, level = text.partition("=")
    if not code or not level.strip().isdecimal():
        raise ValidationError("skills", _("write SKILL=LEVEL, e.g. en=3"))
    return code.strip(), int(level)


def _skills_text(skills: dict[str, int]) -> str:
    return ", ".join(f"{code} ≥ {level}" for code, level in skills.items()) or "—"
