"""The inquiries behind a report builder row, as a reports_drill key: each grouping narrows the report's own
scope the way it grouped — an inquiry column (`where`), a report filter by code (place, channel, category, a
topic's subtree), or the period to the row's day, week or month. A row no key can describe (an attribute's
value, "no place", a topic level beside a topic filter) gets None, and the screen says so."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from crmterm.services.reports.builder_groups import Grouping
from crmterm.services.reports.reports_drill import drill_key
from crmterm.services.reports.reports_scope import Scope
from crmterm.services.routing.queues import InquiryFilter


def drill_of(scope: Scope, groups: list[Grouping], values: tuple, saved: InquiryFilter | None,
             now: datetime) -> dict[str, Any] | None:
    where: dict[str, Any] = {}
    filters: dict[str, str] = {}
    start, end = scope.start, scope.end
    for group, value in zip(groups, values, strict=True):
        how, name = group.drill or ("", "")
        if how == "where":
            where[name] = value
        elif how == "filter" and value in group.codes and not (name == "topic" and scope.topic_ids is not None):
            filters[name] = group.codes[value]
        elif how == "period" and value is not None:
            first, following = _bounds(name, value, scope)
            start, end = max(start, first), min(end, following)
        else:
            return None
    narrowed = Scope(start, end, scope.filters.model_copy(update=filters))
    parts: dict[str, Any] = {"where": where} if where else {}
    if saved is not None:
        parts |= {"saved": saved, "now": now}
    return drill_key("builder", narrowed, **parts)


def _bounds(period: str, value: str, scope: Scope) -> tuple[datetime, datetime]:
    """[first moment, first moment after) of a day, a week (from Monday) or a month in the period's zone."""
    first = date.fromisoformat(value if period != "month" else f"{value}-01")
    if period == "day":
        following = first + timedelta(days=1)
    elif period == "week":
        following = first + timedelta(days=7)
    else:
        following = (first + timedelta(days=32)).replace(day=1)
    zone = scope.start.tzinfo
    return (datetime.combine(first, datetime.min.time(), zone), datetime.combine(following, datetime.min.time(), zone))
