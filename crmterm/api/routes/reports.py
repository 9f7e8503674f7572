"""`/reports/forecast`: the sales forecast (issue 26) as `crmterm report forecast --json` writes it — the open
pipeline's amount and weighted amount by month of expected close, owner or product; a sales agent's own
pipeline, everyone's for sales.read."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.services.reports import exports
from crmterm.services.sales import forecast

router = APIRouter(prefix="/reports", tags=["reports"], responses=ERRORS)


@router.get("/forecast")
def sales_forecast(by: Annotated[str, Query(pattern="^(month|owner|product)$")] = "month",
                   process: Annotated[str | None, Query(max_length=64)] = None,
                   api: Services = Depends(services)) -> dict[str, Any]:
    """`{"name", "title", "params", "columns", "rows", "totals"}`, rows keyed by the columns' keys."""
    return exports.as_document(api.read(forecast.forecast_report, by=by, process=process))
