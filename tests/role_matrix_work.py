"""The role matrix's declared table, part 2: inquiry work — registration, queues, life-cycle actions, problems,
notifications, archive. See role_matrix_calls.py for what an entry is.

Demo facts the rules rely on: inquiries of the complaint route wait in `first_line` (group l1: agent, agent2);
`supervisor` administers every queue; the auditor is a member of none. Builders make the inquiry a life-cycle
action needs; "held" inquiries are assigned to the caller (anonymous: to agent) first."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from crmterm.services.platform import archive, archive_read

from crmterm.services.inquiries import assignees, attachments, external_events, functions, inquiries, inquiry_actions, inquiry_moves, problem_close, problem_links, problems, registration, registration_drafts, registration_views

from crmterm.services.sla import notification_delivery, notification_inbox, sla_scan, sla_status

from crmterm.services.routing import agent_skills, queues, saved_filters
from crmterm.services.accounts import preferences, presence
from crmterm.services.accounts.permissions import Actor, Permission as P
from crmterm.services.inquiries.problems import ProblemDraft
from crmterm.services.routing.queues import InquiryFilter
from crmterm.services.inquiries.registration import ContactDraft
from crmterm.settings import Settings
from crmterm.store import Notification
from crmterm.store.notifications import NotificationChannel, NotificationState
from role_matrix_calls import HOLDER, OWN_DATA, OWN_PREFERENCE, OWN_PREFERENCE_WRITE, QUEUE_MEMBER, QUEUE_READER, SUPERVISES, Entry, World

DISPUTE = {"amount": "100", "dispute_reason": "double_charge", "charge_date": "2026-11-20",
           "approval_reference": "A-1"}


def draft(**contact) -> ContactDraft:
    return ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", **contact, "inquiries": [
        {"topic": "disputed_charge", "values": DISPUTE}]})


def waiting(session: Session, world: World, **contact) -> int:
    """A complaint waiting in first_line, registered by the admin."""
    return registration.register(session=session, actor=world.admin, draft=draft(**contact)).inquiry_ids[0]


def held(session: Session, world: World, actor: Actor | None) -> int:
    """A waiting complaint assigned to the caller (the auditor too: holding it must not let them change it)."""
    inquiry = waiting(session, world)
    inquiry_actions.assign(session=session, actor=world.supervisor, inquiry_id=inquiry,
                           login=actor.login if actor else "agent")
    return inquiry


def closed(session: Session, world: World) -> int:
    inquiry = waiting(session, world)
    inquiry_actions.close(session=session, actor=world.supervisor, inquiry_id=inquiry, resolution="duplicate")
    return inquiry


def archived(session: Session, world: World) -> int:
    inquiry = closed(session, world)
    waiting(session, world)  # SQLite keeps the newest row of each table live (its id must not be reused)
    archive.archive_batch(session=session, actor=world.admin, before=datetime.now(UTC) + timedelta(days=1))
    return inquiry


def problem(session: Session, world: World) -> int:
    return problems.open_problem(session=session, actor=world.supervisor, draft=ProblemDraft(title="Outage")).id


def failed_mail(session: Session, world: World) -> int:
    row = Notification(channel=NotificationChannel.EMAIL, address="a@example.org", language="en", event="test",
                       template="test/en", subject="s", body="b", state=NotificationState.FAILED,
                       dedupe_key="role-matrix")
    session.add(row)
    session.flush()
    return row.id


class _NoMail:
    """Nothing is due in the demo; should anything be, it is dropped rather than sent."""

    def __init__(self, _settings) -> None:
        pass

    def send(self, message) -> None:
        pass

    def close(self) -> None:
        pass


def _delivery(session: Session, world: World, actor: Actor | None) -> dict:
    return {"settings": Settings(database_url=world.url), "transport": _NoMail}


def _one(key: str, make):
    return lambda s, w, a: {key: make(s, w)}


def _held(**extra):
    return lambda s, w, a: {"inquiry_id": held(s, w, a), **extra}


def _waiting(**extra):
    return lambda s, w, a: {"inquiry_id": waiting(s, w), **extra}


SOON = datetime.now(UTC) + timedelta(days=2)
WORK_ENTRIES = [
    Entry(registration.register, P.INQUIRIES_WRITE, lambda s, w, a: {"draft": draft()}),
    Entry(registration_views.choices, P.INQUIRIES_WRITE),
    Entry(registration_drafts.save_draft, P.INQUIRIES_WRITE, lambda s, w, a: {"document": {"note": "half typed"}}),
    Entry(registration_drafts.my_draft, P.INQUIRIES_WRITE),
    Entry(registration_drafts.discard_draft, P.INQUIRIES_WRITE),
    Entry(preferences.preferred_language, OWN_PREFERENCE),
    Entry(preferences.set_language, OWN_PREFERENCE_WRITE, lambda s, w, a: {"language": "ru"}),
    Entry(presence.touch, OWN_PREFERENCE_WRITE),
    Entry(presence.leave, OWN_PREFERENCE_WRITE),
    Entry(registration_views.find_caller, P.CUSTOMERS_READ, lambda s, w, a: {"query": "Nord"}),
    Entry(registration_views.topic_form, P.DIRECTORY_READ, lambda s, w, a: {
        "topic": "disputed_charge", "values": {}, "customer_id": w.party, "repeat_days": 30}),
    Entry(external_events.register, P.INQUIRIES_WRITE, lambda s, w, a: {"draft": draft(), "external_id": "x-1",
                                                                         "source": "matrix"}),
    Entry(external_events.push, P.INQUIRIES_WRITE, _waiting(name="payment.received")),
    Entry(inquiries.get_inquiry, P.INQUIRIES_READ, _waiting()),
    Entry(inquiries.comment, P.INQUIRIES_WRITE, _waiting(text="called back")),
    Entry(inquiries.repeats, P.INQUIRIES_READ,
          lambda s, w, a: {"party_id": w.party, "topic": "disputed_charge", "days": 30}),
    Entry(inquiries.customer_activity, P.INQUIRIES_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(attachments.attach, P.INQUIRIES_WRITE, _waiting(name="note.txt", data=b"hello")),
    Entry(attachments.attach_path, P.INQUIRIES_WRITE, lambda s, w, a: {
        "inquiry_id": waiting(s, w), "path": str(_text_file(w))}),
    Entry(attachments.content, P.INQUIRIES_READ, lambda s, w, a: {"attachment_id": attachments.attach(
        session=s, actor=w.admin, inquiry_id=waiting(s, w), name="note.txt", data=b"hello")}),
    Entry(functions.available, P.INQUIRIES_READ),
    Entry(functions.run, P.INQUIRIES_WRITE, lambda s, w, a: {  # the SMS goes to the contact's service number
        "inquiry_id": waiting(s, w, subscriber="+7 916 100-00-01"), "name": "send_balance_sms",
        "params": {"balance": "10"}}),
    # queues: membership decides
    Entry(queues.my_queues, P.INQUIRIES_READ),
    Entry(queues.page, QUEUE_READER, lambda s, w, a: {"where": InquiryFilter(queue="first_line")}),
    Entry(queues.take_next, QUEUE_MEMBER, lambda s, w, a: (waiting(s, w), {"queue": "first_line"})[1]),
    # skills routing: agents' skills are user administration; staffing is the supervisor's view
    # another user's skills (anyone may read their own): the supervisor's, whom no tested actor is
    Entry(agent_skills.list_skills, P.USERS_READ, lambda s, w, a: {"login": "supervisor"}),
    Entry(agent_skills.set_skill, P.USERS_WRITE, lambda s, w, a: {"login": "agent", "skill": "en", "level": 4}),
    Entry(agent_skills.remove_skill, P.USERS_WRITE, lambda s, w, a: {"login": "agent", "skill": "ru"}),
    Entry(agent_skills.replace_skills, P.USERS_WRITE, lambda s, w, a: {"login": "agent", "skills": "en: 4, ru: 3"}),
    Entry(agent_skills.staffing, P.INQUIRIES_SUPERVISE),
    Entry(saved_filters.list_filters, OWN_DATA),
    Entry(saved_filters.save_filter, OWN_DATA, lambda s, w, a: {"name": "mine", "where": InquiryFilter()}),
    Entry(saved_filters.delete_filter, OWN_DATA, lambda s, w, a: _saved(s, w, a)),
    Entry(saved_filters.get_filter, OWN_DATA, lambda s, w, a: _saved(s, w, a)),
    Entry(saved_filters.edit_filter, OWN_DATA, lambda s, w, a: _saved(s, w, a) | {"new_name": "renamed"}),
    Entry(sla_status.overdue_count, P.INQUIRIES_READ),
    Entry(sla_scan.scan, P.INQUIRIES_SUPERVISE),
    # the life-cycle
    Entry(inquiry_actions.take, QUEUE_MEMBER, _waiting()),
    Entry(inquiry_actions.start, HOLDER, _held()),
    Entry(inquiry_actions.return_to_queue, HOLDER, _held()),
    Entry(inquiry_actions.move, HOLDER, _held(transition="to_billing")),
    Entry(inquiry_actions.close, HOLDER, _held(resolution="refunded")),  # by the route's closing transition
    Entry(inquiry_actions.assign, SUPERVISES, _waiting(login="agent2")),
    Entry(assignees.assignees, SUPERVISES, _waiting()),
    Entry(inquiry_actions.transfer, SUPERVISES, _waiting(queue="back_office")),
    Entry(inquiry_actions.reopen, SUPERVISES, lambda s, w, a: {"inquiry_id": closed(s, w)}),
    Entry(inquiry_actions.cancel, SUPERVISES, _waiting(text="duplicate")),
    Entry(inquiry_actions.set_deadline, SUPERVISES, _waiting(due_at=SOON, reason="customer asked")),
    Entry(inquiry_actions.set_priority, SUPERVISES, _waiting(priority="low")),
    Entry(inquiry_moves.available, P.INQUIRIES_READ, _held()),
    Entry(inquiry_moves.step_view, P.INQUIRIES_READ, _held()),
    Entry(inquiry_moves.update_values, HOLDER, _held(values={"amount": "200"}, expected_version=None)),
    Entry(inquiry_moves.bulk, HOLDER, lambda s, w, a: {"operation": "close", "ids": [held(s, w, a)],
                                                        "resolution": "refunded"}),  # each row: its action's rule
    # system problems
    Entry(problems.choices, P.INQUIRIES_READ),
    Entry(problems.open_problem, P.PROBLEMS_MANAGE, lambda s, w, a: {"draft": ProblemDraft(title="Outage")}),
    Entry(problems.update_problem, P.PROBLEMS_MANAGE,
          lambda s, w, a: {"problem_id": problem(s, w), "draft": ProblemDraft(title="Bigger outage")}),
    Entry(problems.list_problems, P.INQUIRIES_READ),
    Entry(problems.active_matching, P.INQUIRIES_READ),
    Entry(problem_close.close_problem, P.PROBLEMS_MANAGE,
          lambda s, w, a: {"problem_id": problem(s, w), "resolution": "fixed"}),
    Entry(problem_links.link, P.INQUIRIES_WRITE,
          lambda s, w, a: {"problem_id": problem(s, w), "inquiry_id": waiting(s, w)}),
    Entry(problem_links.for_caller, P.INQUIRIES_READ, lambda s, w, a: {"customer_id": w.party}),
    Entry(problem_links.get_problem, P.INQUIRIES_READ, _one("problem_id", problem)),
    # notifications
    Entry(notification_inbox.inbox, OWN_DATA),
    Entry(notification_inbox.unread_count, OWN_DATA),
    Entry(notification_inbox.mark_read, OWN_DATA),
    Entry(notification_inbox.outbox, P.NOTIFICATIONS_ADMIN),
    Entry(notification_inbox.retry, P.NOTIFICATIONS_ADMIN, _one("notification_id", failed_mail)),
    Entry(notification_delivery.deliver, P.NOTIFICATIONS_ADMIN, _delivery, own_transaction=True),
    # archive
    Entry(archive.count_eligible, P.INQUIRIES_ARCHIVE, lambda s, w, a: {"before": datetime.now(UTC)}),
    Entry(archive.archive_batch, P.INQUIRIES_ARCHIVE, lambda s, w, a: {"before": datetime(2000, 1, 1, tzinfo=UTC)}),
    Entry(archive.run, P.INQUIRIES_ARCHIVE, lambda s, w, a: {"url": w.url, "before": datetime(2000, 1, 1, tzinfo=UTC)},
          own_transaction=True),
    Entry(archive_read.find_inquiry, P.INQUIRIES_READ, _one("inquiry_id", archived)),
    Entry(archive_read.get_archived, P.INQUIRIES_READ, _one("inquiry_id", archived)),
    Entry(archive_read.archived_page, P.INQUIRIES_READ, lambda s, w, a: {"where": InquiryFilter()}),
]


def _text_file(world: World):
    path = world.tmp / "letter.txt"
    path.write_text("Dear operator", encoding="utf-8")
    return path


def _saved(session: Session, world: World, actor: Actor | None) -> dict:
    saved_filters.save_filter(session=session, actor=actor or world.admin, name="mine", where=InquiryFilter())
    return {"name": "mine"}

