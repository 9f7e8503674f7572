"""The role matrix's declared table, retention part (issue 29, items 4–6): supervisors and admins manage
campaigns and apply loyalty tiers (campaign.manage); agents work the call lists (campaign.work) of campaigns
that name them or whose queue they work; ratings are recorded by whoever works inquiries; reports for readers of
reports. Builders make a running campaign of the first line queue (the demo agent is a member) and, where a call
is needed, claim one for the caller when the caller works campaigns (else for the agent, so a refused caller is
refused on someone's real call)."""

from __future__ import annotations

from role_matrix_calls import Entry, Rule, World
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.retention import (
    campaign_calls,
    campaign_reports,
    campaigns,
    loyalty,
    retention_demo,
    survey_reports,
    surveys,
)
from crmterm.store import Inquiry, SurveyRequest, utcnow

_FAR = {"start": utcnow().replace(year=2000), "end": utcnow().replace(year=2100)}
CAMPAIGN_READER = Rule("campaign.work or campaign.manage", frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN}),
                       writes=False)


def _values(code: str = "matrix") -> dict:
    return {"code": code, "name": "Matrix", "topic": "tariff_info", "queue": "first_line",
            "criteria": {"category": "b2c", "limit": 3}}


def _campaign(session: Session, world: World, built: bool = True) -> str:
    campaigns.create_campaign(session=session, actor=world.admin, values=_values())
    if built:
        campaigns.build_campaign(session=session, actor=world.admin, code="matrix")
    return "matrix"


def _worker(world: World, actor: Actor | None) -> Actor:
    return actor if actor is not None and actor.can(P.CAMPAIGN_WORK) else world.people["agent"]


def _held_call(session: Session, world: World, actor: Actor | None) -> int:
    found = campaign_calls.next_call(session=session, actor=_worker(world, actor), code=_campaign(session, world))
    assert found is not None
    return found.id


def _closed_inquiry(session: Session, world: World) -> int:
    """A call's outbound contact registers a closed inquiry: the one a rating is about."""
    made = campaign_calls.record_attempt(session=session, actor=world.people["agent"], outcome="reached",
                                         call_id=_held_call(session, world, world.people["agent"]))
    return made.inquiry_id


def _survey_code(session: Session, world: World) -> str:
    inquiry = session.get(Inquiry, _closed_inquiry(session, world))
    assert inquiry is not None and inquiry.party_id is not None
    session.add(SurveyRequest(inquiry_id=inquiry.id or 0, party_id=inquiry.party_id, code="MATRIX01"))
    session.flush()
    return "MATRIX01"


CAMPAIGN_ENTRIES = [
    Entry(campaigns.create_campaign, P.CAMPAIGN_MANAGE, lambda s, w, a: {"values": _values("new")}),
    Entry(campaigns.list_campaigns, CAMPAIGN_READER),
    Entry(campaigns.get_campaign, CAMPAIGN_READER, lambda s, w, a: {"code": _campaign(s, w)}),
    Entry(campaigns.build_campaign, P.CAMPAIGN_MANAGE, lambda s, w, a: {"code": _campaign(s, w, built=False)}),
    Entry(campaigns.close_campaign, P.CAMPAIGN_MANAGE, lambda s, w, a: {"code": _campaign(s, w)}),
    Entry(campaign_calls.next_call, P.CAMPAIGN_WORK, lambda s, w, a: {"code": _campaign(s, w)}),
    Entry(campaign_calls.record_attempt, P.CAMPAIGN_WORK, lambda s, w, a: {"call_id": _held_call(s, w, a),
                                                                           "outcome": "refused"}),
    Entry(campaign_calls.release_call, P.CAMPAIGN_WORK, lambda s, w, a: {"call_id": _held_call(s, w, a)}),
    Entry(campaign_reports.campaign_report, P.REPORTS_READ, lambda s, w, a: {"code": _campaign(s, w)}),
    Entry(surveys.record_survey, P.INQUIRIES_WRITE, lambda s, w, a: {"inquiry_id": _closed_inquiry(s, w),
                                                                     "score": 4}),
    Entry(surveys.answer_survey, P.INQUIRIES_WRITE, lambda s, w, a: {"code": _survey_code(s, w), "score": 5}),
    Entry(surveys.send_survey_requests, P.INQUIRIES_SUPERVISE),
    Entry(survey_reports.csat_report, P.REPORTS_READ, lambda s, w, a: dict(_FAR)),
    Entry(survey_reports.nps_report, P.REPORTS_READ, lambda s, w, a: dict(_FAR)),
    Entry(loyalty.apply_tiers, P.CAMPAIGN_MANAGE, lambda s, w, a: {"dry_run": True}),
    Entry(retention_demo.seed_demo_retention, P.CONFIG_IMPORT),
]

# Called by the entries above after their own role check.
CAMPAIGN_EXEMPT = {
    "campaign_filters.select_customers": "the customers a checked build_campaign puts on its call list",
}
