"""`crmterm activity new | list | show | done | call | reschedule | remind`: sales activities — calls, meetings and
tasks on a seller's calendar (services/sales)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime
from crmterm.moments import typed_day, typed_moment
from crmterm.services.sales import activities, activity_calls, activity_reminders
from crmterm.services.sales.activities import ActivityRead

app = typer.Typer(no_args_is_help=True, help="Sales activities: calls, meetings and tasks on a calendar.")

_COLUMNS = [("id", "#"), ("when", _("When")), ("kind", _("Kind")), ("title", _("Title")),
            ("customer", _("Customer")), ("owner", _("Owner")), ("state", _("State"))]


def _state(found: ActivityRead) -> str:
    return _("overdue") if found.overdue else found.state


def show(found: ActivityRead, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    out.print(f"#{found.id} {found.kind}: {found.title}", markup=False)
    for label, value in ((_("When"), f"{fmt_datetime(found.starts_at)} ({found.duration} min)"),
                         (_("State"), _state(found)), (_("Customer"), found.customer or "—"),
                         (_("Opportunity"), f"#{found.opportunity_id} {found.opportunity}" if found.opportunity_id
                          else "—"),
                         (_("Owner"), found.owner or "—"), (_("Outcome"), found.outcome or "—"),
                         (_("Contact"), f"#{found.contact_id}" if found.contact_id else "—")):
        out.print(f"{label}: {value}", markup=False)


@app.command("new")
def new(ctx: typer.Context, kind: str = typer.Argument(..., help="call, meeting or task."),
        title: str = typer.Option(..., "--title"),
        at: str = typer.Option(..., "--at", metavar="WHEN", help="Start, e.g. 2026-12-01T10:00 (local time)."),
        duration: int = typer.Option(30, "--duration", help="Minutes."),
        customer: int = typer.Option(None, "--customer"),
        opportunity: int = typer.Option(None, "--opportunity", help="Its customer is the activity's customer."),
        owner: str = typer.Option(None, "--owner", metavar="LOGIN", help="Default: you (another: sales.supervise)."),
        as_json: bool = JSON_OPTION) -> None:
    """A new call, meeting or task."""
    show(env_of(ctx).call(activities.create_activity, kind=kind, title=title, starts_at=typed_moment(at, "at"),
                          duration=duration, party_id=customer, opportunity_id=opportunity, owner=owner), as_json)


@app.command("list")
def list_(ctx: typer.Context, owner: str = typer.Option(None, "--owner", metavar="LOGIN"),
          day: str = typer.Option(None, "--day", metavar="DATE", help="One day (YYYY-MM-DD)."),
          week: str = typer.Option(None, "--week", metavar="DATE", help="The week (Monday on) of this day."),
          state: str = typer.Option(None, "--state", help="open or done."),
          overdue: bool = typer.Option(False, "--overdue", help="Open ones whose start has passed."),
          customer: int = typer.Option(None, "--customer"), opportunity: int = typer.Option(None, "--opportunity"),
          as_json: bool = JSON_OPTION) -> None:
    """Activities by start time (a sales agent sees their own)."""
    start = end = None
    if day or week:
        first = typed_day(day, "day") if day else activities.week_of(typed_day(week or "", "week"))
        start, end = activities.local_days(first, 1 if day else 7)
    found = env_of(ctx).call(activities.list_activities, owner=owner, start=start, end=end, state=state,
                             overdue=overdue, party_id=customer, opportunity_id=opportunity)
    if as_json:
        print_json(found)
        return
    print_table([a.model_dump() | {"when": fmt_datetime(a.starts_at), "state": _state(a)} for a in found], _COLUMNS)


@app.command("show")
def show_one(ctx: typer.Context, activity: int, as_json: bool = JSON_OPTION) -> None:
    """One activity."""
    show(env_of(ctx).call(activities.get_activity, activity_id=activity), as_json)


@app.command("done")
def done(ctx: typer.Context, activity: int, outcome: str = typer.Option("", "--outcome"),
         as_json: bool = JSON_OPTION) -> None:
    """Mark ACTIVITY done, with its outcome."""
    show(env_of(ctx).call(activities.complete_activity, activity_id=activity, outcome=outcome), as_json)


@app.command("call")
def call(ctx: typer.Context, activity: int, topic: str = typer.Option(..., "--topic", help="The inquiry's topic."),
         outcome: str = typer.Option("", "--outcome"), number: str = typer.Option("", "--number"),
         as_json: bool = JSON_OPTION) -> None:
    """Register the outbound call of call ACTIVITY as a contact and mark the activity done."""
    made = env_of(ctx).call(activity_calls.register_call, activity_id=activity, topic=topic, outcome=outcome,
                            number=number)
    if as_json:
        print_json(made)
        return
    out.print(_("Contact {contact} registered, inquiry {inquiry}; activity {id} done").format(
        contact=made.contact_id, inquiry=made.inquiry_id, id=activity), markup=False)


@app.command("reschedule")
def reschedule(ctx: typer.Context, activity: int, at: str = typer.Option(..., "--at", metavar="WHEN"),
               duration: int = typer.Option(None, "--duration", help="Minutes (default: as it was)."),
               as_json: bool = JSON_OPTION) -> None:
    """Move ACTIVITY to a new start."""
    show(env_of(ctx).call(activities.reschedule_activity, activity_id=activity, starts_at=typed_moment(at, "at"),
                          duration=duration), as_json)


@app.command("remind")
def remind(ctx: typer.Context, now: str = typer.Option(None, "--now", metavar="WHEN"),
           ahead: int = typer.Option(activity_reminders.AHEAD, "--ahead", help="Minutes before the start."),
           as_json: bool = JSON_OPTION) -> None:
    """Remind owners of activities starting soon (each once); run it from cron or a loop."""
    report = env_of(ctx).call(activity_reminders.remind_activities, ahead=ahead,
                              now=typed_moment(now, "now") if now else None)
    if as_json:
        print_json(report)
        return
    out.print(_("{n} activities reminded of, {m} notifications queued").format(n=report.reminded, m=report.notified),
              markup=False)
