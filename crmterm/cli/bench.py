"""`crmterm bench`: figures for the operations agents wait on (extended as capabilities land)."""

from __future__ import annotations

import typer

from crmterm.cli._common import JSON_OPTION, env_of, out, print_json, print_table
from crmterm.i18n import _
from crmterm.services import bench_forms, bench_queues, bench_registration


def bench(ctx: typer.Context, rounds: int = typer.Option(300, "--rounds", min=10),
          as_json: bool = JSON_OPTION) -> None:
    """Measure topic forms, rules, registration (rolled back) and queue pages on the data present."""
    env = env_of(ctx)
    with env.unit_of_work() as session:
        metrics = bench_forms.measure_forms(session=session, actor=env.actor, rounds=rounds)
    with env.unit_of_work() as session:
        metrics |= bench_registration.measure_registration(session=session, actor=env.actor, rounds=rounds)
    with env.unit_of_work() as session:
        metrics |= bench_queues.measure_queue_pages(session=session, actor=env.actor, rounds=rounds)
    document = {"backend": env.settings.database_url.split(":")[0].split("+")[0], "metrics": metrics}
    if as_json:
        print_json(document)
        return
    print_table([{"metric": k, "value": f"{v:.3f}" if isinstance(v, float) else v} for k, v in metrics.items()],
                [("metric", _("Metric")), ("value", _("Value"))], title=document["backend"])
    out.print(_("Units: _ms milliseconds, _us microseconds."), markup=False)
