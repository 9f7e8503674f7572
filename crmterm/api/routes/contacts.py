"""`POST /contacts`: a contact with its inquiries, all or nothing, as `crmterm contact register` (the same
document); done once per `Idempotency-Key` (or the document's `external_id`): a repeat returns the first result."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Header

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.inquiries import attachments, external_events
from crmterm.services.inquiries.drafts import ContactDraft
from crmterm.services.inquiries.external_events import RegisteredOnce

router = APIRouter(prefix="/contacts", tags=["contacts"], responses=ERRORS)


class ContactIn(ContactDraft):
    external_id: str | None = None
    source: str | None = None


@router.post("", status_code=201, response_model=RegisteredOnce)
def register(body: ContactIn, api: Services = Depends(services),
             idempotency_key: Annotated[str | None, Header(max_length=200)] = None) -> RegisteredOnce:
    for number, inquiry in enumerate(body.inquiries, 1):
        if inquiry.files:  # paths name files on the server's disk: never for a caller over the network
            raise ValidationError(f"inquiries.{number}.files", _("files cannot be attached through the API"))
    draft = ContactDraft.model_validate(body.model_dump(exclude={"external_id", "source"}, exclude_unset=True))
    return api.write(external_events.register, draft=draft, limits=attachments.limits_of(api.settings),
                     external_id=idempotency_key or body.external_id, source=body.source,
                     max_inquiries=api.settings.contact_max_inquiries)
