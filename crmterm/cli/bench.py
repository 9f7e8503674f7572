"""`crmterm bench`: the operations agents wait on, at a chosen scale, each beside the raw-SQL limit."""

from __future__ import annotations

import json
from pathlib import Path

import typer

from crmterm.cli._common import JSON_OPTION, env_of, err, out, print_json, print_table
from crmterm.i18n import _
from crmterm.locations import locations


def bench(ctx: typer.Context,
          db: str = typer.Option(None, "--db", help="Database to build or reuse (default: a SQLite file per size "
                                                     "in the data folder, never your own database)."),
          customers: int = typer.Option(2000, "--customers", min=100),
          inquiries: int = typer.Option(5000, "--inquiries", min=100),
          workers: int = typer.Option(16, "--workers", min=1, max=64,
                                      help="Concurrent agent processes (take-next, registration)."),
          concurrent_seconds: float = typer.Option(10.0, "--concurrent-seconds", min=0.5,
                                                   help="How long the agent processes register at once."),
          rounds: int = typer.Option(300, "--rounds", min=200, help="Timed operations per figure."),
          no_tui: bool = typer.Option(False, "--no-tui", help="Skip the TUI start and memory figures."),
          kb_articles: int = typer.Option(50_000, "--kb-articles", min=0,
                                          help="Synthetic knowledge-base articles to search (0: skip)."),
          out_file: str = typer.Option(None, "--out", help="Also write the JSON document to this file."),
          as_json: bool = JSON_OPTION) -> None:
    """Build (or reuse) a synthetic data set, then measure search, card, registration, take-next, queue pages,
    the monthly topic count, import, and the TUI's start and memory — with raw-SQL baselines."""
    from rich.progress import Progress, TaskID

    from crmterm.bench import dataset, run

    env = env_of(ctx)
    url = db or dataset.default_url((env.settings.where or locations()).data, customers, inquiries)
    with Progress(console=err, transient=True) as progress:
        tasks: dict[str, TaskID] = {}

        def advance(what: str, n: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = progress.add_task(_("Building {what}").format(what=what), total=total)
            progress.advance(tasks[what], n)

        status = progress.add_task(_("Measuring"), total=None)
        document = run.run(url, customers_n=customers, inquiries_n=inquiries, workers=workers, rounds=rounds,
                           progress=advance, note=lambda title: progress.update(status, description=title),
                           tui=not no_tui, kb_articles=kb_articles, concurrent_seconds=concurrent_seconds)
    if out_file:
        Path(out_file).write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if as_json:
        print_json(document)
        return
    metrics = document["metrics"]
    print_table([{"metric": k, "value": f"{v:.3f}" if isinstance(v, float) else v} for k, v in metrics.items()],
                [("metric", _("Metric")), ("value", _("Value"))],
                title=f"{document['backend']} · {customers} / {inquiries}")
    out.print(_("Units: _ms milliseconds, _us microseconds, _s seconds, _per_s operations per second."),
              markup=False)
