"""`crmterm survey record | answer | send`: satisfaction surveys (services/retention/surveys) — the rating an agent
asks for at the end of a call, the answer to a survey request by its code, and sending the requests for
inquiries closed lately (from cron or with --loop). Reports: `crmterm report csat|nps`."""

from __future__ import annotations

import time

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json
from crmterm.i18n import _
from crmterm.services.retention import surveys
from crmterm.services.retention.surveys import SurveyRead

app = typer.Typer(no_args_is_help=True, help="Satisfaction surveys: ratings of closed inquiries (CSAT, NPS).")

SCORE_OPTION = typer.Option(..., "--score", help="Satisfaction from 1 to 5 (CSAT).")
NPS_OPTION = typer.Option(None, "--nps", help="Would recommend us: 0 to 10.")
COMMENT_OPTION = typer.Option("", "--comment")


def _show(found: SurveyRead, as_json: bool) -> None:
    if as_json:
        print_json(found)
        return
    nps = "—" if found.nps is None else str(found.nps)
    out.print(_("Inquiry {id} rated {score}/5, NPS {nps}").format(id=found.inquiry_id, score=found.score, nps=nps),
              markup=False)


@app.command("record")
def record(ctx: typer.Context, inquiry: int, score: int = SCORE_OPTION, nps: int = NPS_OPTION,
           comment: str = COMMENT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """The customer's rating of INQUIRY, asked at the end of the call."""
    _show(env_of(ctx).call(surveys.record_survey, inquiry_id=inquiry, score=score, nps=nps, comment=comment), as_json)


@app.command("answer")
def answer(ctx: typer.Context, code: str, score: int = SCORE_OPTION, nps: int = NPS_OPTION,
           comment: str = COMMENT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """The customer's answer to a survey request, by the code the request carried."""
    _show(env_of(ctx).call(surveys.answer_survey, code=code, score=score, nps=nps, comment=comment), as_json)


@app.command("send")
def send(ctx: typer.Context, loop: float = typer.Option(None, "--loop", min=0.01, metavar="HOURS",
                                                        help="Keep running: a pass every HOURS."),
         as_json: bool = JSON_OPTION) -> None:
    """E-mail a survey request for each inquiry closed in the last week that has none (once per inquiry)."""
    env = env_of(ctx)
    try:
        while True:
            sent = env.call(surveys.send_survey_requests)
            if as_json:
                print_json(sent)
            else:
                out.print(_("{n} survey requests queued").format(n=sent.sent), markup=False)
            if loop is None:
                return
            time.sleep(loop * 3600)
    except KeyboardInterrupt:
        return
