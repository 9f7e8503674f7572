"""Registering a contact with all the inquiries raised in it: one service call, all or nothing.

Every inquiry is checked before anything is written, so one bad inquiry among three creates nothing and
the error names the inquiry and the field. The caller owns the transaction; on an error nothing was added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel
from sqlalchemy import insert
from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services import integrations
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.billing import accounts as billing_accounts
from crmterm.services.inquiries import (
    inquiry_log,
    problem_links,
    registration_drafts,
    registration_extras,
    write_rules,
)
from crmterm.services.inquiries.attachments import AttachmentLimits, attach_path, path_problem
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.inquiries.registration_refs import ContactRefs, TopicRef, resolve_contact, resolve_topic
from crmterm.services.routing import automation, coverage_port, routing
from crmterm.services.topics.attribute_checks import check_values
from crmterm.services.topics.attribute_forms import AttributeForm, effective_attributes, rule_context
from crmterm.services.topics.attribute_values import to_text
from crmterm.store import Contact, Inquiry, InquiryValue, utcnow
from crmterm.store.column_limits import check_columns
from crmterm.store.tables import saved_id, table_of

CLOSED_AT_ONCE = "consultation"  # answered during the call: registered closed in the same action
MAX_INQUIRIES = 100  # per contact, unless config.yaml sets contact_max_inquiries (Settings)


class Registered(BaseModel):
    contact_id: int
    inquiry_ids: list[int]  # in the order of the draft's inquiries (a linked one gives the existing id)
    closed: list[int] = []
    linked: list[int] = []


class RegistrationError(ValidationError):
    """Every problem of a draft: `problems` are (inquiry index or None for the contact, field, message)."""

    def __init__(self, problems: list[tuple[int | None, str, str]], topics: list[str | None]) -> None:
        index, name, message = problems[0]
        where = _("inquiry {n}").format(n=index + 1) if index is not None else _("contact")
        if index is not None and topics[index]:
            where += f" ({topics[index]})"
        more = _(" (and {n} more)").format(n=len(problems) - 1) if len(problems) > 1 else ""
        super().__init__(None, f"{where}: {name}: {message}{more}")
        self.field, self.detail, self.problems = name, message, problems


@dataclass
class _Checked:
    draft: InquiryDraft
    topic: TopicRef | None = None
    form: AttributeForm | None = None
    values: dict[str, Any] = field(default_factory=dict)


def register(*, session: Session, actor: Actor, draft: ContactDraft,
             limits: AttachmentLimits = AttachmentLimits(), max_inquiries: int = MAX_INQUIRIES,
             forget_draft: bool = False) -> Registered:
    """`max_inquiries`: config.yaml `contact_max_inquiries`; refused before any inquiry is checked (each
    check reads the database: 20,000 inquiries took minutes). `forget_draft`: the Register tab's kept draft
    (registration_drafts) goes in the same transaction, so a crash right after saving never offers it again."""
    require(actor, Permission.INQUIRIES_WRITE)
    if len(draft.inquiries) > max_inquiries:
        raise RegistrationError([(None, "inquiries", _("at most {n} inquiries in one contact (contact_max_inquiries)")
                                  .format(n=max_inquiries))], [])
    problems: list[tuple[int | None, str, str]] = []
    refs = resolve_contact(session, draft, problems, login=actor.login)
    problems.extend(write_rules.template_contact_problems(session, refs))
    problems.extend((None, name, _("NUL characters are not allowed"))  # PostgreSQL cannot store it
                    for name, text in (("caller", draft.caller), ("text", draft.text)) if "\x00" in text)
    if not draft.inquiries:
        problems.append((None, "inquiries", _("add at least one inquiry")))
    checked = [_check_inquiry(session, actor, refs, i, item, problems) for i, item in enumerate(draft.inquiries)]
    for index, item in enumerate(checked):
        problems.extend((index, "files", p) for p in _file_problems(item, limits))
    if problems:
        raise RegistrationError(problems, [c.topic.code if c.topic else c.draft.topic for c in checked])
    contact_id = _write_contact(session, actor, draft, refs)
    result = Registered(contact_id=contact_id, inquiry_ids=[])
    for index, item in enumerate(checked):
        inquiry_id = _write_inquiry(session, actor, contact_id, refs, item, result)
        result.inquiry_ids.append(inquiry_id)
        for path in item.draft.files:
            attach_path(session=session, actor=actor, inquiry_id=inquiry_id, path=path, limits=limits)
        if item.draft.problem is not None:
            problem_links.link_registered(session, actor, item.draft.problem, inquiry_id)
        registration_extras.write(session, actor, index, inquiry_id, item.draft)  # script walks, KB articles
    _automate(session, actor, result)
    if forget_draft:
        registration_drafts.discard_draft(session=session, actor=actor)
    return result


def _automate(session: Session, actor: Actor, result: Registered) -> None:
    """Automation sees each new inquiry once it is complete (values, route, files)."""
    for inquiry_id in result.inquiry_ids:
        if inquiry_id not in result.linked:
            automation.fire(session, actor, inquiry_id, "created", {"contact_id": result.contact_id})
        if inquiry_id in result.closed:
            automation.fire(session, actor, inquiry_id, "closed", {"contact_id": result.contact_id})


def _check_inquiry(session: Session, actor: Actor, refs: ContactRefs, index: int, draft: InquiryDraft,
                   problems: list) -> _Checked:
    checked = _Checked(draft=draft)
    if "\x00" in draft.text:
        problems.append((index, "text", _("NUL characters are not allowed")))
    if draft.problem is not None:
        problem_links.check_linkable(session, draft.problem, index, problems)
    if draft.link_to is not None:
        inquiry_log.check_linkable(session, draft.link_to, refs.party_id, index, problems)
        return checked
    if draft.parent is not None and session.get(Inquiry, draft.parent) is None:
        problems.append((index, "parent", _("no inquiry number {n}").format(n=draft.parent)))
    checked.topic = resolve_topic(session, draft.topic, draft.priority, index, problems)
    if checked.topic is None:
        return checked
    checked.form = effective_attributes(session=session, actor=actor, topic=checked.topic.code)
    context = _rule_context(session, refs, checked.topic.priority, checked.form.path)
    values = check_values(session=session, actor=actor, form=checked.form, raw=draft.values,
                          customer_id=refs.party_id, context=context, fill_defaults=True)
    problems.extend((index, code, message) for code, message in values.errors.items())
    _check_allowed(session, refs, index, draft, checked.form, values, problems)
    checked.values = values.values
    return checked


def _rule_context(session: Session, refs: ContactRefs, priority: str | None, path: list[str]) -> dict:
    """The contact's part of a rule's context, with the customer's billing figures, service entitlement and
    churn risk for rules that read them."""
    context = refs.rule_context(priority)
    context["customer"] = {**context["customer"], **billing_accounts.rule_fields(session, refs.party_id),
                           **coverage_port.rule_fields(session, refs.party_id, path),
                           "churn_risk": routing.churn_risk_field(session, refs.party_id)}
    return context


def _check_allowed(session: Session, refs: ContactRefs, index: int, draft: InquiryDraft, form: AttributeForm,
                   values, problems: list) -> None:
    """The template's topics and the read-only fields, as the Register tab allows them."""
    outside = write_rules.template_topic_problem(session, refs.template_id, index, form.path)
    problems.extend([outside] if outside else [])
    problems.extend((index, code, message) for code, message in write_rules.readonly_problems(
        form, draft.values, values.values, values.flags, values.errors))


