"""The inquiry's append-only event log, and the checks shared by the services that write to it."""

from __future__ import annotations

from sqlalchemy import insert
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from crmterm.errors import refuse_nul
from crmterm.i18n import N_, _
from crmterm.services import integrations
from crmterm.services.accounts.permissions import Actor
from crmterm.store import Inquiry, InquiryEvent, utcnow
from crmterm.store.column_limits import check_columns
from crmterm.store.tables import table_of
from crmterm.workflow.engine import OPEN, STATE_LABELS, state_label  # noqa: F401 - re-exported

OPEN_STATES = tuple(sorted(OPEN))


EVENT_LABELS = {
    "created": N_("created"), "closed": N_("closed"), "commented": N_("comment"),
    "attached": N_("file attached"), "contact_linked": N_("another contact"), "child_created": N_("child inquiry"),
    # the life-cycle (services/inquiries/inquiry_actions)
    "routed": N_("routed"), "unrouted": N_("no route"), "taken": N_("taken"), "started": N_("started"),
    "moved": N_("moved"), "returned": N_("returned to the queue"), "assigned": N_("assignee set"),
    "transferred": N_("transferred"), "reopened": N_("reopened"), "cancelled": N_("cancelled"),
    "deadline_changed": N_("deadline changed"), "priority_changed": N_("priority changed"),
    "values_changed": N_("attributes changed"), "notified": N_("notified"),
    # other systems and automation (services/inquiries/external_events, services/routing/automation,
    # services/inquiries/functions)
    "external": N_("event from another system"), "automation": N_("automation rule"),
    "automation_error": N_("automation stopped"), "function": N_("business function"),
    # SLA monitoring (services/sla/sla_scan)
    "sla_warning": N_("SLA warning"), "sla_breach": N_("SLA breach"),
    # system problems (services/inquiries/problem_links)
    "problem_linked": N_("linked to a system problem"),
    # branching scripts (services/knowledge/script_runs)
    "script": N_("script run"),
    # the knowledge base (services/knowledge/kb_usage)
    "kb_attached": N_("knowledge-base article attached"),
    # e-mail (services/mail): attachments intake refused, an agent's reply to the customer
    "mail_refused": N_("e-mail attachments refused"), "mail_sent": N_("e-mail reply sent"),
    # the customer portal (services/portal/ratings)
    "rated": N_("rated by the customer"),
}


# Log kinds that are also webhook events (services/integrations). Every move and close is logged here after
# the inquiry row was written, so the event carries its new state; `inquiry.created` is published by the
# creators themselves once the new inquiry is routed (registration, transition_actions).
WEBHOOK_EVENTS = {"moved": "inquiry.moved", "transferred": "inquiry.moved", "closed": "inquiry.closed",
                  "cancelled": "inquiry.closed"}


def record(session: Session, inquiry_id: int, actor: Actor, kind: str, *, contact_id: int | None = None,
           text: str = "", data: dict | None = None) -> None:
    refuse_nul("text", text)  # a comment or a move's note (text)
    # A bulk INSERT, not an ORM object: the log is append-only and nothing reads the row back in this
    # session, and unit-of-work bookkeeping for one event cost more than the INSERT (registration's hot path).
    # Pending objects are flushed first, so a just-added inquiry row the event references is written.
    # A bulk INSERT skips the flush hook that checks column limits, so the row is checked here.
    row = {"inquiry_id": inquiry_id, "at": utcnow(), "actor": actor.login, "kind": kind, "contact_id": contact_id,
           "text": text, "data": data or {}}
    check_columns(table_of(InquiryEvent), row)
    if session.new:
        session.flush()
    session.execute(insert(table_of(InquiryEvent)).values(row))
    if kind in WEBHOOK_EVENTS:
        integrations.inquiry_event(session, WEBHOOK_EVENTS[kind], inquiry_id,
                                   {"log_event": kind, "actor": actor.login, "text": text, **(data or {})})


def check_linkable(session: Session, inquiry_id: int, party_id: int | None, index: int, problems: list) -> None:
    """A repeat contact may join an open inquiry of the same customer."""
    found = session.execute(sa_select(col(Inquiry.party_id), col(Inquiry.state)).where(col(Inquiry.id) == inquiry_id)
                            ).first()  # a row read by name
    if found is None:
        problems.append((index, "link_to", _("no inquiry number {n}").format(n=inquiry_id)))
    elif found.state not in OPEN_STATES:
        problems.append((index, "link_to", _("inquiry {n} is {state}: open a new one").format(
            n=inquiry_id, state=state_label(found.state))))
    elif found.party_id != party_id:
        problems.append((index, "link_to", _("inquiry {n} belongs to another customer").format(n=inquiry_id)))
