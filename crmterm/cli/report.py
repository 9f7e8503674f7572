"""`crmterm report topics|operators|repeats|sla|custom NAME --from D --to D [--filter KEY=VALUE]… [--format F]
[--out FILE]`: a table on the terminal, or a file through the exporters (services/reports/exports.write_report).
The report builder's saved reports: `report build NAME --group G…`, `report run NAME …`, `report saved`,
`report forget NAME`."""

from __future__ import annotations

import sys
import tempfile
from datetime import datetime
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json, print_table
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.moments import typed_moment
from crmterm.services.reports import report_builder, reports
from crmterm.services.reports.report_table import ColumnKind, ReportTable
from crmterm.text import one_line

app = typer.Typer(help="Reports: inquiries by topic and by operator, repeat inquiries, deadlines, saved filters.",
                  no_args_is_help=True)
FORMATS = ("table", "xlsx", "html", "rtf", "csv", "json")
_NUMERIC = {ColumnKind.INT, ColumnKind.FLOAT, ColumnKind.PERCENT, ColumnKind.HOURS}

FROM_OPTION = typer.Option(..., "--from", help="First day (or moment) of the period, e.g. 2026-03-01.")
TO_OPTION = typer.Option(..., "--to", help="First day NOT included: --from 2026-03-01 --to 2026-04-01 is March.")
FILTER_OPTION = typer.Option(None, "--filter", "-f", help="KEY=VALUE, repeatable; keys: "
                             + ", ".join(reports.FILTER_KEYS) + " (topic: with its subtree).")
FORMAT_OPTION = typer.Option(None, "--format", help=" | ".join(FORMATS) + " (default: table, or the --out "
                             "file's extension).")
OUT_OPTION = typer.Option(None, "--out", "-o", help="The file to write; '-' writes csv or json to stdout.")


def parse_moment(text: str, field: str) -> datetime:
    """A date (local midnight) or an ISO date and time; without a zone, the local one."""
    return typed_moment(text, field, _("expected a date like 2026-03-01 or a date and time like "
                                       "2026-03-01T08:00, got '{text}'").format(text=one_line(text)))


def _params(start: str, end: str, pairs: list[str] | None) -> reports.ReportParams:
    first, last = parse_moment(start, "from"), parse_moment(end, "to")
    reports.check_period(first, last)
    return reports.ReportParams(start=first, end=last, filters=reports.filters_from_pairs(pairs or []))


def _format(fmt: str | None, target: str | None, as_json: bool) -> str:
    if as_json:
        return "json"
    if fmt is None:
        suffix = Path(target).suffix.lstrip(".").lower() if target and target != "-" else ""
        fmt = suffix or ("json" if target == "-" else "table")
    fmt = fmt.lower()
    if fmt not in FORMATS:
        raise ValidationError("format", _("one of: {choices}").format(choices=", ".join(FORMATS)))
    if fmt == "table" and target:
        raise ValidationError("out", _("a table is printed; choose a file format to write {path}").format(
            path=target))
    if fmt not in ("table", "csv", "json") and target in (None, "-"):
        raise ValidationError("out", _("{format} needs --out FILE").format(format=fmt))
    return fmt


def _report(ctx: typer.Context, name: str, start: str, end: str, pairs: list[str] | None, fmt: str | None,
            target: str | None, as_json: bool, **options) -> None:
    """Check everything the user typed before touching the database, then compute and emit."""
    params = _params(start, end, pairs)
    fmt = _format(fmt, target, as_json)
    emit(ctx, _compute(ctx, reports.run, name=name, params=params, **options), fmt, target)


def emit(ctx: typer.Context, table: ReportTable, fmt: str, target: str | None) -> None:
    if fmt == "table":
        show(table)
    else:
        _write(ctx, table, fmt, target or "-")


def _compute(ctx: typer.Context, service, **options) -> ReportTable:
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
               TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as progress:
        task = progress.add_task(_("Report"), total=None)

        def advance(done: int, total: int, label: str) -> None:  # one step per SQL statement, as it starts
            progress.update(task, completed=done, total=total, description=label or _("Report"))

        return env_of(ctx).call(service, progress=advance, **options)


