"""`crmterm problem open | update | list | show | link | close`: system problems (mass incidents). Closing one
closes — or notifies — every open inquiry linked to it and says what happened to each."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime
from crmterm.services.inquiries import problem_close, problem_links, problems
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.inquiries.problems import ProblemDraft, ProblemRead

app = typer.Typer(help="System problems: mass incidents that many inquiries link to and close with.",
                  no_args_is_help=True)
VERSION_OPTION = typer.Option(None, "--version", help="Fail if the problem changed since this version.")


def _draft(title: str, service: str | None, region: str | None, topic: str | None, starts: str | None,
           until: str | None, description: str) -> ProblemDraft:
    return ProblemDraft(title=title, service=service, region=region, topic=topic,
                        starts_at=problems.moment(starts, "starts"), expected_end_at=problems.moment(until, "until"),
                        description=description)


def _print(problem: ProblemRead) -> None:
    scope = " · ".join(p for p in (problem.service, problem.region, problem.topic_label) if p) or _("everyone")
    out.print(f"#{problem.id} {problem.title} [{problem.state}] · {scope}", markup=False)
    until = fmt_datetime(problem.expected_end_at) if problem.expected_end_at else "—"
    out.print(_("Since {start}, expected end {until}; {n} inquiries linked").format(
        start=fmt_datetime(problem.starts_at), until=until, n=problem.linked), markup=False)
    if problem.description:
        out.print(problem.description, markup=False)
    if problem.resolution:
        out.print(_("Resolution: {text}").format(text=problem.resolution), markup=False)


TITLE = typer.Option(..., "--title", help="What is wrong, in a few words.")
SERVICE = typer.Option(None, "--service", help="Service code (empty: every service).")
REGION = typer.Option(None, "--region", help="Region code (empty: every region).")
TOPIC = typer.Option(None, "--topic", help="Topic or group code: it and everything below (empty: all).")
STARTS = typer.Option(None, "--starts", help="ISO date and time (default: now).")
UNTIL = typer.Option(None, "--until", help="Expected end, ISO date and time.")
DESCRIPTION = typer.Option("", "--description", help="Details for the agents.")


@app.command("open")
def open_(ctx: typer.Context, title: str = TITLE, service: str = SERVICE, region: str = REGION,
          topic: str = TOPIC, starts: str = STARTS, until: str = UNTIL, description: str = DESCRIPTION,
          as_json: bool = JSON_OPTION) -> None:
    """Open a system problem (supervisors and admins); agents see it when registering matching calls."""
    found = env_of(ctx).call(problems.open_problem, draft=_draft(title, service, region, topic, starts, until,
                                                                 description))
    print_json(found) if as_json else _print(found)


@app.command("update")
def update(ctx: typer.Context, problem_id: int, title: str = TITLE, service: str = SERVICE, region: str = REGION,
           topic: str = TOPIC, starts: str = STARTS, until: str = UNTIL, description: str = DESCRIPTION,
           version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Change an open problem (every field is set as given)."""
    found = env_of(ctx).call(problems.update_problem, problem_id=problem_id, expected_version=version,
                             draft=_draft(title, service, region, topic, starts, until, description))
    print_json(found) if as_json else _print(found)


@app.command("list")
def list_problems(ctx: typer.Context, state: str = typer.Option("open", "--state", help="open | closed | all"),
                  limit: int = typer.Option(100, "--limit", min=1, max=1000), as_json: bool = JSON_OPTION) -> None:
    """System problems, newest first."""
    found = env_of(ctx).call(problems.list_problems, state=None if state == "all" else state, limit=limit)
    if as_json:
        print_json(found)
        return
    print_table([p.model_dump() | {"starts_at": fmt_datetime(p.starts_at),
                                   "expected_end_at": fmt_datetime(p.expected_end_at)} for p in found],
                [("id", "#"), ("state", _("State")), ("title", _("Title")), ("service", _("Service")),
                 ("region", _("Region")), ("topic", _("Topic")), ("starts_at", _("Since")),
                 ("expected_end_at", _("Expected end")), ("linked", _("Inquiries"))])


@app.command("show")
def show(ctx: typer.Context, problem_id: int, as_json: bool = JSON_OPTION) -> None:
    """A problem and every inquiry linked to it (live or archived)."""
    found = env_of(ctx).call(problem_links.get_problem, problem_id=problem_id)
    if as_json:
        print_json(found)
        return
    _print(found)
    print_table([i.model_dump() | {"state": state_label(i.state), "linked_at": fmt_datetime(i.linked_at)}
                 for i in found.inquiries],
                [("id", "#"), ("state", _("State")), ("archived", _("Archived")), ("linked_at", _("Linked")),
                 ("linked_by", _("By"))])


@app.command("link")
def link(ctx: typer.Context, problem_id: int, inquiry_id: int, as_json: bool = JSON_OPTION) -> None:
    """Link an inquiry to an open problem: it is closed or notified when the problem is."""
    added = env_of(ctx).call(problem_links.link, problem_id=problem_id, inquiry_id=inquiry_id)
    if as_json:
        print_json({"problem_id": problem_id, "inquiry_id": inquiry_id, "linked": added})
        return
    message = _("#{i} linked to system problem #{p}") if added else _("#{i} was already linked to system problem #{p}")
    out.print(message.format(i=inquiry_id, p=problem_id), markup=False)


@app.command("close")
def close(ctx: typer.Context, problem_id: int,
          resolution: str = typer.Option(..., "--resolution", "-r", help="How it was resolved."),
          inquiries: str = typer.Option(problem_close.CLOSE, "--inquiries",
                                        help="close: close the open linked inquiries with this resolution; "
                                             "notify: notify their assignees and customers instead."),
          version: int = VERSION_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Close a problem and, in the same transaction, close or notify every open inquiry linked to it."""
    done = env_of(ctx).call(problem_close.close_problem, problem_id=problem_id, resolution=resolution,
                            inquiries=inquiries, expected_version=version)
    if as_json:
        print_json(done)
        return
    out.print(_("System problem #{p} closed: inquiries closed {c}, notified {n}, skipped {s}").format(
        p=problem_id, c=len(done.closed), n=len(done.notified), s=len(done.skipped)), markup=False)
    for skipped in done.skipped:
        out.print(f"  #{skipped.id}: {skipped.reason}", markup=False)
