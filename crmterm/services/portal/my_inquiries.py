"""A customer's own inquiries in the portal: the list, one inquiry with its public timeline, comments and
files added by the customer.

Every call first checks that the inquiry belongs to a party the customer may see; another customer's inquiry
answers exactly like a missing one (404), so guessing numbers tells nothing. The timeline shows the
life-cycle (registered, closed, reopened, cancelled), comments marked public and the customer's own files —
never internal notes, attributes marked internal, or (unless configured) agents' names."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.customers.party_inquiries import SUMMARY_QUERY, InquirySummary, summaries
from crmterm.services.inquiries import attachments, inquiries
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.portal import offers
from crmterm.services.portal.access import PORTAL
from crmterm.services.portal.identity import PortalCustomer
from crmterm.store import Attachment, Inquiry

LIFE_CYCLE = {"created": "registered", "closed": "closed", "reopened": "reopened", "cancelled": "cancelled"}
CUSTOMER = "customer"  # who wrote it, as the timeline says


class TimelineEntry(BaseModel):
    at: datetime
    who: str  # "customer", "support" or the agent's login when configured
    kind: str  # registered | closed | reopened | cancelled | comment | file | service
    text: str


class FileRead(BaseModel):
    id: int
    name: str
    size: int


class PublicValue(BaseModel):
    label: str
    shown: str


class MyInquiry(BaseModel):
    id: int
    topic: str
    state: str
    state_label: str
    created_at: datetime
    due_at: datetime | None
    closed_at: datetime | None
    text: str
    values: list[PublicValue]
    timeline: list[TimelineEntry]
    files: list[FileRead]
    rating: int | None = None
    remark: str = ""


def list_mine(*, session: Session, customer: PortalCustomer, limit: int = 100) -> list[InquirySummary]:
    """The customer's inquiries (and those of the parties they may see), newest first."""
    return summaries(session, SUMMARY_QUERY.where(col(Inquiry.party_id).in_(sorted(customer.visible)))
                     .order_by(col(Inquiry.id).desc()).limit(limit))


def own(session: Session, customer: PortalCustomer, inquiry_id: int) -> Inquiry:
    """The inquiry if the customer may see it; NotFound otherwise (the same as a missing number)."""
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or not customer.may_see(inquiry.party_id):
        raise NotFound(_("Inquiry"), inquiry_id)
    return inquiry


def _who(actor: str, show_agents: bool) -> str:
    if actor == PORTAL.login:
        return CUSTOMER
    return actor if show_agents else "support"


def _timeline(events, show_agents: bool, files: set[int]) -> list[TimelineEntry]:
    entries = []
    for event in events:
        kind = LIFE_CYCLE.get(event.kind)
        if event.kind == "commented" and event.data.get("public"):
            kind = "comment"
        elif event.kind == "attached" and event.data.get("attachment") in files:
            kind = "file"
        elif event.kind == "function" and event.actor == PORTAL.login:  # a self-service run (operations)
            kind = "service"
        if kind is not None:
            text = event.text if kind in ("comment", "file", "service") else ""
            entries.append(TimelineEntry(at=event.at, who=_who(event.actor, show_agents), kind=kind,
                                         text=text))
    return entries


def show(*, session: Session, customer: PortalCustomer, inquiry_id: int, show_agents: bool = False) -> MyInquiry:
    own(session, customer, inquiry_id)
    found = inquiries.get_inquiry(session=session, actor=PORTAL, inquiry_id=inquiry_id)
    hidden = offers.internal_attributes(session, found.topic)
    files = [FileRead(id=a.id, name=a.name, size=a.size) for a in found.attachments if a.created_by == PORTAL.login]
    rating = offers.rating_of(session, inquiry_id)
    return MyInquiry(id=found.id, topic=found.topic_label, state=found.state, state_label=state_label(found.state),
                     created_at=found.created_at, due_at=found.due_at, closed_at=found.closed_at, text=found.text,
                     values=[PublicValue(label=v.label, shown=v.shown) for v in found.values if v.code not in hidden],
                     timeline=_timeline(found.events, show_agents, {f.id for f in files}), files=files,
                     rating=rating[0] if rating else None, remark=rating[1] if rating else "")


def comment(*, session: Session, customer: PortalCustomer, inquiry_id: int, text: str) -> None:
    """The customer's comment: public (the customer wrote it), in the inquiry's timeline for the agents too."""
    own(session, customer, inquiry_id)
    inquiries.comment(session=session, actor=PORTAL, inquiry_id=inquiry_id, text=text, public=True,
                      data={"customer": customer.party_id})
    audit.record(session, PORTAL, "comment", "inquiry", str(inquiry_id), after={"customer": customer.party_id},
                 source="portal")


def attach(*, session: Session, customer: PortalCustomer, inquiry_id: int, name: str, data: bytes,
           limits: attachments.AttachmentLimits) -> int:
    """A file from the customer, within the topic's and the installation's limits."""
    own(session, customer, inquiry_id)
    attachment_id = attachments.attach(session=session, actor=PORTAL, inquiry_id=inquiry_id, name=name, data=data,
                                       limits=limits)
    audit.record(session, PORTAL, "attach", "inquiry", str(inquiry_id),
                 after={"customer": customer.party_id, "attachment": attachment_id}, source="portal")
    return attachment_id


def file_content(*, session: Session, customer: PortalCustomer, inquiry_id: int, attachment_id: int
                 ) -> tuple[str, bytes]:
    """A file the customer added to their inquiry (others' files are not the customer's to download)."""
    own(session, customer, inquiry_id)
    row = session.exec(select(Attachment.id).where(Attachment.id == attachment_id, Attachment.inquiry_id == inquiry_id,
                                                   Attachment.created_by == PORTAL.login)).first()
    if row is None:
        raise NotFound(_("Attachment"), attachment_id)
    return attachments.content(session=session, actor=PORTAL, attachment_id=attachment_id)
