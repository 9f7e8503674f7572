"""`/queues`: the caller's queues with waiting, taken and overdue counts (as `crmterm queue list`), and taking
the next inquiry of one (as `crmterm inquiry take --queue Q`)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.services.accounts.permissions import Actor
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.inquiries.inquiry_actions import Moved
from crmterm.services.routing import queues
from crmterm.services.routing.queues import QueueCounts

router = APIRouter(prefix="/queues", tags=["queues"], responses=ERRORS)


@router.get("", response_model=list[QueueCounts])
def my_queues(api: Services = Depends(services)) -> list[QueueCounts]:
    return api.read(queues.my_queues)


# Two services in one transaction, as `crmterm inquiry take --queue` runs them (the session stays opaque here).
def _take_next(*, session: Any, actor: Actor, queue: str) -> Moved | None:
    taken = queues.take_next(session=session, actor=actor, queue=queue)
    return inquiry_actions.moved(session, taken) if taken else None


@router.post("/{queue}/take", response_model=Moved | None)
def take_next(queue: Annotated[str, Path(max_length=64)], api: Services = Depends(services)) -> Moved | None:
    """The next waiting inquiry of the queue (priority, deadline, age), now the caller's; null when none waits."""
    return api.write(_take_next, queue=queue)
