"""`/inquiries`: create, list with the CLI's filters (keyset pages), one inquiry, comments, and the queue work
(take, start, move, close, reopen) with the role and queue rules of the services."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response
from pydantic import Field

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes._shapes import MAX_ID, Body, Cursor, Id
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.inquiries import inquiries, inquiry_actions, registration
from crmterm.services.inquiries.drafts import ContactDraft
from crmterm.services.inquiries.inquiry_actions import Moved
from crmterm.services.inquiries.registration import Registered
from crmterm.services.platform import archive_read
from crmterm.services.routing import queues
from crmterm.services.routing.queues import InquiryFilter, Page

router = APIRouter(prefix="/inquiries", tags=["inquiries"], responses=ERRORS)
Text = Annotated[str, Field(max_length=10000)]
Code = Annotated[str | None, Query(max_length=64)]
Version = Annotated[int | None, Field(ge=1, le=MAX_ID)]


class InquiryIn(Body):
    """One inquiry in a new contact, as `crmterm inquiry create` (`values`: attribute code → value as typed)."""

    topic: Annotated[str, Field(max_length=64)]
    customer: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None
    subscriber: Annotated[str | None, Field(max_length=64)] = None
    values: dict[Annotated[str, Field(max_length=64)], Any] = {}
    channel: Annotated[str | None, Field(max_length=64)] = None
    place: Annotated[str | None, Field(max_length=64)] = None
    template: Annotated[str | None, Field(max_length=64)] = None
    priority: Annotated[str | None, Field(max_length=64)] = None
    parent: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None
    text: Text = ""


class CommentIn(Body):
    text: Text
    public: bool = False  # shown to the customer in the portal (else an internal note)


class VersionIn(Body):
    version: Version = None


class MoveIn(Body):
    transition: Annotated[str, Field(max_length=64)]
    text: Text = ""
    version: Version = None


class CloseIn(Body):
    resolution: Text
    version: Version = None


class ReopenIn(Body):
    text: Text = ""
    version: Version = None


def _cursor(after: str | None) -> list | None:
    """The `cursor` of the previous page, as JSON text (as `crmterm inquiry list --after`)."""
    try:
        cursor = json.loads(after) if after else None
    except (ValueError, RecursionError):
        raise ValidationError("after", _("not a page cursor")) from None
    if cursor is not None and not isinstance(cursor, list):
        raise ValidationError("after", _("not a page cursor"))
    return cursor


@router.get("", response_model=Page)
def list_inquiries(queue: Code = None, state: Annotated[str, Query(max_length=32)] = "open", assignee: Code = None,
                   priority: Code = None, topic: Code = None,
                   customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None, overdue: bool = False,
                   sort: Annotated[str, Query(pattern="^(work|due|age)$")] = "work", desc: bool = False,
                   limit: Annotated[int, Query(ge=1, le=1000)] = queues.PAGE, after: Cursor = None,
                   api: Services = Depends(services)) -> Page:
    """As `crmterm inquiry list`: pass `cursor` of a page (JSON) as `after` for the next one."""
    where = InquiryFilter(queue=queue, state=state, assignee=assignee, priority=priority, topic=topic,
                          customer=customer, overdue=overdue)
    return api.read(queues.page, where=where, sort=sort, descending=desc, after=_cursor(after), limit=limit)


@router.post("", status_code=201, response_model=Registered)
def create(body: InquiryIn, api: Services = Depends(services)) -> Registered:
    draft = ContactDraft(template=body.template, place=body.place, channel=body.channel, customer=body.customer,
                         subscriber=body.subscriber,
                         inquiries=[{"topic": body.topic, "priority": body.priority, "values": body.values,
                                     "parent": body.parent, "text": body.text}])
    return api.write(registration.register, draft=draft)


@router.get("/{inquiry_id}")
def show(inquiry_id: Id, api: Services = Depends(services)) -> Any:
    """Everything about an inquiry (an archived one too), as `crmterm inquiry show --json`."""
    return api.read(archive_read.find_inquiry, inquiry_id=inquiry_id)


@router.post("/{inquiry_id}/comments", status_code=204, response_class=Response)
def comment(inquiry_id: Id, body: CommentIn, api: Services = Depends(services)) -> Response:
    api.write(inquiries.comment, inquiry_id=inquiry_id, text=body.text, public=body.public)
    return Response(status_code=204)


@router.post("/{inquiry_id}/take", response_model=Moved)
def take(inquiry_id: Id, body: VersionIn, api: Services = Depends(services)) -> Moved:
    return api.write(inquiry_actions.take, inquiry_id=inquiry_id, expected_version=body.version)


@router.post("/{inquiry_id}/start", response_model=Moved)
def start(inquiry_id: Id, body: VersionIn, api: Services = Depends(services)) -> Moved:
    return api.write(inquiry_actions.start, inquiry_id=inquiry_id, expected_version=body.version)


@router.post("/{inquiry_id}/move", response_model=Moved)
def move(inquiry_id: Id, body: MoveIn, api: Services = Depends(services)) -> Moved:
    return api.write(inquiry_actions.move, inquiry_id=inquiry_id, transition=body.transition, text=body.text,
                     expected_version=body.version)


@router.post("/{inquiry_id}/close", response_model=Moved)
def close(inquiry_id: Id, body: CloseIn, api: Services = Depends(services)) -> Moved:
    return api.write(inquiry_actions.close, inquiry_id=inquiry_id, resolution=body.resolution,
                     expected_version=body.version)


@router.post("/{inquiry_id}/reopen", response_model=Moved)
def reopen(inquiry_id: Id, body: ReopenIn, api: Services = Depends(services)) -> Moved:
    return api.write(inquiry_actions.reopen, inquiry_id=inquiry_id, text=body.text, expected_version=body.version)
