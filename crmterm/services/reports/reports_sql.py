"""SQL building blocks the reports share, written once for both backends: hours between two timestamps, the
local day of a timestamp, and percentiles by window functions.

SQLite has no percentile_cont, so a percentile is computed the way percentile_cont defines it: over the n
values of a group in ascending order, the value at position q·(n−1) (counted from 0), interpolated linearly
between the two ranks around it. Ranks come from ROW_NUMBER/COUNT windows and the interpolation weights from
integer arithmetic that truncates the same way on SQLite and PostgreSQL, so both give the same figures.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Float, String, case, func, literal, null, or_, select, union_all
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql import ColumnElement, Select
from sqlalchemy.sql.functions import FunctionElement


class hours_between(FunctionElement):  # noqa: N801 - used like a SQL function
    """(end − start) in hours as a float; NULL when either is NULL."""

    type = Float()
    inherit_cache = True
    name = "hours_between"


@compiles(hours_between)
def _hours_postgresql(element, compiler, **kw):
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(CAST(EXTRACT(EPOCH FROM ({end}) - ({start})) AS DOUBLE PRECISION) / 3600.0)"


@compiles(hours_between, "sqlite")
def _hours_sqlite(element, compiler, **kw):
    # julianday reads the stored 'YYYY-MM-DD HH:MM:SS.ffffff' text to the millisecond
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"((julianday({end}) - julianday({start})) * 24.0)"


class local_day(FunctionElement):  # noqa: N801
    """The calendar day of a UTC timestamp shifted by a fixed offset in minutes, as 'YYYY-MM-DD' text."""

    type = String()
    inherit_cache = True
    name = "local_day"


@compiles(local_day)
def _day_postgresql(element, compiler, **kw):
    column, minutes = (compiler.process(arg, **kw) for arg in element.clauses)
    return (f"to_char(({column}) AT TIME ZONE 'UTC' + ({minutes}) * INTERVAL '1 minute', 'YYYY-MM-DD')")


@compiles(local_day, "sqlite")
def _day_sqlite(element, compiler, **kw):
    column, minutes = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"date({column}, ({minutes}) || ' minutes')"


@dataclass(frozen=True)
class Quantile:
    """q = numerator / denominator, kept as integers so the rank arithmetic is exact on both backends."""

    name: str
    numerator: int
    denominator: int


MEDIAN = Quantile("median", 1, 2)
P90 = Quantile("p90", 9, 10)


def percentiles(source: Select, keys: list[str], value: str, quantiles: tuple[Quantile, ...] = (MEDIAN, P90),
                *, overall: bool = False):
    """One row per distinct `keys` of `source` (a select naming its columns) with an `overall` column (0) and
    one column per quantile of its `value` column; NULL values are left out (a group of NULLs only gets
    NULL). With overall=True, one more row (overall = 1, keys NULL) over the whole source, which is still
    read once: both databases materialize a CTE that is used twice."""
    # OFFSET 0 keeps SQLite from merging `source` into the ranking query, where an expensive value (a
    # correlated subquery) would be computed once for the window's ORDER BY and again for the column
    measured = source.offset(0).cte("measured")
    grouped = _quantiles(measured, keys, value, quantiles, whole=False)
    return union_all(grouped, _quantiles(measured, keys, value, quantiles, whole=True)) if overall else grouped


def _quantiles(rows, keys: list[str], value: str, quantiles: tuple[Quantile, ...], whole: bool) -> Select:
    grouped = [] if whole else [rows.c[k] for k in keys]
    # NULLs rank last and are not counted, so they never sit at a chosen rank (no WHERE … IS NOT NULL: it
    # would be one more evaluation of the value)
    partition = grouped or None
    ranked = select(*grouped, rows.c[value].label("v"),
                    (func.row_number().over(partition_by=partition, order_by=rows.c[value].nulls_last()) - 1
                     ).label("k"),
                    func.count(rows.c[value]).over(partition_by=partition).label("n")).subquery()
    bounds = [_bounds(ranked.c.n, q) for q in quantiles]
    near = or_(*(ranked.c.k.between(low, low + 1) for low, _rest in bounds))
    columns = [func.sum(_weight(ranked.c.k, low, rest, q) * ranked.c.v).label(q.name)
               for q, (low, rest) in zip(quantiles, bounds, strict=True)]
    key_columns = [null().label(k) if whole else ranked.c[k] for k in keys]
    return (select(*key_columns, literal(int(whole)).label("overall"), *columns).where(near)
            .group_by(*([] if whole else key_columns)))


def _bounds(n: ColumnElement, q: Quantile) -> tuple[ColumnElement, ColumnElement]:
    """The lower rank around q·(n−1) and the remainder (0 … denominator−1) that weights the upper one."""
    scaled = (n - 1) * q.numerator
    low = scaled // q.denominator  # integer division on both backends (n ≥ 1, so never negative)
    return low, scaled - low * q.denominator


def _weight(k: ColumnElement, low: ColumnElement, rest: ColumnElement, q: Quantile) -> ColumnElement:
    share = 1.0 / q.denominator
    return case((k == low, (literal(q.denominator) - rest) * share), (k == low + 1, rest * share), else_=0.0)


def in_hours(value) -> float | None:
    """Hours rounded to a millionth (3.6 ms): drops the float noise of julianday arithmetic, keeps the rest."""
    return None if value is None else round(float(value), 6)


def average(total, count: int | None) -> float | None:
    return in_hours(total / count) if count else None


def share(part: int | None, whole: int | None) -> float | None:
    """part / whole as a fraction, or None when there is nothing to divide (not 0: "no data" is not 0 %)."""
    return part / whole if whole and part is not None else None
