"""`/queues`: the caller's queues with waiting, taken and overdue counts (as `crmterm queue list`)."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.services.routing import queues
from crmterm.services.routing.queues import QueueCounts

router = APIRouter(prefix="/queues", tags=["queues"], responses=ERRORS)


@router.get("", response_model=list[QueueCounts])
def my_queues(api: Services = Depends(services)) -> list[QueueCounts]:
    return api.read(queues.my_queues)