def _file_problems(item: _Checked, limits: AttachmentLimits) -> list[str]:
    topic_max_kb = item.topic.attachment_max_kb if item.topic else None
    return [p for p in (path_problem(path, topic_max_kb, limits) for path in item.draft.files) if p]


def _write_contact(session: Session, actor: Actor, draft: ContactDraft, refs: ContactRefs) -> int:
    """One INSERT … RETURNING id, without an ORM object: nothing reads the contact back in this transaction,
    and the object's validation and unit-of-work bookkeeping cost more than the INSERT (the hot path)."""
    row = {"at": draft.at or utcnow(), "operator_id": refs.operator_id, "place_id": refs.place_id,
           "direction": refs.direction, "channel_id": refs.channel_id,
           "client_category_id": refs.client_category_id, "template_id": refs.template_id,
           "party_id": refs.party_id, "subscriber_id": refs.subscriber_id,
           "contact_person_id": draft.contact_person, "caller": draft.caller.strip()[:100],
           "text": draft.text.strip()}
    check_columns(table_of(Contact), row)  # a Core INSERT skips the flush hook that checks column limits
    return session.execute(insert(table_of(Contact)).values(row).returning(table_of(Contact).c.id)).scalar_one()


def _write_inquiry(session: Session, actor: Actor, contact_id: int, refs: ContactRefs, item: _Checked,
                   result: Registered) -> int:
    if item.draft.link_to is not None:
        inquiry_log.record(session, item.draft.link_to, actor, "contact_linked", contact_id=contact_id,
                           text=item.draft.text.strip())
        result.linked.append(item.draft.link_to)
        return item.draft.link_to
    topic, form, draft = item.topic, item.form, item.draft
    if topic is None or form is None:  # register() writes only what passed its checks: those set both
        raise ValueError("an inquiry draft is written before it is checked")
    close = draft.close if draft.close is not None else topic.inquiry_type == CLOSED_AT_ONCE
    now = utcnow()
    inquiry = Inquiry(contact_id=contact_id, party_id=refs.party_id, topic_id=topic.id, type=topic.inquiry_type,
                      priority_id=topic.priority_id, parent_id=draft.parent, text=draft.text.strip(),
                      state="closed" if close else "registered", closed_at=now if close else None,
                      priority_rank=routing.priority_rank(session, topic.priority_id), updated_by=actor.login)
    placement = None
    if not close:  # routed before the first write: one INSERT with the route and deadline columns
        context = rule_context(form, item.values, **_rule_context(session, refs, topic.priority, form.path))
        placement = routing.place_new(session, inquiry, form.path, context)
    session.add(inquiry)
    session.flush()
    inquiry_id = saved_id(inquiry)
    ids = {f.code: f.attribute_id for f in form.fields}
    texts = {code: to_text(value) for code, value in item.values.items() if code in ids}  # None: no value
    rows = [{"inquiry_id": inquiry_id, "attribute_id": ids[code], "value": text}
            for code, text in texts.items() if text is not None]
    for row in rows:  # one executemany; a Core INSERT skips the flush hook that checks column limits
        check_columns(table_of(InquiryValue), row)
    if rows:
        session.execute(insert(table_of(InquiryValue)), rows)
    inquiry_log.record(session, inquiry_id, actor, "created", contact_id=contact_id)
    if draft.parent is not None:
        inquiry_log.record(session, draft.parent, actor, "child_created", data={"child": inquiry_id})
    routing.log_placement(session, actor, inquiry_id, placement)
    integrations.inquiry_event(session, "inquiry.created", inquiry_id, {"actor": actor.login})  # as routed
    if close:
        inquiry_log.record(session, inquiry_id, actor, "closed", text=_("answered during the contact"))
        result.closed.append(inquiry_id)
    return inquiry_id
