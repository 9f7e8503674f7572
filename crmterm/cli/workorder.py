"""`crmterm workorder …` and `crmterm technician …`: field service from the command line — work orders raised
from inquiries, dispatched to technicians, visited, recorded and accepted; the technicians themselves."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import typer

from crmterm.cli._common import JSON_OPTION, env_of, input_path, out, print_json, print_table
from crmterm.i18n import _, fmt_date
from crmterm.moments import typed_day
from crmterm.services.service import dispatch, technicians, technicians_import, workorders, workorders_flow
from crmterm.services.service.workorders_read import WorkOrderRead

app = typer.Typer(no_args_is_help=True, help="Work orders: field visits raised from inquiries, dispatched to "
                                            "technicians.")
technician_app = typer.Typer(no_args_is_help=True, help="Technicians: skills, region and working calendar.")


def _show(order: WorkOrderRead, as_json: bool) -> None:
    if as_json:
        print_json(order)
        return
    who = order.technician_name or _("nobody yet")
    out.print(_("Work order {n} ({state}) for inquiry {inquiry}, {customer}").format(
        n=order.id, state=order.state, inquiry=order.inquiry_id, customer=order.customer or "-"), markup=False)
    out.print(_("Visit {day} {start}-{end}, {region}, {address}; technician: {who}").format(
        day=fmt_date(order.visit_on), start=order.window_from, end=order.window_to, region=order.region,
        address=order.address or "-", who=who), markup=False)
    for task in order.tasks:
        out.print(f"  - {task}", markup=False)
    if order.lines:
        out.print(_("Recorded: {minutes} min, expenses {amount}").format(minutes=order.minutes,
                                                                          amount=order.expenses), markup=False)
    if order.accepted_by:
        out.print(_("Accepted by {name}").format(name=order.accepted_by), markup=False)


@app.command("create")
def create(ctx: typer.Context, inquiry: int = typer.Argument(..., help="The inquiry the visit is for."),
           window: str = typer.Option(..., "--window", help="Visit day and local window: 2026-12-08 09:00-13:00."),
           region: str = typer.Option(..., "--region"),
           skill: list[str] = typer.Option([], "--skill", help="A skill the technician needs: CODE or CODE:LEVEL."),
           task: list[str] = typer.Option([], "--task", help="What to do (repeat for several)."),
           address: str = typer.Option("", "--address"), as_json: bool = JSON_OPTION) -> None:
    """Plan a work order for INQUIRY."""
    _show(env_of(ctx).call(workorders.create_work_order, inquiry_id=inquiry, region=region, window=window,
                           skills=list(skill), tasks=list(task), address=address), as_json)


@app.command("list")
def list_(ctx: typer.Context, state: str = typer.Option(None, "--state", help="planned, dispatched, in_progress, "
                                                                             "done, cancelled or open."),
          technician: str = typer.Option(None, "--technician"), inquiry: int = typer.Option(None, "--inquiry"),
          as_json: bool = JSON_OPTION) -> None:
    """Work orders, newest visit first (technicians: their own)."""
    found = env_of(ctx).call(workorders.list_work_orders, state=state, technician=technician, inquiry_id=inquiry)
    if as_json:
        print_json(found)
        return
    print_table([{**o.model_dump(), "window": f"{fmt_date(o.visit_on)} {o.window_from}-{o.window_to}",
                  "technician": o.technician or ""} for o in found],
                [("id", _("No.")), ("inquiry_id", _("Inquiry")), ("state", _("State")), ("window", _("Visit")),
                 ("region", _("Region")), ("technician", _("Technician")), ("customer", _("Customer"))])


@app.command("show")
def show(ctx: typer.Context, work_order: int, as_json: bool = JSON_OPTION) -> None:
    """One work order with what was recorded on it."""
    _show(env_of(ctx).call(workorders.get_work_order, work_order_id=work_order), as_json)


@app.command("dispatch")
def dispatch_(ctx: typer.Context, work_order: int,
              technician: str = typer.Argument(None, help="Login; without it, the technician the board proposes."),
              as_json: bool = JSON_OPTION) -> None:
    """Give WORK_ORDER to TECHNICIAN (or to the proposed one)."""
    if technician:
        found = env_of(ctx).call(workorders_flow.dispatch, work_order_id=work_order, technician=technician)
    else:
        found = env_of(ctx).call(dispatch.assign_proposed, work_order_id=work_order)
    _show(found, as_json)


@app.command("start")
def start(ctx: typer.Context, work_order: int, as_json: bool = JSON_OPTION) -> None:
    """The technician is on site."""
    _show(env_of(ctx).call(workorders_flow.start, work_order_id=work_order), as_json)


@app.command("record")
def record(ctx: typer.Context, work_order: int, minutes: int = typer.Option(0, "--minutes"),
           material: list[str] = typer.Option([], "--material", help="CODE:QTY of a catalogue product."),
           expense: list[str] = typer.Option([], "--expense", help="AMOUNT:TEXT, e.g. 350:parking."),
           as_json: bool = JSON_OPTION) -> None:
    """Record time, materials and expenses of the visit."""
    _show(env_of(ctx).call(workorders_flow.record, work_order_id=work_order, minutes=minutes,
                           materials=list(material), expenses=list(expense)), as_json)


@app.command("accept")
def accept(ctx: typer.Context, work_order: int, by: str = typer.Option(..., "--by", help="The customer's name."),
           as_json: bool = JSON_OPTION) -> None:
    """The customer accepts the work."""
    _show(env_of(ctx).call(workorders_flow.accept, work_order_id=work_order, by=by), as_json)


@app.command("done")
def done(ctx: typer.Context, work_order: int, as_json: bool = JSON_OPTION) -> None:
    """Complete WORK_ORDER; the last one of its inquiry moves the inquiry along its route."""
    _show(env_of(ctx).call(workorders_flow.complete, work_order_id=work_order), as_json)


@app.command("cancel")
def cancel(ctx: typer.Context, work_order: int, as_json: bool = JSON_OPTION) -> None:
    """Cancel an open work order (dispatchers)."""
    _show(env_of(ctx).call(workorders_flow.cancel, work_order_id=work_order), as_json)


@app.command("board")
def board(ctx: typer.Context, week: str = typer.Option(None, "--week", help="A day of the week (default: today)."),
          as_json: bool = JSON_OPTION) -> None:
    """The dispatch board of a week: visits per technician and day, unassigned orders with a proposal."""
    start = dispatch.week_of(typed_day(week, "--week") if week else date.today())
    found = env_of(ctx).call(dispatch.board, start=start)
    if as_json:
        print_json(found)
        return
    print_table([{"technician": row.technician.login, **{fmt_date(day): " ".join(f"#{v.id}" for v in cell)
                                                         for day, cell in zip(found.days, row.days)}}
                 for row in found.rows],
                [("technician", _("Technician")), *((fmt_date(d), fmt_date(d)) for d in found.days)])
    print_table([{**v.model_dump(), "proposed": v.proposed or "-"} for v in found.unassigned],
                [("id", _("No.")), ("visit_on", _("Day")), ("window", _("Window")), ("region", _("Region")),
                 ("proposed", _("Proposed"))], title=_("Unassigned"))


@technician_app.command("add")
def technician_add(ctx: typer.Context, login: str, region: str = typer.Option(..., "--region"),
                   calendar: str = typer.Option(None, "--calendar", help="Business calendar code (default: the "
                                                                          "default calendar)."),
                   skill: list[str] = typer.Option([], "--skill", help="CODE:LEVEL (1-5); other skills stay."),
                   as_json: bool = JSON_OPTION) -> None:
    """Make LOGIN a technician (or change their region, calendar and skills)."""
    pairs = [s.partition(":") for s in skill]
    if any(level and not level.isdecimal() for _code, _sep, level in pairs):
        raise typer.BadParameter(_("expected CODE:LEVEL"), param_hint="--skill")
    skills = {code: int(level or 1) for code, _sep, level in pairs} if skill else None
    found = env_of(ctx).call(technicians.add_technician, login=login, region=region, calendar=calendar,
                             skills=skills)
    print_json(found) if as_json else out.print(_("Technician {login}: {region}").format(
        login=found.login, region=found.region), markup=False)


@technician_app.command("list")
def technician_list(ctx: typer.Context, region: str = typer.Option(None, "--region"),
                    as_json: bool = JSON_OPTION) -> None:
    """Technicians with their region, calendar and skills."""
    found = env_of(ctx).call(technicians.list_technicians, region=region)
    if as_json:
        print_json(found)
        return
    print_table([{**t.model_dump(), "skills": ", ".join(f"{k}:{v}" for k, v in t.skills.items()),
                  "calendar": t.calendar or "-"} for t in found],
                [("login", _("Login")), ("name", _("Name")), ("region", _("Region")), ("calendar", _("Calendar")),
                 ("skills", _("Skills"))])


@technician_app.command("show")
def technician_show(ctx: typer.Context, login: str, as_json: bool = JSON_OPTION) -> None:
    """One technician."""
    found = env_of(ctx).call(technicians.get_technician, login=login)
    if as_json:
        print_json(found)
        return
    out.print(f"{found.login} ({found.name}): {found.region}, {found.calendar or '-'}; "
              + ", ".join(f"{k}:{v}" for k, v in found.skills.items()), markup=False)


@technician_app.command("import")
def technician_import(ctx: typer.Context, file: Path) -> None:
    """Technicians from a YAML configuration file or a CSV file (login, region, calendar, skills)."""
    path = input_path(ctx, file)
    done = env_of(ctx).call(technicians_import.import_technicians, path=path)
    out.print(_("Technicians: {created} created, {updated} updated").format(
        created=done.created.get("technicians", 0), updated=done.updated.get("technicians", 0)), markup=False)
