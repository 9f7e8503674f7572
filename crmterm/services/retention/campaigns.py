"""Outbound campaigns: a named selection of customers (campaign_filters) turned into a call list that agents or
a queue's members work (campaign_calls), with a script to follow, an offer in words and a message template
sent to each customer with an e-mail address when the list is built. draft → running (built) → closed.

Supervisors manage campaigns (campaign.manage); whoever works call lists (campaign.work) reads them."""

from __future__ import annotations

from datetime import datetime
from itertools import cycle

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.knowledge import scripts
from crmterm.services.retention import campaign_filters
from crmterm.services.sla import notifications
from crmterm.store import Campaign, CampaignCall, Party, Queue, Topic, User, utcnow
from crmterm.store.tables import saved_id

DRAFT, RUNNING, CLOSED = "draft", "running", "closed"
CODE_LENGTH = 64


class CampaignRead(BaseModel):
    id: int
    code: str
    name: str
    state: str
    criteria: dict
    topic: str
    script: str | None
    template: str | None
    offer: str
    queue: str | None
    agents: list[str]
    built_at: datetime | None
    calls: int  # on the list
    waiting: int
    claimed: int
    done: int
    version: int = 1


def read(session: Session, row: Campaign) -> CampaignRead:
    counts = dict(session.exec(select(CampaignCall.state, func.count()).where(
        CampaignCall.campaign_id == row.id).group_by(col(CampaignCall.state))).all())
    queue = session.get(Queue, row.queue_id) if row.queue_id is not None else None
    return CampaignRead(id=saved_id(row), code=row.code, name=row.name, state=row.state, criteria=dict(row.criteria),
                        topic=row.topic, script=row.script, template=row.template, offer=row.offer,
                        queue=queue.code if queue else None, agents=list(row.agents), built_at=row.built_at,
                        calls=sum(counts.values()), waiting=counts.get("waiting", 0),
                        claimed=counts.get("claimed", 0), done=counts.get("done", 0), version=row.version)


def row_of(session: Session, code: str) -> Campaign:
    found = session.exec(select(Campaign).where(Campaign.code == code)).first()
    if found is None:
        raise NotFound(_("campaign"), code)
    return found


def _checked(session: Session, actor: Actor, values: dict) -> dict:
    code, name = str(values.get("code") or "").strip(), " ".join(str(values.get("name") or "").split())
    if not code or len(code) > CODE_LENGTH or any(c.isspace() for c in code):
        raise ValidationError("code", _("required, no spaces, at most {n} characters").format(n=CODE_LENGTH))
    if not name or len(name) > 200:
        raise ValidationError("name", _("required, at most {n} characters").format(n=200))
    topic = values.get("topic") or ""
    if session.exec(select(Topic.id).where(Topic.code == topic, col(Topic.is_group).is_(False))).first() is None:
        raise ValidationError("topic", _("unknown reference '{code}'").format(code=topic))
    if values.get("script"):
        scripts.get(session=session, actor=actor, code=values["script"])
    agents = sorted(set(values.get("agents") or []))
    known = set(session.exec(select(User.login).where(col(User.login).in_(agents))).all())
    if set(agents) - known:
        raise ValidationError("agents", _("unknown user '{login}'").format(login=sorted(set(agents) - known)[0]))
    queue_id = None
    if values.get("queue"):
        queue_id = session.exec(select(Queue.id).where(Queue.code == values["queue"])).first()
        if queue_id is None:
            raise ValidationError("queue", _("unknown reference '{code}'").format(code=values["queue"]))
    if not agents and queue_id is None:
        raise ValidationError("agents", _("name the agents or the queue who work the campaign"))
    return {"code": code, "name": name, "topic": topic, "script": values.get("script") or None,
            "template": values.get("template") or None, "offer": " ".join(str(values.get("offer") or "").split()),
            "agents": agents, "queue_id": queue_id, "criteria": campaign_filters.clean(values.get("criteria") or {})}


def create_campaign(*, session: Session, actor: Actor, values: dict) -> CampaignRead:
    """A draft campaign: `values` = code, name, topic, criteria (campaign_filters), agents and/or queue, and
    optionally script, template (a notification template, e.g. campaign_offer) and offer."""
    require(actor, Permission.CAMPAIGN_MANAGE)
    clean = _checked(session, actor, values)
    if session.exec(select(Campaign.id).where(Campaign.code == clean["code"])).first() is not None:
        raise Conflict(_("campaign {code} exists already").format(code=clean["code"]))
    row = Campaign(**clean, updated_by=actor.login)
    session.add(row)
    session.flush()
    return read(session, row)


def list_campaigns(*, session: Session, actor: Actor, state: str | None = None) -> list[CampaignRead]:
    _require_reader(actor)
    query = select(Campaign).order_by(col(Campaign.id).desc())
    if state:
        query = query.where(Campaign.state == state)
    return [read(session, row) for row in session.exec(query)]


def get_campaign(*, session: Session, actor: Actor, code: str) -> CampaignRead:
    _require_reader(actor)
    return read(session, row_of(session, code))


def _require_reader(actor: Actor | None) -> Actor:
    if actor is not None and actor.can(Permission.CAMPAIGN_MANAGE):
        return actor
    return require(actor, Permission.CAMPAIGN_WORK)


def build_campaign(*, session: Session, actor: Actor, code: str) -> CampaignRead:
    """Add the customers the criteria select now to the call list (those on it already stay as they are),
    spread over the campaign's agents in turn (or left to the queue's members), send each new one the offer's
    message when the campaign has a template, and start the campaign."""
    require(actor, Permission.CAMPAIGN_MANAGE)
    row = row_of(session, code)
    if row.state == CLOSED:
        raise Conflict(_("campaign {code} is closed").format(code=code))
    listed = set(session.exec(select(CampaignCall.party_id).where(CampaignCall.campaign_id == row.id)).all())
    new = [p for p in campaign_filters.select_customers(session, actor, dict(row.criteria)) if p not in listed]
    agents = cycle(session.exec(select(User.id).where(col(User.login).in_(row.agents)).order_by(col(User.login)))
                   .all() or [None])
    now = utcnow()
    session.add_all(CampaignCall(campaign_id=saved_id(row), party_id=p, assignee_id=next(agents), due_at=now)
                    for p in new)
    if row.template:
        _send_offers(session, row, new)
    row.state, row.built_at = RUNNING, now
    _touch(session, actor, row)
    return read(session, row)


def _send_offers(session: Session, row: Campaign, party_ids: list[int]) -> None:
    for party_id, name, email in session.exec(select(Party.id, Party.display_name, Party.email)
                                              .where(col(Party.id).in_(party_ids), col(Party.email).is_not(None))):
        notifications.notify(session=session, event=row.template or "", recipients=[f"email:{email}"],
                             data={"campaign": row.name, "customer": name, "offer": row.offer},
                             key=f"campaign:{row.id}:{party_id}")


def close_campaign(*, session: Session, actor: Actor, code: str) -> CampaignRead:
    """No more calls are handed out; what was done stays in the report."""
    require(actor, Permission.CAMPAIGN_MANAGE)
    row = row_of(session, code)
    row.state = CLOSED
    _touch(session, actor, row)
    return read(session, row)


def _touch(session: Session, actor: Actor, row: Campaign) -> None:
    row.version, row.updated_at, row.updated_by = row.version + 1, utcnow(), actor.login
    session.add(row)
    session.flush()