def _write(ctx: typer.Context, table: ReportTable, fmt: str, target: str) -> None:
    """Through the audited export service (what was exported, by whom, where to)."""
    from crmterm.services.reports.exports import export_report

    env = env_of(ctx)
    if target != "-":
        env.call(export_report, table=table, fmt=fmt, out=Path(target), source="cli")
        return
    with tempfile.TemporaryDirectory() as folder:  # the exporters write files; stdout gets the same bytes
        path = Path(folder) / f"report.{fmt}"
        env.call(export_report, table=table, fmt=fmt, out=path, shown_as="-", source="cli")
        sys.stdout.buffer.write(path.read_bytes())
        sys.stdout.flush()


def show(table: ReportTable) -> None:
    """The report as a Rich table: title and parameters above, numbers right-aligned and never cut (hours as
    durations with units), totals last. Piped into a file it is as wide as it needs to be rather than cut to 80
    columns."""
    from rich.console import Console

    from crmterm.services.reports.exports_values import screen_value, totals_cells

    totals = totals_cells(table) if table.rows else None
    lines = [[screen_value(c.kind, v) for c, v in zip(table.columns, row, strict=True)]
             for row in [*table.rows, *([totals] if totals else [])]]
    shown = Table(title=escape(table.title), caption=escape(
        " · ".join(f"{label}: {value}" for label, value in table.params.items())))
    for index, column in enumerate(table.columns):
        numeric = column.kind in _NUMERIC
        widest = max((len(line[index]) for line in lines), default=0)
        shown.add_column(escape(column.shown_heading), justify="right" if numeric else "left",
                         min_width=widest if numeric else None, no_wrap=numeric)
    for number, line in enumerate(lines):
        if totals and number == len(lines) - 1:
            shown.add_section()
        shown.add_row(*(escape(cell) for cell in line), style="bold" if totals and number == len(lines) - 1 else None)
    if out.is_terminal:
        out.print(shown)
    else:  # Console.print never goes wider than its console: a console as wide as the table
        Console(highlight=False, width=max(out.width, Console(width=10_000).measure(shown).maximum)).print(shown)
    if not table.rows:
        out.print(_("Nothing in this period."), markup=False)


