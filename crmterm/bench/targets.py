"""The figures docs/performance.md shows and the targets they are held to (issue 23), in one table: the doc
renderer (bench/doc.py) reads values from bench JSON documents and judges them here, so a target changes in
one place and no figure is typed into the docs by hand."""

from __future__ import annotations

from dataclasses import dataclass

AT_MOST, AT_LEAST = "≤", "≥"


@dataclass(frozen=True)
class Target:
    sense: str  # AT_MOST (times, counts) or AT_LEAST (rates)
    limit: float
    raw_ratio: float | None = None  # also within this ratio of the raw-SQL figure: ≤ ratio × raw / ≥ ratio × raw
    backend: str | None = None  # set for this database only ("sqlite" / "postgresql"); None: for both
    setting: tuple[str, float] | None = None  # holds when this other figure of the run has this value

    def applies_to(self, backend: str) -> bool:
        return self.backend is None or self.backend == backend


@dataclass(frozen=True)
class Figure:
    key: str  # in the bench document's "metrics"
    label: str  # may name other figures of the run, e.g. {take_next_workers}
    unit: str  # "ms", "s", "/s", "MB" or "" (a count)
    raw: str | None = None  # the raw-SQL baseline's key
    target: Target | None = None


def _report(name: str) -> Figure:
    return Figure(f"report_{name}_s", f"{name} report, one month", "s", target=Target(AT_MOST, 3.0))


FIGURES: tuple[Figure, ...] = (
    Figure("customer_search_p95_ms", "customer search p95 (mixed)", "ms", "customer_search_raw_p95_ms",
           Target(AT_MOST, 20.0, raw_ratio=2.0)),
    Figure("customer_card_p95_ms", "customer card p95", "ms", "customer_card_raw_p95_ms", Target(AT_MOST, 30.0)),
    Figure("register_per_s", "registration (contact + inquiry + 5 attributes)", "/s", "register_raw_per_s",
           Target(AT_LEAST, 300.0, raw_ratio=0.3, backend="sqlite")),
    Figure("take_next_per_s", "take-next, {take_next_workers} worker processes", "/s", "take_next_raw_per_s",
           Target(AT_LEAST, 1000.0, backend="postgresql", setting=("take_next_workers", 16))),
    Figure("double_assigned", "inquiries taken twice", "", target=Target(AT_MOST, 0)),
    Figure("queue_page_p95_ms", "queue page p95 (50 rows, keyset)", "ms", "queue_page_raw_p95_ms",
           Target(AT_MOST, 20.0)),
    *(_report(name) for name in ("topics", "operators", "repeats", "sla")),
    Figure("customers_import_per_s", "customer import", "/s", target=Target(AT_LEAST, 20_000.0, backend="postgresql")),
    Figure("api_register_per_s", "API registrations, {api_clients} clients, server workers: {api_workers}", "/s",
           target=Target(AT_LEAST, 300.0, backend="postgresql")),
    Figure("api_search_p95_ms", "API customer search p95, {api_clients} clients", "ms",
           target=Target(AT_MOST, 30.0, backend="postgresql")),
    Figure("kb_search_p95_ms", "knowledge-base search p95", "ms"),
    Figure("quote_price_p95_ms", "quote pricing p95 (30 items, structural discounts, rules)", "ms",
           target=Target(AT_MOST, 20.0)),
    Figure("cli_help_s", "`crmterm --help`, process start → exit", "s", target=Target(AT_MOST, 0.3)),
    Figure("cli_search_s", "`crmterm customer search`, process start → exit", "s", target=Target(AT_MOST, 0.6)),
    Figure("tui_ready_s", "TUI ready (process start → log-in served, database ready)", "s",
           target=Target(AT_MOST, 0.5)),
    Figure("tui_ready_cpu_s", "TUI ready, CPU time of the process (without waiting for a core)", "s"),
    Figure("tui_workspace_s", "TUI workspace (log-in pressed → Queues tab with rows)", "s"),
    Figure("tui_rss_mb", "TUI resident memory (Queues tab open)", "MB", target=Target(AT_MOST, 200.0)),
)

# The growth table: how the figures that depend on the table sizes move from 10k to 1M customers
GROWTH_SIZES = (10_000, 100_000, 1_000_000)
BACKENDS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def value_text(value: float | None, unit: str) -> str:
    if value is None:
        return "not measured"
    if unit == "/s":
        return f"{value:,.0f} /s"
    if unit == "ms":
        return f"{value:.2f} ms" if value < 10 else f"{value:.1f} ms"
    if unit == "s":
        return f"{value:.2f} s" if value < 10 else f"{value:.1f} s"
    if unit == "MB":
        return f"{value:.0f} MB"
    return f"{value:g}"


def target_text(figure: Figure) -> str:
    target = figure.target
    if target is None:
        return "—"
    parts = [f"{target.sense} {target.limit:,g}" + (f" {figure.unit}" if figure.unit else "")]
    if target.raw_ratio is not None:
        parts.append(f"{target.sense} {target.raw_ratio:g}× raw" if target.sense == AT_MOST
                     else f"{target.sense} {target.raw_ratio:g} of raw")
    text = ", ".join(parts)
    return f"{text} ({BACKENDS[target.backend]})" if target.backend else text


def verdict(figure: Figure, metrics: dict, backend: str) -> str:
    """✓, **missed** (with the raw ratio where the target has one), or why there is no verdict."""
    target, value = figure.target, metrics.get(figure.key)
    if target is None:
        return "—"
    if value is None:
        return "not measured"
    if not target.applies_to(backend):
        return f"— (target for {BACKENDS[target.backend or backend]})"
    if target.setting is not None and metrics.get(target.setting[0]) != target.setting[1]:
        return f"— (target is at {target.setting[0]} = {target.setting[1]:g})"
    met = value <= target.limit if target.sense == AT_MOST else value >= target.limit
    ratio_note = ""
    if target.raw_ratio is not None:
        raw = metrics.get(figure.raw or "")
        if not raw:
            return ("✓" if met else "**missed**") + " (raw not measured)"
        ratio = value / raw
        met = met and (ratio <= target.raw_ratio if target.sense == AT_MOST else ratio >= target.raw_ratio)
        ratio_note = f" ({ratio:.1f}× raw)" if target.sense == AT_MOST else f" ({ratio:.2g} of raw)"
    return ("✓" if met else "**missed**") + ratio_note
