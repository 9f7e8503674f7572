"""The demo's retention work, loaded by the TUI's first run after the demo's day (platform/bootstrap): a running
win-back campaign for a dozen B2C customers worked by the two demo agents — an offer accepted, a call back
tomorrow, a refusal, one reached and one not answered, each an outbound contact — the customers' ratings of
those calls, and a gold loyalty tier that moves a satisfied long-standing B2C customer up to VIP.

Made through the services; loaded once (nothing happens when the campaign exists)."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from sqlmodel import Session, col, select

from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.services.customers import structures
from crmterm.services.retention import campaign_calls, campaigns, loyalty, surveys
from crmterm.services.retention.loyalty_config import LoyaltyTiersSection
from crmterm.store import Campaign, User

CODE = "winback"
AGENTS = ("agent", "agent2")  # data/seed/demo.yaml's agents
GOLD = {"code": "gold", "names": {"en": "Gold", "ru": "Золото"}, "rank": 20, "category": "vip",
        "min_tenure_months": 24, "min_spend": "0.00", "min_rating": 5.0, "from_categories": ["b2c"]}
# (agent, outcome, note, CSAT, NPS) in the order the calls are taken
_CALLS = (("agent", "accepted", "Takes 30% off for six months", 5, 10),
          ("agent", "callback", "Busy now, call tomorrow morning", None, None),
          ("agent", "refused", "Moving to another operator anyway", 2, 3),
          ("agent2", "reached", "Will think about it", 4, 8),
          ("agent2", "no_answer", "", None, None))


def seed_demo_retention(*, session: Session, actor: Actor) -> int:
    """Returns the number of attempts made (0: made already)."""
    require(actor, Permission.CONFIG_IMPORT)
    if session.exec(select(Campaign.id).where(Campaign.code == CODE)).first() is not None:
        return 0
    people = {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id)
              for u in session.exec(select(User).where(col(User.login).in_(AGENTS)))}
    if set(people) != set(AGENTS):
        return 0
    values = {"code": CODE, "name": "Win back quiet customers", "topic": "tariff_info", "agents": list(AGENTS),
              "criteria": {"category": "b2c", "limit": 12}, "script": "retention", "template": "campaign_offer",
              "offer": "30% off the monthly fee for six months if you stay with us"}
    campaigns.create_campaign(session=session, actor=actor, values=values)
    campaigns.build_campaign(session=session, actor=actor, code=CODE)
    tomorrow = datetime.combine(structures.today() + timedelta(days=1), time(8), tzinfo=UTC)
    for login, outcome, note, score, nps in _CALLS:
        call = campaign_calls.next_call(session=session, actor=people[login], code=CODE)
        if call is None:
            break
        made = campaign_calls.record_attempt(session=session, actor=people[login], call_id=call.id, outcome=outcome,
                                             note=note, callback_at=tomorrow if outcome == "callback" else None)
        if score is not None:
            surveys.record_survey(session=session, actor=people[login], inquiry_id=made.inquiry_id, score=score,
                                  nps=nps)
    _gold_tier(session, actor)
    loyalty.apply_tiers(session=session, actor=actor)
    return len(_CALLS)


def _gold_tier(session: Session, actor: Actor) -> None:
    section = LoyaltyTiersSection()
    section.create(session, actor, GOLD, "seed")