@app.command("topics")
def topics(ctx: typer.Context, start: str = FROM_OPTION, end: str = TO_OPTION, pairs: list[str] = FILTER_OPTION,
           fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Inquiries by topic: registered, closed, open, closed at first contact, time to close."""
    _report(ctx, "topics", start, end, pairs, fmt, target, as_json)


@app.command("operators")
def operators(ctx: typer.Context, start: str = FROM_OPTION, end: str = TO_OPTION,
              pairs: list[str] = FILTER_OPTION, fmt: str = FORMAT_OPTION, target: str = OUT_OPTION,
              as_json: bool = JSON_OPTION) -> None:
    """Inquiries by operator: contacts, registered, taken, closed, handling time, deadlines missed."""
    _report(ctx, "operators", start, end, pairs, fmt, target, as_json)


@app.command("repeats")
def repeats(ctx: typer.Context, start: str = FROM_OPTION, end: str = TO_OPTION, pairs: list[str] = FILTER_OPTION,
            days: int = typer.Option(reports.DEFAULT_DAYS, "--days", help="Came back within this many days."),
            fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Customers who came back on the same topic within --days days."""
    _report(ctx, "repeats", start, end, pairs, fmt, target, as_json, days=days)


@app.command("sla")
def sla(ctx: typer.Context, start: str = FROM_OPTION, end: str = TO_OPTION, pairs: list[str] = FILTER_OPTION,
        fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Deadlines kept and missed by queue, step and priority; time until first taken."""
    _report(ctx, "sla", start, end, pairs, fmt, target, as_json)


@app.command("custom")
def custom(ctx: typer.Context, name: str = typer.Argument(..., help="One of your saved inquiry filters."),
           start: str = FROM_OPTION, end: str = TO_OPTION, pairs: list[str] = FILTER_OPTION,
           group_by: str = typer.Option("topic", "--group-by", help=" | ".join(reports.CUSTOM_GROUPS)),
           chosen: list[str] = typer.Option(None, "--column", "-c", help="Repeatable: "
                                            + ", ".join(reports.CUSTOM_COLUMNS)),
           fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """A saved inquiry filter as a report: inquiries per group, with the chosen columns."""
    _report(ctx, reports.CUSTOM, start, end, pairs, fmt, target, as_json, saved_filter=name, group_by=group_by,
            columns=tuple(chosen or ()))


# --- the report builder: saved definitions (services/reports/report_definitions) ------------------------------

@app.command("build")
def build(ctx: typer.Context, name: str = typer.Argument(..., help="The report's name (yours; replaced if it exists)."),
          groups: list[str] = typer.Option(..., "--group", "-g", help="Once or twice: " + ", ".join(
              report_builder.GROUPINGS) + ", topic:LEVEL, attr:CODE."),
          measures: list[str] = typer.Option(None, "--measure", "-m", help="Repeatable (the first is charted): "
                                             + ", ".join(report_builder.MEASURE_KEYS) + " (default: count)."),
          saved: str = typer.Option(None, "--saved-filter", help="One of your saved inquiry filters (default: all "
                                    "inquiries)."),
          shared: bool = typer.Option(False, "--shared", help="Everyone who may read reports may run it."),
          as_json: bool = JSON_OPTION) -> None:
    """Save a report: a saved filter, one or two groupings and measures. Run it with `report run NAME`."""
    from crmterm.services.reports.report_definitions import save_definition, spec_from

    spec = spec_from({"filter": saved, "groups": groups, "measures": measures or ["count"]})
    saved_one = env_of(ctx).call(save_definition, name=name, spec=spec, shared=shared)
    if as_json:
        print_json(saved_one)
    else:
        out.print(_("Saved the report “{name}”.").format(name=saved_one.name), markup=False)


@app.command("run")
def run_saved(ctx: typer.Context, name: str = typer.Argument(..., help="A saved report: yours or a shared one."),
              start: str = FROM_OPTION, end: str = TO_OPTION, pairs: list[str] = FILTER_OPTION,
              owner: str = typer.Option(None, "--owner", help="Whose shared report, when several share the name."),
              fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Run a saved report over a period: a table, or a file with its chart (xlsx, html)."""
    from crmterm.services.reports.report_definitions import run_definition

    params = _params(start, end, pairs)
    fmt = _format(fmt, target, as_json)
    emit(ctx, _compute(ctx, run_definition, name=name, params=params, owner=owner), fmt, target)


@app.command("saved")
def saved_reports(ctx: typer.Context, as_json: bool = JSON_OPTION) -> None:
    """Your saved reports and those others share."""
    from crmterm.services.reports.report_definitions import list_definitions

    found = env_of(ctx).call(list_definitions)
    if as_json:
        print_json(found)
        return
    rows = [{"name": d.name, "owner": d.owner, "shared": _("yes") if d.shared else "", "filter": d.spec.filter or "",
             "groups": ", ".join(d.spec.groups), "measures": ", ".join(d.spec.measures)} for d in found]
    print_table(rows, [("name", _("Name")), ("owner", _("Owner")), ("shared", _("Shared")),
                       ("filter", _("Saved filter")), ("groups", _("Grouped by")), ("measures", _("Measures"))])


@app.command("forget")
def forget(ctx: typer.Context, name: str = typer.Argument(..., help="One of your saved reports.")) -> None:
    """Delete one of your saved reports."""
    from crmterm.services.reports.report_definitions import delete_definition

    env_of(ctx).call(delete_definition, name=name)
    out.print(_("Deleted the report “{name}”.").format(name=name), markup=False)
@app.command("blacklist")
def blacklist_activity(ctx: typer.Context, start: str = FROM_OPTION, end: str = TO_OPTION, fmt: str = FORMAT_OPTION,
                       target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Blacklist entries added and lifted in the period, per reason and per user."""
    from crmterm.services.reports.reports_blacklist import blacklist_report

    fmt = _format(fmt, target, as_json)
    table = env_of(ctx).call(blacklist_report, start=parse_moment(start, "from"), end=parse_moment(end, "to"))
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")


@app.command("pipeline")
def pipeline(ctx: typer.Context, process: str = typer.Option(None, "--process", help="Default: the default "
                                                                                     "sales process."),
             fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Opportunities by stage of a sales process: count, amount and amount weighted by probability."""
    from crmterm.services.sales import sales_reports

    fmt = _format(fmt, target, as_json)
    table = env_of(ctx).call(sales_reports.pipeline_report, process=process)
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")


@app.command("forecast")
def forecast(ctx: typer.Context, by: str = typer.Option("month", "--by", help="month (of expected close), owner "
                                                                              "or product."),
             process: str = typer.Option(None, "--process", help="Default: every sales process."),
             fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """The open pipeline's amount weighted by stage probability, by month, owner or product."""
    from crmterm.services.sales import forecast as sales_forecast

    fmt = _format(fmt, target, as_json)
    table = env_of(ctx).call(sales_forecast.forecast_report, by=by, process=process)
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")


@app.command("winloss")
def winloss(ctx: typer.Context, process: str = typer.Option(None, "--process", help="Default: every sales process."),
            fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Won and lost opportunities by reason: how many and their amount."""
    from crmterm.services.sales import forecast as sales_forecast

    fmt = _format(fmt, target, as_json)
    table = env_of(ctx).call(sales_forecast.winloss_report, process=process)
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")


@app.command("funnel")
def funnel(ctx: typer.Context, process: str = typer.Option(None, "--process", help="Default: the default sales "
                                                                                   "process."),
           fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Per stage: how many reached it, went on (conversion) and the average days spent there."""
    from crmterm.services.sales import forecast as sales_forecast

    fmt = _format(fmt, target, as_json)
    table = env_of(ctx).call(sales_forecast.funnel_report, process=process)
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")


@app.command("aging")
def aging_report(ctx: typer.Context,
                 as_of: str = typer.Option(None, "--as-of", metavar="DATE", help="Default: today."),
                 structure: str = typer.Option(None, "--structure", help="With --node: only the payer node and "
                                               "everyone below it in this structure."),
                 node: int = typer.Option(None, "--node", help="The payer node's customer number."),
                 fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Receivables aging: per customer that owes, the open amount current, 1–30, 31–60, 61–90 and over 90 days
    overdue."""
    from crmterm.cli.sales import day
    from crmterm.services.collections import collections_reports

    fmt = _format(fmt, target, as_json)
    table = env_of(ctx).call(collections_reports.aging_report, as_of=day(as_of, "as-of"), structure=structure,
                             node=node)
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")


@app.command("collections")
def collections_report(ctx: typer.Context, start: str = typer.Option(..., "--from", help="First day, e.g. "
                                                                     "2026-03-01."),
                       end: str = typer.Option(..., "--to", help="First day NOT included."),
                       fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Collections effectiveness: promised payments recorded in the period by agent — promised against paid,
    kept, broken, open."""
    from crmterm.cli.sales import day
    from crmterm.services.collections import collections_reports

    fmt = _format(fmt, target, as_json)
    first, last = day(start, "from"), day(end, "to")
    table = env_of(ctx).call(collections_reports.collections_report, start=first, end=last)
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")


@app.command("qos")
def qos(ctx: typer.Context, contract: str = typer.Option(None, "--contract", help="One service contract (its code); "
                                                          "default: every one."),
        start: str = typer.Option(None, "--from", help="First day of the period (default: each contract's start)."),
        end: str = typer.Option(None, "--to", help="First day NOT included (default: up to now)."),
        fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Per service contract: agreed versus actual response and resolution, breaches and credits owed."""
    from crmterm.services.reports import reports_qos

    first = parse_moment(start, "from") if start else None
    last = parse_moment(end, "to") if end else None
    fmt = _format(fmt, target, as_json)
    emit(ctx, _compute(ctx, reports_qos.qos_report, contract=contract, start=first, end=last), fmt, target)


# --- retention (issue 29): satisfaction --------------------------------------------------------------------

@app.command("csat")
def csat(ctx: typer.Context, start: str = FROM_OPTION, end: str = TO_OPTION,
         by: str = typer.Option("agent", "--by", help="agent (who closed it), topic, queue or inquiry."),
         fmt: str = FORMAT_OPTION, target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Customer satisfaction answers by agent, topic, queue or inquiry: count, average, CSAT (share of 4–5)."""
    from crmterm.services.retention import survey_reports

    fmt = _format(fmt, target, as_json)
    first, last = parse_moment(start, "from"), parse_moment(end, "to")
    table = env_of(ctx).call(survey_reports.csat_report, start=first, end=last, by=by)
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")


@app.command("nps")
def nps(ctx: typer.Context, start: str = FROM_OPTION, end: str = TO_OPTION, fmt: str = FORMAT_OPTION,
        target: str = OUT_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Net promoter score: each customer's latest 0–10 answer, promoters minus detractors."""
    from crmterm.services.retention import survey_reports

    fmt = _format(fmt, target, as_json)
    first, last = parse_moment(start, "from"), parse_moment(end, "to")
    table = env_of(ctx).call(survey_reports.nps_report, start=first, end=last)
    show(table) if fmt == "table" else _write(ctx, table, fmt, target or "-")
