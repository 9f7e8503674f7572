"""The rules across fields of business calendars and SLA regulations: a calendar's week and exceptions in
canonical form, one default calendar, a regulation's hours per known priority, each topic in one regulation
and one catch-all regulation at most, a warning share below 100 %, what still uses a calendar that is to be
deleted, and an escalation rule that does something."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.directory.validation import RefExists
from crmterm.store import Calendar, Route, SlaRule
from crmterm.workflow import calendar_spec
from crmterm.workflow.sla import ANY_PRIORITY, parse_times

CLOCKS = ("resolve", "react")
LEVELS = ("warning", "breach")


def refine_calendar(document: dict, _ref_exists: RefExists) -> dict:
    calendar = calendar_spec.from_document(document["code"], document["time_zone"], document["week"],
                                           document["exceptions"])
    return {**document, "week": calendar_spec.canonical_week(calendar.week),
            "exceptions": calendar_spec.canonical_exceptions(dict(calendar.exceptions))}


def check_calendar(session: Session, document: dict, before: dict | None) -> None:
    """One active default calendar: another one is named instead of being silently unmarked."""
    if not (document["is_default"] and document["active"]):
        return
    own = before["code"] if before else document["code"]
    other = session.exec(select(Calendar.code).where(col(Calendar.is_default).is_(True), col(Calendar.active).is_(True),
                                                     Calendar.code != own)).first()
    if other is not None:
        raise ValidationError("is_default", _("'{code}' is the default calendar: clear that first").format(
            code=other))


def calendar_in_use(session: Session, row: Calendar) -> str | None:
    if row.is_default:
        return _("it is the default calendar")
    rule = session.exec(select(SlaRule.code).where(SlaRule.calendar_id == row.id).limit(1)).first()
    if rule is not None:
        return _("regulation '{code}' uses it").format(code=rule)
    for code, steps in session.exec(select(Route.code, Route.steps)).all():
        if any(step.get("calendar") == row.code for step in steps):
            return _("route '{route}' uses it").format(route=code)
    return None


def refine_rule(document: dict, ref_exists: RefExists) -> dict:
    times = parse_times(document["times"])
    for priority in times:
        if priority != ANY_PRIORITY and not ref_exists("priorities", priority):
            raise ValidationError("times", _("unknown priority '{code}' (use a priority code or *)").format(
                code=priority))
    if not 0 <= document["warn_percent"] <= 99:
        raise ValidationError("warn_percent", _("between 0 (no warning) and 99"))
    return {**document, "times": times}


def check_rule(session: Session, document: dict, before: dict | None) -> None:
    """A topic is in one regulation; one regulation at most lists no topics (it covers the rest)."""
    own = before["code"] if before else document["code"]
    for code, topics in session.exec(select(SlaRule.code, SlaRule.topics).where(SlaRule.code != own)).all():
        shared = sorted(set(topics) & set(document["topics"]))
        if shared:
            raise ValidationError("topics", _("topic '{topic}' is already in regulation '{rule}'").format(
                topic=shared[0], rule=code))
        if not topics and not document["topics"]:
            raise ValidationError("topics", _("regulation '{rule}' already covers every other topic: "
                                              "name the topics this one is for").format(rule=code))


def rule_in_use(_session: Session, _row: SlaRule) -> str | None:
    return None  # nothing refers to a regulation: inquiries keep the deadlines it gave them


def refine_escalation(document: dict, _ref_exists: RefExists) -> dict:
    if not (document["priority"] or document["queue"] or document["notify_assignee"]
            or document["notify_queue_admins"] or document["mailing_list"]):
        raise ValidationError("priority", _("give at least one action: a priority, a queue or whom to notify"))
    return document
