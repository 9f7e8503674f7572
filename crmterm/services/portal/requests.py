"""A new request from the portal: the customer picks a topic offered in self-service, fills its form (the
agents' attribute types and rules, checked here on the server), attaches files; the inquiry is registered on
the web channel for the customer and routed like any other, so it waits in an agents' queue at once.

Attributes marked internal on the offer are neither shown nor taken from the form (their defaults apply).
On an error nothing is written and the form comes back with what was typed and each error at its field."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.inquiries import attachments, registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.portal import offers
from crmterm.services.portal.access import PORTAL
from crmterm.services.portal.identity import PortalCustomer
from crmterm.services.topics.attribute_checks import preview
from crmterm.store import Topic

CHANNEL = "web"  # the channel of every contact made in the portal (in the demo configuration)
TEXT_FIELD = "text"
FILES_FIELD = "files"


@dataclass
class PortalField:
    code: str
    label: str
    type: str
    value: str
    mandatory: bool
    choices: list[tuple[str, str]]
    error: str | None = None


@dataclass
class RequestForm:
    topic: str
    topic_label: str
    fields: list[PortalField]
    text: str = ""
    errors: dict[str, str] = field(default_factory=dict)  # field code (or text, files, form) -> message


def form(*, session: Session, customer: PortalCustomer, topic: str, values: dict[str, str] | None = None,
         text: str = "", errors: dict[str, str] | None = None) -> RequestForm:
    """The topic's public fields, with `values` carried over (defaults on first show) and `errors` at them."""
    offered = offers.offered_topic(session, topic)
    shown = preview(session=session, actor=PORTAL, topic=topic, raw=values or {}, customer_id=customer.party_id,
                    fill_defaults=values is None)
    if errors:  # a refused request: every field's own problem too, not only what refused it first
        errors = {**{code: message for code, message in shown.checked.errors.items()}, **errors}
    errors = errors or {}
    fields = [PortalField(code=row["code"], label=row["label"], type=row["type"],
                          value=(values or {}).get(row["code"], "") if values is not None
                          else "" if shown.checked.values.get(row["code"]) is None else row["value"],
                          mandatory=row["mandatory"], choices=shown.choices.get(row["code"], []),
                          error=errors.get(row["code"]))
              for row in shown.fields() if not row["hidden"] and not row["readonly"]
              and row["code"] not in offered.internal_attributes]
    return RequestForm(topic=offered.code, topic_label=offered.label, fields=fields, text=text, errors=errors)


def _public_values(session: Session, customer: PortalCustomer, topic: str, values: dict[str, str]) -> dict[str, str]:
    public = {f.code for f in form(session=session, customer=customer, topic=topic).fields}
    return {code: value for code, value in values.items() if code in public and value != ""}


def _file_errors(session: Session, topic: str, files: list[tuple[str, bytes]],
                 limits: attachments.AttachmentLimits) -> list[str]:
    topic_max_kb = session.exec(select(Topic.attachment_max_kb).where(Topic.code == topic)).first()
    problems = []
    for name, data in files:
        try:
            problem = attachments.file_problem(attachments.safe_name(name), len(data), topic_max_kb, limits)
        except ValidationError as error:
            problem = error.detail
        if problem:
            problems.append(problem)
    return problems


def submit(*, session: Session, customer: PortalCustomer, topic: str, text: str, values: dict[str, str],
           files: list[tuple[str, bytes]], limits: attachments.AttachmentLimits) -> int:
    """Register the request; returns the new inquiry's number. RequestRefused carries the form to show again."""
    offered = offers.offered_topic(session, topic)
    errors: dict[str, str] = {}
    if not text.strip():
        errors[TEXT_FIELD] = _("describe your request")
    problems = _file_errors(session, topic, files, limits)
    if problems:
        errors[FILES_FIELD] = "; ".join(problems)
    draft = ContactDraft(customer=customer.party_id, channel=CHANNEL, direction="in", caller=customer.name,
                         inquiries=[InquiryDraft(topic=offered.code, text=text.strip(), close=False,
                                                 values=_public_values(session, customer, topic, values))])
    if errors:
        raise RequestRefused(form(session=session, customer=customer, topic=topic, values=values, text=text,
                                  errors=errors))
    try:
        result = registration.register(session=session, actor=PORTAL, draft=draft, limits=limits)
    except registration.RegistrationError as error:
        found = {name if name in {f.code for f in _fields(session, customer, topic)} else "form": message
                 for _index, name, message in error.problems}
        raise RequestRefused(form(session=session, customer=customer, topic=topic, values=values, text=text,
                                  errors=found)) from None
    inquiry_id = result.inquiry_ids[0]
    for name, data in files:
        attachments.attach(session=session, actor=PORTAL, inquiry_id=inquiry_id, name=name, data=data, limits=limits)
    audit.record(session, PORTAL, "request", "inquiry", str(inquiry_id),
                 after={"customer": customer.party_id, "topic": offered.code, "files": len(files)}, source="portal")
    return inquiry_id


def _fields(session: Session, customer: PortalCustomer, topic: str) -> list[PortalField]:
    return form(session=session, customer=customer, topic=topic).fields


class RequestRefused(ValidationError):
    """The request was not registered; `form` is what to show again, errors at their fields."""

    def __init__(self, refused: RequestForm) -> None:
        field_name, message = next(iter(refused.errors.items()))
        super().__init__(field_name, message)
        self.form = refused
