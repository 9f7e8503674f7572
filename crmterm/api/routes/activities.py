"""`/activities`: a seller's calls, meetings and tasks — a day's or an owner's (keyset pages by start), a new
one, and one completed with its outcome — as `crmterm activity list | new | done`."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes import _pages
from crmterm.api.routes._shapes import MAX_ID, Body, Cursor, Id, Limit, Page
from crmterm.moments import check_moment
from crmterm.services.sales import activities
from crmterm.services.sales.activities import ActivityRead

router = APIRouter(prefix="/activities", tags=["sales"], responses=ERRORS)
Ref = Annotated[int | None, Field(ge=1, le=MAX_ID)]


class ActivityIn(Body):
    """About a customer, an opportunity (then its customer too) or both; `starts_at` without a zone: UTC."""

    kind: Annotated[str, Field(max_length=16)]  # call, meeting or task
    title: Annotated[str, Field(max_length=200)]
    starts_at: datetime
    duration: Annotated[int, Field(ge=0, le=activities.MAX_DURATION)] = 30  # minutes
    customer: Ref = None
    opportunity: Ref = None
    owner: Annotated[str | None, Field(max_length=64)] = None  # default: the caller (another: sales.supervise)


class DoneIn(Body):
    outcome: Annotated[str, Field(max_length=500)] = ""
    version: Ref = None


def _key(found: ActivityRead) -> _pages.Key:
    return (found.starts_at.timestamp(), found.id)


@router.get("", response_model=Page[ActivityRead])
def list_activities(day: date | None = None, owner: Annotated[str | None, Query(max_length=64)] = None,
                    state: Annotated[str | None, Query(max_length=16)] = None, overdue: bool = False,
                    customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
                    opportunity: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None, limit: Limit = 50,
                    after: Cursor = None, api: Services = Depends(services)) -> Page[ActivityRead]:
    """By start; `day`: one day (the server's local day). A sales agent sees their own; `owner` picks one
    seller's for those who see all."""
    start = end = None
    if day is not None:
        check_moment(day, "day")
        start, end = activities.local_days(day, 1)
    found = api.read(activities.list_activities, owner=owner, start=start, end=end, state=state, overdue=overdue,
                     party_id=customer, opportunity_id=opportunity, limit=_pages.EVERYTHING)
    items, following = _pages.page(found, _key, limit, after)
    return Page(items=items, next=following)


@router.post("", status_code=201, response_model=ActivityRead)
def create(body: ActivityIn, api: Services = Depends(services)) -> ActivityRead:
    starts_at = body.starts_at if body.starts_at.utcoffset() is not None else body.starts_at.replace(tzinfo=UTC)
    return api.write(activities.create_activity, kind=body.kind, title=body.title, starts_at=starts_at,
                     duration=body.duration, party_id=body.customer, opportunity_id=body.opportunity,
                     owner=body.owner)


@router.post("/{activity_id}/complete", response_model=ActivityRead)
def complete(activity_id: Id, body: DoneIn, api: Services = Depends(services)) -> ActivityRead:
    """Done, with what came of it; 409 if it changed since `version`."""
    return api.write(activities.complete_activity, activity_id=activity_id, outcome=body.outcome,
                     version=body.version)
