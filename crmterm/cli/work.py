"""`crmterm callback add | list | done | cancel`, `crmterm task add | list | done` and `crmterm work`: callbacks
promised to customers, to-dos, and the one merged work list (services/work)."""

from __future__ import annotations

from datetime import datetime

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime
from crmterm.moments import typed_moment
from crmterm.services.work import callback_done, callbacks, my_work, tasks
from crmterm.services.work.callbacks import CallbackRead

callback_app = typer.Typer(help="Callbacks: calls promised to customers in a time window.", no_args_is_help=True)
task_app = typer.Typer(help="Tasks: to-dos for an agent or a queue.", no_args_is_help=True)
AGENT = typer.Option(None, "--agent", metavar="LOGIN", help="Whose work (default: yours; another agent's needs "
                     "inquiries.supervise).")
QUEUE = typer.Option(None, "--queue", metavar="CODE", help="A queue's work instead of one agent's.")


def _moment(text: str | None, field: str) -> datetime | None:
    return typed_moment(text, field) if text else None


@callback_app.command("add")
def add_callback(ctx: typer.Context, customer: int = typer.Argument(..., help="The customer's number."),
                 number: str = typer.Option(..., "--number", help="The phone number to call."),
                 start: str = typer.Option(..., "--from", metavar="ISO", help="The window opens (local time)."),
                 end: str = typer.Option(..., "--to", metavar="ISO", help="The window closes (local time)."),
                 agent: str = AGENT, queue: str = QUEUE,
                 inquiry: int = typer.Option(None, "--inquiry", help="The inquiry the call is about."),
                 note: str = typer.Option("", "--note", help="What to call about."),
                 as_json: bool = JSON_OPTION) -> None:
    """Schedule a callback to CUSTOMER at --number between --from and --to."""
    found = env_of(ctx).call(callbacks.schedule, customer=customer, number=number,
                             window_from=typed_moment(start, "from"), window_to=typed_moment(end, "to"),
                             agent=agent, queue=queue, inquiry=inquiry, note=note)
    print_json(found) if as_json else _print_callbacks([found])


@callback_app.command("list")
def list_callbacks(ctx: typer.Context, mine: bool = typer.Option(False, "--mine", help="Yours and your queues' "
                                                                "(the default)."),
                   queue: str = typer.Option(None, "--queue", metavar="CODE", help="One queue's."),
                   every: bool = typer.Option(False, "--all", help="Everyone's (supervisors)."),
                   due: bool = typer.Option(False, "--due", help="Only those whose window has started."),
                   as_json: bool = JSON_OPTION) -> None:
    """Scheduled callbacks, the soonest window first."""
    scope = "queue" if queue else "all" if every and not mine else "mine"
    found = env_of(ctx).call(callbacks.callbacks, scope=scope, queue=queue, due=due)
    if as_json:
        print_json(found)
    elif not found:
        out.print(_("No callbacks"), markup=False)
    else:
        _print_callbacks(found)


def _print_callbacks(rows: list[CallbackRead]) -> None:
    print_table([{"id": r.id, "customer": f"{r.customer} ({r.customer_id})", "number": r.number,
                  "window": f"{fmt_datetime(r.window_from)} – {fmt_datetime(r.window_to)}",
                  "whose": r.agent or r.queue or "", "state": _(callbacks.STATE_LABELS[r.state]),
                  "overdue": r.overdue, "note": r.note} for r in rows],
                [("id", "#"), ("customer", _("Customer")), ("number", _("Number")), ("window", _("Window")),
                 ("whose", _("Agent or queue")), ("state", _("State")), ("overdue", _("Overdue")),
                 ("note", _("Note"))])


@callback_app.command("done")
def done_callback(ctx: typer.Context, callback_id: int,
                  topic: str = typer.Option(None, "--topic", help="Topic of the call (needed when the callback "
                                                                   "has no open inquiry)."),
                  text: str = typer.Option("", "--text", help="What was said (default: the callback's note)."),
                  template: str = typer.Option(None, "--template", help="Your contact template (place)."),
                  as_json: bool = JSON_OPTION) -> None:
    """Register the outbound call that keeps callback ID and mark it done; prints the contact's number."""
    done = env_of(ctx).call(callback_done.complete, callback_id=callback_id, topic=topic, text=text,
                            template=template)
    if as_json:
        print_json(done)
        return
    out.print(_("Contact {contact} registered (inquiry {inquiry}); callback {n} done").format(
        contact=done.contact_id, inquiry=done.inquiry_id, n=done.callback_id), markup=False)


