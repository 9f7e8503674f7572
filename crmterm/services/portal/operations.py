"""Self-service operations: business functions an admin marked "self-service" (`crmterm portal
offer-function`), run by customers on their own data — e.g. the demo's balance SMS to their own number.

Each run is a contact on the web channel with a closed inquiry of the offer's topic, the function logged on
it (as agents' runs are), and a line in the customer's history; the whole run is one transaction, so a
function that refuses leaves nothing behind. Parameters are the offer's fixed ones: a customer types none,
so nobody can point a function at someone else's number or account."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.customers import history
from crmterm.services.inquiries import functions, registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.portal import offers
from crmterm.services.portal.access import PORTAL
from crmterm.services.portal.identity import PortalCustomer
from crmterm.services.portal.requests import CHANNEL
from crmterm.store import Contract, Subscriber


def offered(*, session: Session, customer: PortalCustomer) -> list[offers.OfferedFunction]:
    return offers.offered_functions(session)


def _own_number(session: Session, party_id: int) -> str | None:
    """The customer's first active service number: what a function without a phone of its own acts on."""
    return session.exec(select(Subscriber.number).join(Contract, col(Contract.id) == Subscriber.contract_id)
                        .where(Contract.payer_party_id == party_id, Subscriber.status == "active")
                        .order_by(col(Subscriber.id))).first()


def run(*, session: Session, customer: PortalCustomer, name: str) -> str:
    """Run offered function `name` for the customer; returns what it reported."""
    function = next((f for f in offers.offered_functions(session) if f.name == name), None)
    if function is None:
        raise NotFound(_("Service"), name)
    draft = ContactDraft(customer=customer.party_id, channel=CHANNEL, direction="in", caller=customer.name,
                         subscriber=_own_number(session, customer.party_id),
                         inquiries=[InquiryDraft(topic=function.topic, text=function.label, close=True)])
    inquiry_id = registration.register(session=session, actor=PORTAL, draft=draft).inquiry_ids[0]
    done = functions.run(session=session, actor=PORTAL, name=name, inquiry_id=inquiry_id, params=function.params)
    result = done.result or function.label
    history.record(session, entity="party", entity_id=customer.party_id, field="self_service", old=None,
                   new=f"{function.label}: {result}", by=PORTAL.login, source="portal")
    audit.record(session, PORTAL, "run", "portal_function", name,
                 after={"customer": customer.party_id, "inquiry": inquiry_id}, source="portal")
    return result
