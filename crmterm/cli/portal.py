"""`crmterm portal offer-topic | offer-function | offers | ratings`: what the customer portal of `crmterm serve`
offers (admins), and the ratings customers gave their closed inquiries (reports)."""

from __future__ import annotations

from datetime import date, timedelta

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.portal import offers, ratings
from crmterm.services.topics.attribute_checks import sample_values

app = typer.Typer(help="Customer portal: topics and functions it offers, customers' ratings.", no_args_is_help=True)


@app.command("offer-topic")
def offer_topic(ctx: typer.Context, code: str,
                internal: list[str] = typer.Option([], "--internal", help="An attribute customers never see "
                                                   "(repeatable)."),
                withdraw: bool = typer.Option(False, "--withdraw", help="Offer it no longer.")) -> None:
    """Offer topic CODE for new requests in the portal (or --withdraw it)."""
    env_of(ctx).call(offers.offer_topic, code=code, offered=not withdraw, internal_attributes=internal)
    out.print((_("Topic {code} withdrawn from the portal") if withdraw else _("Topic {code} offered in the portal"))
              .format(code=code), markup=False)


@app.command("offer-function")
def offer_function(ctx: typer.Context, name: str,
                   topic: str = typer.Option("", "--topic", help="Each run is a closed inquiry of this topic."),
                   param: list[str] = typer.Option([], "--param", help="NAME=VALUE fixed for every run (repeatable)."),
                   withdraw: bool = typer.Option(False, "--withdraw", help="Offer it no longer.")) -> None:
    """Let customers run business function NAME on their own data in the portal (or --withdraw it)."""
    env_of(ctx).call(offers.offer_function, name=name, topic=topic, offered=not withdraw,
                     params=sample_values(param, "--param"))
    out.print((_("Function {name} withdrawn from the portal") if withdraw
               else _("Function {name} offered in the portal")).format(name=name), markup=False)


@app.command("offers")
def list_offers(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Topics and functions the portal offers."""
    rows = env_of(ctx).call(offers.list_offers)
    if as_json:
        print_json(rows)
        return
    print_table([r.model_dump() for r in rows], [("kind", _("Kind")), ("code", _("Code")), ("label", _("Name")),
                       ("detail", _("Internal attributes / topic"))])


@app.command("ratings")
def rating_report(ctx: typer.Context, date_from: str = typer.Option(None, "--from", help="YYYY-MM-DD (default: "
                                                                    "30 days ago)"),
                  date_to: str = typer.Option(None, "--to", help="YYYY-MM-DD (default: today)"),
                  as_json: bool = JSON_OPTION) -> None:
    """Customers' ratings of closed inquiries, by topic and the agent who closed them."""
    end = _day(date_to, "--to") if date_to else date.today()
    start = _day(date_from, "--from") if date_from else end - timedelta(days=30)
    rows = env_of(ctx).call(ratings.report, date_from=start, date_to=end)
    if as_json:
        print_json(rows)
        return
    print_table([r.model_dump() | {"agent": r.agent or "—"} for r in rows],
                [("topic_label", _("Topic")), ("agent", _("Agent")), ("ratings", _("Ratings")),
                 ("average", _("Average"))])


def _day(text: str, option: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValidationError(option, _("expected a date YYYY-MM-DD")) from None
