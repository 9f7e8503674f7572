"""`/opportunities`: the pipeline (a sales agent's own, everyone's for sales.read; keyset pages, expected close
first), one opportunity with its stage history, quotes and activities, a new one, and a move to another stage
refused with 409 when it changed since the version read — as `crmterm opportunity …`."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import Field
from sqlmodel import Session

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes import _pages
from crmterm.api.routes._shapes import MAX_ID, Body, Cursor, Id, Limit, Page
from crmterm.services.accounts.permissions import Actor
from crmterm.services.sales import activities, opportunities, quotes
from crmterm.services.sales.activities import ActivityRead
from crmterm.services.sales.opportunities import OpportunityRead
from crmterm.services.sales.quotes import QuoteSummary

router = APIRouter(prefix="/opportunities", tags=["sales"], responses=ERRORS)
Code = Annotated[str | None, Query(max_length=64)]


class OpportunityIn(Body):
    """At the process's first stage; `amount` typed, or the net total of `quote` (then linked to it)."""

    customer: Annotated[int, Field(ge=1, le=MAX_ID)]
    title: Annotated[str, Field(max_length=200)]
    amount: Annotated[Decimal | None, Field(ge=0, le=opportunities.MAX_AMOUNT, decimal_places=2)] = None
    quote: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None
    expected_close: date | None = None
    process: Annotated[str | None, Field(max_length=64)] = None
    competitor: Annotated[str, Field(max_length=200)] = ""
    owner: Annotated[str | None, Field(max_length=64)] = None  # default: the caller (another: sales.supervise)


class StageIn(Body):
    stage: Annotated[str, Field(min_length=1, max_length=64)]
    reason: Annotated[str, Field(max_length=500)] = ""  # why it was lost (a lost stage needs one)
    version: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None


class OpportunityShown(OpportunityRead):
    """An opportunity with its quotes (those the caller sees) and its activities."""

    quote_list: list[QuoteSummary] = []
    activities: list[ActivityRead] = []


def _shown(*, session: Session, actor: Actor, opportunity_id: int) -> OpportunityShown:
    found = opportunities.get_opportunity(session=session, actor=actor, opportunity_id=opportunity_id)
    own = set(found.quotes)
    linked = [q for q in quotes.list_quotes(session=session, actor=actor, party_id=found.party_id,
                                            limit=_pages.EVERYTHING) if q.id in own]
    done = activities.list_activities(session=session, actor=actor, opportunity_id=opportunity_id)
    return OpportunityShown(**found.model_dump(), quote_list=linked, activities=done)


def _key(found: OpportunityRead) -> _pages.Key:
    """The service's order: expected close first, those without one last, then by number."""
    close = found.expected_close
    return (0 if close else 1, close.isoformat() if close else "", found.id)


@router.get("", response_model=Page[OpportunityRead])
def list_opportunities(owner: Code = None, state: Code = None, stage: Code = None,
                       customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None, limit: Limit = 50,
                       after: Cursor = None, api: Services = Depends(services)) -> Page[OpportunityRead]:
    """A sales agent sees their own; `owner` picks one seller's for those who see all."""
    found = api.read(opportunities.list_opportunities, owner=owner, state=state, stage=stage, party_id=customer,
                     limit=_pages.EVERYTHING)
    items, following = _pages.page(found, _key, limit, after)
    return Page(items=items, next=following)


@router.post("", status_code=201, response_model=OpportunityRead)
def create(body: OpportunityIn, api: Services = Depends(services)) -> OpportunityRead:
    return api.write(opportunities.create_opportunity, party_id=body.customer, title=body.title, amount=body.amount,
                     quote_id=body.quote, expected_close=body.expected_close, process=body.process,
                     competitor=body.competitor, owner=body.owner)


@router.get("/{opportunity_id}", response_model=OpportunityShown)
def show(opportunity_id: Id, api: Services = Depends(services)) -> OpportunityShown:
    return api.read(_shown, opportunity_id=opportunity_id)


@router.post("/{opportunity_id}/stage", response_model=OpportunityRead)
def move_stage(opportunity_id: Id, body: StageIn, api: Services = Depends(services)) -> OpportunityRead:
    """Into any stage of its process (a won or lost one closes it); 409 if it changed since `version`."""
    return api.write(opportunities.move_stage, opportunity_id=opportunity_id, stage=body.stage, reason=body.reason,
                     expected_version=body.version)
