"""`crmterm campaign create | list | show | build | close | next | record | release | report`: outbound retention
campaigns (services/retention): a selection of customers, its call list worked by agents or a queue, and the
results by agent."""

from __future__ import annotations

import typer

from crmterm.cli import report as report_cli
from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _, fmt_datetime
from crmterm.moments import typed_moment
from crmterm.services.retention import campaign_calls, campaign_reports, campaigns
from crmterm.services.retention.campaign_calls import CallRead
from crmterm.services.retention.campaigns import CampaignRead

app = typer.Typer(no_args_is_help=True, help="Outbound campaigns: call lists, attempts and their results.")

_COLUMNS = [("code", _("Code")), ("name", _("Name")), ("state", _("State")), ("calls", _("Calls")),
            ("waiting", _("Waiting")), ("done", _("Done"))]


def _show(found: CampaignRead, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    out.print(f"{found.code}: {found.name} ({found.state})", markup=False)
    criteria = ", ".join(f"{k}={v}" for k, v in found.criteria.items()) or "—"
    for label, value in ((_("Criteria"), criteria), (_("Topic"), found.topic), (_("Script"), found.script or "—"),
                         (_("Message template"), found.template or "—"), (_("Offer"), found.offer or "—"),
                         (_("Agents"), ", ".join(found.agents) or "—"), (_("Queue"), found.queue or "—"),
                         (_("Call list"), _("{done} of {calls} done, {waiting} waiting").format(
                             done=found.done, calls=found.calls, waiting=found.waiting))):
        out.print(f"{label}: {value}", markup=False)


def show_call(found: CallRead | None, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    if found is None:
        out.print(_("No call is due"), markup=False)
        return
    out.print(_("Call #{id}: {customer}").format(id=found.id, customer=found.customer), markup=False)
    for label, value in ((_("Phone"), found.phone or "—"), (_("E-mail"), found.email or "—"),
                         (_("Attempts"), str(found.attempts)), (_("Last outcome"), found.outcome or "—"),
                         (_("Offer"), found.offer or "—"), (_("Script"), found.script or "—")):
        out.print(f"{label}: {value}", markup=False)


@app.command("create")
def create(ctx: typer.Context, code: str, name: str = typer.Option(..., "--name"),
           topic: str = typer.Option(..., "--topic", help="Topic of each attempt's inquiry."),
           category: list[str] = typer.Option(None, "--category", help="Client category code (repeatable)."),
           structure: str = typer.Option(None, "--structure", help="With --node: customers in that subtree."),
           node: int = typer.Option(None, "--node", help="The party at the top of the subtree."),
           product: str = typer.Option(None, "--product", help="Has an active subscriber of this service."),
           contacted_before: str = typer.Option(None, "--contacted-before", metavar="DATE",
                                                help="No contact since DATE (or never)."),
           contacted_after: str = typer.Option(None, "--contacted-after", metavar="DATE",
                                               help="Some contact on or after DATE."),
           churn_min: float = typer.Option(None, "--churn-min", help="Churn risk at least this (0–1)."),
           limit: int = typer.Option(None, "--limit", help="At most this many customers."),
           agent: list[str] = typer.Option(None, "--agent", metavar="LOGIN", help="Works the list (repeatable)."),
           queue: str = typer.Option(None, "--queue", help="Its members work the unassigned calls."),
           script: str = typer.Option(None, "--script"), template: str = typer.Option(None, "--template",
                                                                                    help="e.g. campaign_offer."),
           offer: str = typer.Option("", "--offer"), as_json: bool = JSON_OPTION) -> None:
    """A draft campaign; `build` makes its call list."""
    criteria = {"category": category or None, "structure": structure, "node": node, "product": product,
                "contacted_before": contacted_before, "contacted_after": contacted_after, "churn_min": churn_min,
                "limit": limit}
    values = {"code": code, "name": name, "topic": topic, "criteria": criteria, "agents": agent or [],
              "queue": queue, "script": script, "template": template, "offer": offer}
    _show(env_of(ctx).call(campaigns.create_campaign, values=values), as_json)


@app.command("list")
def list_(ctx: typer.Context, state: str = typer.Option(None, "--state", help="draft, running or closed."),
          as_json: bool = JSON_OPTION) -> None:
    """Campaigns, newest first, with their progress."""
    found = env_of(ctx).call(campaigns.list_campaigns, state=state)
    if as_json:
        print_json(found)
        return
    print_table([c.model_dump() for c in found], _COLUMNS)


@app.command("show")
def show(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """One campaign."""
    _show(env_of(ctx).call(campaigns.get_campaign, code=code), as_json)


@app.command("build")
def build(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """Add the customers the criteria select now to the call list and start the campaign."""
    _show(env_of(ctx).call(campaigns.build_campaign, code=code), as_json)


@app.command("close")
def close(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """Stop handing out calls."""
    _show(env_of(ctx).call(campaigns.close_campaign, code=code), as_json)


@app.command("next")
def next_(ctx: typer.Context, code: str, as_json: bool = JSON_OPTION) -> None:
    """Claim the next due call of campaign CODE (or show the one you hold)."""
    show_call(env_of(ctx).call(campaign_calls.next_call, code=code), as_json)


@app.command("record")
def record(ctx: typer.Context, call: int,
           outcome: str = typer.Option(..., "--outcome", help=" | ".join(campaign_calls.OUTCOMES)),
           note: str = typer.Option("", "--note"),
           callback_at: str = typer.Option(None, "--callback-at", metavar="WHEN", help="For a callback."),
           as_json: bool = JSON_OPTION) -> None:
    """Record the outcome of the call you hold (an outbound contact is registered)."""
    made = env_of(ctx).call(campaign_calls.record_attempt, call_id=call, outcome=outcome, note=note,
                            callback_at=typed_moment(callback_at, "callback-at") if callback_at else None)
    if as_json:
        print_json(made)
        return
    out.print(_("Call {id}: {outcome} recorded, contact {contact}; the call is {state}").format(
        id=call, outcome=outcome, contact=made.contact_id, state=made.call.state), markup=False)
    if made.call.state == "waiting":
        out.print(_("Due again at {when}").format(when=fmt_datetime(made.call.due_at)), markup=False)


@app.command("release")
def release(ctx: typer.Context, call: int, as_json: bool = JSON_OPTION) -> None:
    """Give the call you hold back to the list untouched."""
    show_call(env_of(ctx).call(campaign_calls.release_call, call_id=call), as_json)


@app.command("report")
def report(ctx: typer.Context, code: str, fmt: str = report_cli.FORMAT_OPTION, target: str = report_cli.OUT_OPTION,
           as_json: bool = JSON_OPTION) -> None:
    """Attempts and outcomes by agent: reached, accepted, refused, call-backs."""
    fmt = report_cli._format(fmt, target, as_json)
    table = env_of(ctx).call(campaign_reports.campaign_report, code=code)
    report_cli.show(table) if fmt == "table" else report_cli._write(ctx, table, fmt, target or "-")
