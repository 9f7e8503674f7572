"""Keeping a callback: the outbound phone contact is registered through the normal registration service,
linked to the callback, and the callback is marked done — one transaction, so a callback is never done
without its contact nor a contact left behind a callback still owed.

The contact needs an inquiry (registration records contacts with what they were about): a callback linked to
an open inquiry adds the contact to it; otherwise the caller names the topic of the new inquiry."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.work import callbacks
from crmterm.store import Inquiry, utcnow
from crmterm.workflow.engine import OPEN

PHONE = "phone"  # the channel of an outbound call (the demo's and the seed's code)


class CallbackDone(BaseModel):
    callback_id: int
    contact_id: int
    inquiry_id: int  # the linked inquiry, or the new one


def complete(*, session: Session, actor: Actor, callback_id: int, topic: str | None = None, text: str = "",
             template: str | None = None, place: str | None = None, version: int | None = None) -> CallbackDone:
    """Register the outbound contact of a scheduled callback and mark it done. `template`/`place`: the
    agent's (the Register tab's active template); the channel is the phone and the direction out."""
    require(actor, Permission.INQUIRIES_WRITE)
    row = callbacks.open_callback(session, actor, callback_id, version)
    inquiry = _open_inquiry(session, row.inquiry_id)
    if inquiry is None and not topic:
        raise ValidationError("topic", _("callback {n} has no open inquiry: give the topic of the call")
                              .format(n=callback_id))
    note = text.strip() or row.note
    item = InquiryDraft(link_to=inquiry.id, text=note) if inquiry is not None and not topic \
        else InquiryDraft(topic=topic, text=note)
    draft = ContactDraft(template=template, place=place, direction="out", channel=PHONE, customer=row.party_id,
                         caller=row.number, text=note, at=utcnow(), inquiries=[item])
    registered = registration.register(session=session, actor=actor, draft=draft)
    callbacks.claim(session, actor, row, state=callbacks.DONE, done_contact_id=registered.contact_id)
    return CallbackDone(callback_id=callback_id, contact_id=registered.contact_id,
                        inquiry_id=registered.inquiry_ids[0])


def _open_inquiry(session: Session, inquiry_id: int | None) -> Inquiry | None:
    if inquiry_id is None:
        return None
    found = session.get(Inquiry, inquiry_id)
    return found if found is not None and found.state in OPEN else None
