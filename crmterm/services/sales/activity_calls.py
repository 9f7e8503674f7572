"""An outbound call made from a call activity: the phone contact is registered through the normal registration
service (direction out, channel phone, the activity's customer, one inquiry of the topic the seller names) and
the activity is done with the contact's id — one transaction, so an activity is never done without its
contact nor a contact left behind an activity still open."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.sales import activities
from crmterm.store import utcnow

PHONE = "phone"  # the channel of an outbound call (the demo's and the seed's code)


class ActivityCall(BaseModel):
    activity: activities.ActivityRead
    contact_id: int
    inquiry_id: int


def register_call(*, session: Session, actor: Actor, activity_id: int, topic: str, outcome: str = "",
                  number: str = "", template: str | None = None, place: str | None = None,
                  version: int | None = None) -> ActivityCall:
    """Register the call of an open call activity as an outbound contact and mark the activity done with
    `outcome`. `template`/`place`: the seller's (the Register tab's active template)."""
    require(actor, Permission.INQUIRIES_WRITE)
    row = activities.changeable(session, actor, activity_id, version)
    if row.kind != "call":
        raise ValidationError("kind", _("only a call registers a contact"))
    if row.party_id is None:
        raise ValidationError("customer", _("activity {id} has no customer to call").format(id=activity_id))
    note = " ".join(outcome.split()) or row.title
    draft = ContactDraft(template=template, place=place, direction="out", channel=PHONE, customer=row.party_id,
                         caller=number, text=note, at=utcnow(), inquiries=[InquiryDraft(topic=topic, text=note)])
    registered = registration.register(session=session, actor=actor, draft=draft)
    done = activities.complete_activity(session=session, actor=actor, activity_id=activity_id, outcome=note,
                                        contact_id=registered.contact_id)
    return ActivityCall(activity=done, contact_id=registered.contact_id, inquiry_id=registered.inquiry_ids[0])
