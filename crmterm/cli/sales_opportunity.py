"""`crmterm opportunity new | list | show | stage | win | lose`: the sales pipeline (services/sales)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.cli.sales import day
from crmterm.i18n import _, fmt_datetime
from crmterm.services.sales import opportunities
from crmterm.services.sales.opportunities import OpportunityRead

app = typer.Typer(no_args_is_help=True, help="Opportunities: the sales pipeline by stage.")


def show(found: OpportunityRead, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    lead = f" ({_('lead')})" if found.is_lead else ""
    out.print(f"#{found.id} {found.title} — {found.customer} (#{found.party_id}){lead}", markup=False)
    for label, value in ((_("Stage"), f"{found.stage_name} ({found.probability} %)"), (_("State"), found.state),
                         (_("Amount"), found.amount_text or "—"), (_("Quote"), found.quote_number or "—"),
                         (_("Expected close"), found.expected_close or "—"), (_("Owner"), found.owner or "—"),
                         (_("Competitor"), found.competitor or "—"), (_("Loss reason"), found.loss_reason or "—")):
        out.print(f"{label}: {value}", markup=False)
    if found.history:
        print_table([{"at": fmt_datetime(h.at), "stage": h.stage, "probability": h.probability, "by": h.by}
                     for h in found.history],
                    [("at", _("When")), ("stage", _("Stage")), ("probability", "%"), ("by", _("By"))])


@app.command("new")
def new(ctx: typer.Context, customer: int = typer.Argument(..., help="The customer's (or lead's) number."),
        title: str = typer.Option(..., "--title"),
        amount: str = typer.Option(None, "--amount", help="Typed; or --quote takes the quote's net total."),
        quote: int = typer.Option(None, "--quote", help="A quote of the customer's to take the amount from."),
        expected_close: str = typer.Option(None, "--close", metavar="DATE", help="Expected close date."),
        process: str = typer.Option(None, "--process", help="Default: the default sales process."),
        stage: str = typer.Option(None, "--stage", help="An open stage of the process. Default: its first."),
        competitor: str = typer.Option("", "--competitor"),
        owner: str = typer.Option(None, "--owner", metavar="LOGIN", help="Default: you (another: sales.supervise)."),
        as_json: bool = JSON_OPTION) -> None:
    """A new opportunity at the first stage of its sales process (or --stage)."""
    show(env_of(ctx).call(opportunities.create_opportunity, party_id=customer, title=title, amount=amount,
                          quote_id=quote, expected_close=day(expected_close, "close"), process=process,
                          competitor=competitor, owner=owner, stage=stage), as_json)


@app.command("list")
def list_(ctx: typer.Context, owner: str = typer.Option(None, "--owner", metavar="LOGIN"),
          state: str = typer.Option(None, "--state", help="open, won or lost."),
          stage: str = typer.Option(None, "--stage"),
          customer: int = typer.Option(None, "--customer"), as_json: bool = JSON_OPTION) -> None:
    """The pipeline, expected close first (a sales agent sees their own)."""
    found = env_of(ctx).call(opportunities.list_opportunities, owner=owner, state=state, stage=stage,
                             party_id=customer)
    if as_json:
        print_json(found)
        return
    print_table([o.model_dump() | {"stage": f"{o.stage_name} ({o.probability} %)"} for o in found],
                [("id", "#"), ("title", _("Title")), ("customer", _("Customer")), ("stage", _("Stage")),
                 ("amount_text", _("Amount")), ("expected_close", _("Expected close")), ("owner", _("Owner")),
                 ("state", _("State"))])


@app.command("show")
def show_one(ctx: typer.Context, opportunity: int, as_json: bool = JSON_OPTION) -> None:
    """One opportunity with its stage history."""
    show(env_of(ctx).call(opportunities.get_opportunity, opportunity_id=opportunity), as_json)


@app.command("stage")
def stage(ctx: typer.Context, opportunity: int, code: str, reason: str = typer.Option("", "--reason"),
          as_json: bool = JSON_OPTION) -> None:
    """Move OPPORTUNITY to stage CODE of its process."""
    show(env_of(ctx).call(opportunities.move_stage, opportunity_id=opportunity, stage=code, reason=reason), as_json)


@app.command("win")
def win(ctx: typer.Context, opportunity: int, as_json: bool = JSON_OPTION) -> None:
    """Won: a lead becomes a customer."""
    show(env_of(ctx).call(opportunities.win_opportunity, opportunity_id=opportunity), as_json)


@app.command("lose")
def lose(ctx: typer.Context, opportunity: int, reason: str = typer.Option(..., "--reason"),
         competitor: str = typer.Option(None, "--competitor"), as_json: bool = JSON_OPTION) -> None:
    """Lost, with the reason (and the competitor who won it)."""
    show(env_of(ctx).call(opportunities.lose_opportunity, opportunity_id=opportunity, reason=reason,
                          competitor=competitor), as_json)
