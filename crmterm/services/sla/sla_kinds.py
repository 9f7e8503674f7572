"""Business calendars, SLA regulations and escalation rules as directory areas: the generic directory service,
audit, config as code and the admin forms handle them; the rules across fields live in sla_checks.

Escalation rules refer to queues, so they are declared apart (ESCALATION_KINDS) and come after queues and
routes in the directory and in a configuration file."""

from __future__ import annotations

from crmterm.i18n import N_
from crmterm.services.directory.kinds import FieldSpec, Kind
from crmterm.services.sla import sla_checks
from crmterm.store import Calendar, EscalationRule, SlaRule

SLA_KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("calendars", N_("Business calendars"), Calendar, (
        FieldSpec("time_zone", N_("Time zone"), "tz", required=True, default="UTC"),
        FieldSpec("week", N_("Working hours (YAML, e.g. mon-fri: [09:00-13:00, 14:00-18:00])"), "document",
                  default={}),
        FieldSpec("exceptions", N_("Holidays and special days (YAML, e.g. 2026-01-01: [] for a holiday)"),
                  "document", default={}),
        FieldSpec("is_default", N_("Default calendar"), "bool", default=False),
    ), refine=sla_checks.refine_calendar, check=sla_checks.check_calendar, in_use=sla_checks.calendar_in_use),
    Kind("sla_rules", N_("SLA regulations"), SlaRule, (
        FieldSpec("topics", N_("Topics (and everything below them; none: every other topic)"), "refs",
                  ref="topics", default=()),
        FieldSpec("calendar", N_("Calendar (empty: the default calendar)"), "ref", ref="calendars"),
        FieldSpec("times", N_("Business hours per priority (YAML, e.g. high: {react: 1, resolve: 8}; * for the "
                              "rest)"), "document", required=True, default={}),
        FieldSpec("warn_percent", N_("Warn when this share of the time is used, % (0: no warning)"), "int",
                  default=80),
    ), refine=sla_checks.refine_rule, check=sla_checks.check_rule, in_use=sla_checks.rule_in_use),
)}

ESCALATION_KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("escalations", N_("SLA escalations"), EscalationRule, (
        FieldSpec("clock", N_("Clock: resolve (the deadline) or react (until taken from the queue)"), "choice",
                  choices=sla_checks.CLOCKS, default="resolve"),
        FieldSpec("when", N_("When: warning (near the deadline) or breach (past it)"), "choice",
                  choices=sla_checks.LEVELS, default="breach"),
        FieldSpec("condition", N_("Condition (a rule over the inquiry; yes: always)"), "rule", default="true",
                  max_length=1000),
        FieldSpec("priority", N_("Raise the priority to"), "ref", ref="priorities"),
        FieldSpec("queue", N_("Move to the queue"), "ref", ref="queues"),
        FieldSpec("notify_assignee", N_("Notify the assignee"), "bool", default=False),
        FieldSpec("notify_queue_admins", N_("Notify the queue's administrators"), "bool", default=False),
        FieldSpec("mailing_list", N_("Notify a mailing list"), "ref", ref="mailing_lists"),
    ), refine=sla_checks.refine_escalation, in_use=sla_checks.rule_in_use),
)}