@callback_app.command("cancel")
def cancel_callback(ctx: typer.Context, callback_id: int, as_json: bool = JSON_OPTION) -> None:
    """Cancel a scheduled callback."""
    found = env_of(ctx).call(callbacks.cancel, callback_id=callback_id)
    print_json(found) if as_json else out.print(_("Callback {n} cancelled").format(n=found.id), markup=False)


@callback_app.command("reschedule")
def reschedule_callback(ctx: typer.Context, callback_id: int,
                        start: str = typer.Option(..., "--from", metavar="ISO", help="The new window opens."),
                        end: str = typer.Option(..., "--to", metavar="ISO", help="The new window closes."),
                        as_json: bool = JSON_OPTION) -> None:
    """Give a scheduled callback a new window (it may escalate again when that one passes too)."""
    found = env_of(ctx).call(callbacks.reschedule, callback_id=callback_id, window_from=typed_moment(start, "from"),
                             window_to=typed_moment(end, "to"))
    print_json(found) if as_json else _print_callbacks([found])


@task_app.command("add")
def add_task(ctx: typer.Context, title: str,
             due: str = typer.Option(None, "--due", metavar="ISO", help="When it must be done (local time)."),
             priority: str = typer.Option(None, "--priority", metavar="CODE", help="A priority's code."),
             agent: str = AGENT, queue: str = QUEUE,
             customer: int = typer.Option(None, "--customer", help="The customer it is about."),
             inquiry: int = typer.Option(None, "--inquiry", help="The inquiry it is about."),
             as_json: bool = JSON_OPTION) -> None:
    """Add a task TITLE (yours unless --agent or --queue)."""
    found = env_of(ctx).call(tasks.add_task, title=title, due_at=_moment(due, "due"), priority=priority,
                             agent=agent, queue=queue, customer=customer, inquiry=inquiry)
    print_json(found) if as_json else _print_tasks([found])


@task_app.command("list")
def list_tasks(ctx: typer.Context, every: bool = typer.Option(False, "--all", help="Everyone's (supervisors)."),
               as_json: bool = JSON_OPTION) -> None:
    """Open tasks, yours and your queues', the most urgent first."""
    found = env_of(ctx).call(tasks.tasks, everyone=every)
    if as_json:
        print_json(found)
    elif not found:
        out.print(_("No open tasks"), markup=False)
    else:
        _print_tasks(found)


def _print_tasks(rows: list[tasks.TaskRead]) -> None:
    print_table([{"id": t.id, "title": t.title, "due": fmt_datetime(t.due_at), "priority": t.priority or "",
                  "whose": t.agent or t.queue or "", "inquiry": t.inquiry_id or ""} for t in rows],
                [("id", "#"), ("title", _("Task")), ("due", _("Due")), ("priority", _("Priority")),
                 ("whose", _("Agent or queue")), ("inquiry", _("Inquiry"))])


@task_app.command("done")
def done_task(ctx: typer.Context, task_id: int, as_json: bool = JSON_OPTION) -> None:
    """Mark task ID done."""
    found = env_of(ctx).call(tasks.finish_task, task_id=task_id)
    print_json(found) if as_json else out.print(_("Task {n} done").format(n=found.id), markup=False)


def work(ctx: typer.Context, login: str = typer.Option(None, "--login", help="Another agent's list "
                                                        "(supervisors)."),
         as_json: bool = JSON_OPTION) -> None:
    """My work: held inquiries, mail awaiting a reply, due callbacks and open tasks, most urgent first."""
    found = env_of(ctx).call(my_work.my_work, login=login)
    if as_json:
        print_json(found)
        return
    if not found:
        out.print(_("Nothing to do"), markup=False)
        return
    print_table([{"kind": _(my_work.KIND_LABELS[i.kind]), "id": i.id, "title": i.title, "customer": i.customer,
                  "deadline": fmt_datetime(i.deadline), "overdue": i.overdue} for i in found],
                [("kind", _("Kind")), ("id", "#"), ("title", _("What")), ("customer", _("Customer")),
                 ("deadline", _("Deadline")), ("overdue", _("Overdue"))])
