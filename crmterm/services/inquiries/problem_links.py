"""Inquiries and system problems: linking one to the other (from the registration screen, the CLI or the
inquiry), the problems that concern a caller at registration, and a problem with everything linked to it."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import literal, union_all
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers.customer_card import attributes_as_of
from crmterm.services.customers.customer_search import PREFIX_END
from crmterm.services.customers.phones import reversed_digits, significant_digits
from crmterm.services.inquiries import inquiry_log
from crmterm.services.inquiries.problems import ProblemRead, active_matching, load, read
from crmterm.store import Inquiry, ProblemInquiry, Subscriber, SystemProblem
from crmterm.store.archive import inquiry_archive
from crmterm.store.tables import saved_id

REGION, SERVICE = "region", "service"  # attribute codes (of the inquiry's form, of the customer) read for matching


class LinkedInquiry(BaseModel):
    id: int
    state: str
    archived: bool
    linked_at: datetime
    linked_by: str


class ProblemDetail(ProblemRead):
    inquiries: list[LinkedInquiry]


def link(*, session: Session, actor: Actor, problem_id: int, inquiry_id: int) -> bool:
    """Link a live inquiry to an open problem; False when it already was (nothing changes)."""
    require(actor, Permission.INQUIRIES_WRITE)
    problem = load(session, problem_id)
    if problem.state != "open":
        raise Conflict(_("system problem {n} is closed").format(n=problem_id))
    if session.get(Inquiry, inquiry_id) is None:
        raise NotFound(_("Inquiry"), inquiry_id)
    return attach(session, actor, problem, inquiry_id)


def attach(session: Session, actor: Actor, problem: SystemProblem, inquiry_id: int) -> bool:
    """The link and its event on the inquiry (the caller checked both sides)."""
    problem_id = saved_id(problem)
    if session.get(ProblemInquiry, (problem_id, inquiry_id)) is not None:
        return False
    session.add(ProblemInquiry(problem_id=problem_id, inquiry_id=inquiry_id, linked_by=actor.login))
    inquiry_log.record(session, inquiry_id, actor, "problem_linked", text=f"#{problem.id} {problem.title}",
                       data={"problem": problem.id})
    session.flush()
    return True


def check_linkable(session: Session, problem_id: int, index: int, problems: list) -> None:
    """For registration: the problem an inquiry draft names must exist and be open."""
    problem = session.get(SystemProblem, problem_id)
    if problem is None:
        problems.append((index, "problem", _("no system problem number {n}").format(n=problem_id)))
    elif problem.state != "open":
        problems.append((index, "problem", _("system problem {n} is closed").format(n=problem_id)))


def link_registered(session: Session, actor: Actor, problem_id: int, inquiry_id: int) -> None:
    """For registration, after check_linkable passed in the same transaction."""
    problem = session.get(SystemProblem, problem_id)
    if problem is None:
        raise NotFound(_("System problem"), problem_id)
    attach(session, actor, problem, inquiry_id)


def for_caller(*, session: Session, actor: Actor, customer_id: int | None = None, subscriber: str | None = None,
               topic: str | None = None, values: dict[str, Any] | None = None) -> list[ProblemRead]:
    """The active problems that concern the caller being registered: the region and service typed on the
    form, else the customer's region and the subscriber's service."""
    values = values or {}
    region = _text(values.get(REGION))
    service = _text(values.get(SERVICE))
    if region is None and customer_id is not None:
        region = _text(attributes_as_of(session, customer_id, date.today()).get(REGION))
    if service is None and subscriber:
        service = _subscriber_service(session, subscriber)
    return active_matching(session=session, actor=actor, service=service, region=region, topic=topic)


def _text(value: Any) -> str | None:
    text = "" if value is None else str(value).strip()
    return text or None


def _subscriber_service(session: Session, number: str) -> str | None:
    rev = reversed_digits(significant_digits(number))
    if len(rev) < 7:
        return None
    found = session.exec(select(Subscriber.service).where(Subscriber.number_rev >= rev,
                                                          Subscriber.number_rev < rev + PREFIX_END).limit(2)).all()
    return found[0] if len(found) == 1 else None


def get_problem(*, session: Session, actor: Actor, problem_id: int, limit: int = 1000) -> ProblemDetail:
    """A problem with its linked inquiries (live or archived), oldest link first."""
    require(actor, Permission.INQUIRIES_READ)
    found = read(session, load(session, problem_id))
    links = select(ProblemInquiry.inquiry_id, ProblemInquiry.linked_at, ProblemInquiry.linked_by).where(
        ProblemInquiry.problem_id == problem_id).subquery()
    # five columns and a subquery: SQLAlchemy's select (SQLModel's overloads stop at four columns)
    live = sa_select(links.c.inquiry_id, col(Inquiry.state), literal(False).label("archived"), links.c.linked_at,
                     links.c.linked_by).join(Inquiry, col(Inquiry.id) == links.c.inquiry_id)
    archived = sa_select(links.c.inquiry_id, inquiry_archive.c.state, literal(True).label("archived"),
                         links.c.linked_at, links.c.linked_by).join(inquiry_archive,
                                                                    inquiry_archive.c.id == links.c.inquiry_id)
    both = union_all(live, archived).subquery()
    rows = session.execute(sa_select(both).order_by(both.c.linked_at, both.c.inquiry_id).limit(limit)).all()
    return ProblemDetail(**found.model_dump(), inquiries=[
        LinkedInquiry(id=r[0], state=r[1], archived=bool(r[2]), linked_at=r[3], linked_by=r[4]) for r in rows])
