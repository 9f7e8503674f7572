"""Closing a system problem, and with it everything linked to it, in one action: each open linked inquiry is
either closed with the problem's resolution through the normal close path (route transition or a
supervisor's close: versions, events, automation as for any close) or its assignee and customer are
notified. Inquiries that cannot be handled are skipped with the reason, never silently; one that fails
rolls back alone (a savepoint), the rest go on. The caller owns the transaction."""

from __future__ import annotations

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services import integrations
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.inquiries import inquiry_actions, inquiry_log
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.inquiries.problems import ProblemRead, claim, load, read
from crmterm.services.sla import notifications
from crmterm.store import Inquiry, Party, ProblemInquiry, SystemProblem, User, utcnow
from crmterm.workflow.engine import OPEN

CLOSE, NOTIFY = "close", "notify"  # what happens to the open linked inquiries
EVENT = "system_problem"  # the notification's templates (crmterm/templates/notifications/system_problem)


class Skipped(BaseModel):
    id: int
    reason: str


class ProblemClosed(BaseModel):
    problem: ProblemRead
    mode: str  # CLOSE | NOTIFY
    closed: list[int] = []
    notified: list[int] = []
    skipped: list[Skipped] = []


def close_problem(*, session: Session, actor: Actor, problem_id: int, resolution: str, inquiries: str = CLOSE,
                  expected_version: int | None = None, source: str = "cli") -> ProblemClosed:
    require(actor, Permission.PROBLEMS_MANAGE)
    if inquiries not in (CLOSE, NOTIFY):
        raise ValidationError("inquiries", _("one of: {choices}").format(choices=f"{CLOSE}, {NOTIFY}"))
    if not resolution.strip():
        raise ValidationError("resolution", _("say how it was resolved"))
    problem = load(session, problem_id)
    if problem.state != "open":
        raise Conflict(_("system problem {n} is closed").format(n=problem_id))
    # The problem first, guarded by its version: of two people closing it at once, one fails before
    # touching any inquiry.
    claim(session, actor, problem, expected_version,
          {"state": "closed", "closed_at": utcnow(), "resolution": resolution.strip()[:4000]})
    done = ProblemClosed(problem=read(session, problem), mode=inquiries)
    integrations.problem_event(session, "problem.closed", problem_id)  # before its inquiries' inquiry.closed
    for inquiry_id, state in _linked(session, problem_id):
        if state is None:
            done.skipped.append(Skipped(id=inquiry_id, reason=_("archived")))
        elif state not in OPEN:
            done.skipped.append(Skipped(id=inquiry_id, reason=_("already {state}").format(state=state_label(state))))
        elif inquiries == CLOSE:
            _close_one(session, actor, problem, inquiry_id, done)
        else:
            _notify_one(session, actor, problem, inquiry_id, done)
    audit.record(session, actor, "close", "system_problems", str(problem_id), after={
        "resolution": problem.resolution, "mode": inquiries, "closed": len(done.closed),
        "notified": len(done.notified), "skipped": len(done.skipped)}, source=source)
    return done


def _linked(session: Session, problem_id: int) -> list[tuple[int, str | None]]:
    """Every linked inquiry with its live state (None: no longer live, i.e. archived)."""
    return [(r[0], r[1]) for r in session.exec(
        select(col(ProblemInquiry.inquiry_id), Inquiry.state)
        .outerjoin(Inquiry, col(Inquiry.id) == ProblemInquiry.inquiry_id)
        .where(ProblemInquiry.problem_id == problem_id).order_by(col(ProblemInquiry.inquiry_id))).all()]


def _close_one(session: Session, actor: Actor, problem: SystemProblem, inquiry_id: int,
               done: ProblemClosed) -> None:
    text = _("System problem #{n} resolved: {resolution}").format(n=problem.id, resolution=problem.resolution)
    try:
        with session.begin_nested():
            inquiry_actions.close(session=session, actor=actor, inquiry_id=inquiry_id, resolution=text)
    except CrmError as error:
        done.skipped.append(Skipped(id=inquiry_id, reason=str(error)))
        return
    done.closed.append(inquiry_id)


def _notify_one(session: Session, actor: Actor, problem: SystemProblem, inquiry_id: int,
                done: ProblemClosed) -> None:
    recipients = _recipients(session, inquiry_id)
    if not recipients:
        done.skipped.append(Skipped(id=inquiry_id, reason=_("nobody to notify: no assignee, no customer e-mail")))
        return
    data = {"problem_id": problem.id, "title": problem.title, "resolution": problem.resolution,
            "closed_at": problem.closed_at, "inquiry_id": inquiry_id}
    try:
        with session.begin_nested():
            notifications.notify(session=session, event=EVENT, recipients=recipients, data=data,
                                 key=f"{EVENT}:{problem.id}:{inquiry_id}", inquiry_id=inquiry_id)
            inquiry_log.record(session, inquiry_id, actor, "notified", text=_("System problem #{n} resolved").format(
                n=problem.id), data={"problem": problem.id, "to": recipients})
    except CrmError as error:
        done.skipped.append(Skipped(id=inquiry_id, reason=str(error)))
        return
    done.notified.append(inquiry_id)


def _recipients(session: Session, inquiry_id: int) -> list[str]:
    """The inquiry's assignee (in the app) and its customer (by e-mail), when there are such."""
    row = session.exec(select(User.login, User.active, Party.email).select_from(Inquiry)
                       .outerjoin(User, col(User.id) == Inquiry.assignee_id)
                       .outerjoin(Party, col(Party.id) == Inquiry.party_id)
                       .where(Inquiry.id == inquiry_id)).first()
    if row is None:
        return []
    login, active, email = row
    return ([f"user:{login}"] if login and active else []) + ([f"email:{email}"] if email and "@" in email else [])
