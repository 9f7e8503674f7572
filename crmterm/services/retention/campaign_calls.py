"""Working a campaign's call list: the next call is claimed atomically — never one call to two agents — and
each attempt is registered as an outbound phone contact (with a closed inquiry of the campaign's topic) and
ends the call (reached, refused, accepted) or puts it back on the list (callback at a time, no answer later).

The claim is one UPDATE guarded by `state = 'waiting'`: on PostgreSQL its pick is `FOR UPDATE SKIP LOCKED`
(agents skip rows another agent is claiming instead of queueing behind them); SQLite runs one writer at a time,
and the transaction writes before it reads so it waits for the writer ahead instead of failing."""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import case, false, or_, update
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.i18n import _, pick
from crmterm.moments import check_moment
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.queue_access import can_work
from crmterm.services.inquiries import registration
from crmterm.services.inquiries.drafts import ContactDraft, InquiryDraft
from crmterm.services.knowledge import scripts
from crmterm.services.retention import campaigns
from crmterm.store import Campaign, CampaignAttempt, CampaignCall, Party, Queue, utcnow
from crmterm.store.tables import saved_id

OUTCOMES = ("reached", "refused", "accepted", "callback", "no_answer")
FINAL = {"reached", "refused", "accepted"}
PHONE = "phone"  # the channel of an outbound call (the demo's and the seed's code)
RETRY_AFTER = timedelta(hours=1)  # a call not answered waits this long before it is handed out again
MAX_ATTEMPTS = 3  # unanswered attempts before a call is given up

class CallRead(BaseModel):
    id: int
    campaign: str
    campaign_name: str
    party_id: int
    customer: str
    phone: str | None
    email: str | None
    state: str
    attempts: int
    outcome: str | None
    due_at: datetime
    topic: str
    offer: str
    script: str | None
    script_lines: list[str] = []  # the script's name and its first questions, in the user's language


def read_call(session: Session, row: CampaignCall, campaign: Campaign | None = None) -> CallRead:
    campaign = campaign or session.get(Campaign, row.campaign_id)
    party = session.get(Party, row.party_id)
    if campaign is None or party is None:
        raise NotFound(_("call"), row.id)
    return CallRead(id=saved_id(row), campaign=campaign.code, campaign_name=campaign.name, party_id=row.party_id,
                    customer=party.display_name, phone=party.phone, email=party.email, state=row.state,
                    attempts=row.attempts, outcome=row.outcome, due_at=row.due_at, topic=campaign.topic,
                    offer=campaign.offer, script=campaign.script)


def _check_worker(session: Session, actor: Actor, campaign: Campaign) -> None:
    if actor.can(Permission.CAMPAIGN_MANAGE) or actor.login in campaign.agents:
        return
    queue = session.get(Queue, campaign.queue_id) if campaign.queue_id is not None else None
    if queue is None or not can_work(session, actor, queue):
        raise PermissionDenied(_("{who} does not work campaign {code}").format(who=actor.login, code=campaign.code))


def next_call(*, session: Session, actor: Actor, code: str, now: datetime | None = None) -> CallRead | None:
    """The call the actor holds in this campaign, else the next due one claimed for them (their own calls
    first, then the unassigned ones); None when nothing is due."""
    require(actor, Permission.CAMPAIGN_WORK)
    if actor.id is None:
        raise PermissionDenied(_("{who} is not a person and cannot make calls").format(who=actor.login))
    postgres = session.get_bind().dialect.name == "postgresql"
    if not postgres:  # write first: SQLite then waits for the writer ahead (busy_timeout) instead of failing
        session.execute(update(CampaignCall).where(false()).values(attempts=CampaignCall.attempts))
    campaign = campaigns.row_of(session, code)
    _check_worker(session, actor, campaign)
    held = session.exec(select(CampaignCall).where(CampaignCall.campaign_id == campaign.id,
                                                   CampaignCall.holder_id == actor.id,
                                                   CampaignCall.state == "claimed")).first()
    if held is not None:
        return _with_script(session, actor, read_call(session, held, campaign))
    if campaign.state != campaigns.RUNNING:
        raise Conflict(_("campaign {code} is not running").format(code=code))
    claimed = session.execute(_claim(saved_id(campaign), actor.id, now or utcnow(), postgres)).first()
    if claimed is None:
        return None
    row = session.get(CampaignCall, claimed[0], populate_existing=True)
    assert row is not None
    return _with_script(session, actor, read_call(session, row, campaign))


def _claim(campaign_id: int, me: int, now: datetime, postgres: bool):
    """One UPDATE: the next due call (one's own first, then the unassigned), re-checked as still waiting."""
    pick = (select(CampaignCall.id)
            .where(CampaignCall.campaign_id == campaign_id, CampaignCall.state == "waiting",
                   col(CampaignCall.due_at) <= now,
                   or_(col(CampaignCall.assignee_id).is_(None), col(CampaignCall.assignee_id) == me))
            .order_by(case((col(CampaignCall.assignee_id).is_(None), 1), else_=0), col(CampaignCall.due_at),
                      col(CampaignCall.id))
            .limit(1))
    if postgres:  # agents skip the rows others are claiming instead of queueing behind them
        pick = pick.with_for_update(skip_locked=True)
    return (update(CampaignCall)
            .where(col(CampaignCall.id) == pick.scalar_subquery(), col(CampaignCall.state) == "waiting")
            .values(state="claimed", holder_id=me, claimed_at=now)
            .returning(col(CampaignCall.id)).execution_options(synchronize_session=False))


def _with_script(session: Session, actor: Actor, found: CallRead) -> CallRead:
    """What the agent reads before dialling: the script's name and its first three questions."""
    if not found.script:
        return found
    try:
        script = scripts.get(session=session, actor=actor, code=found.script)
    except NotFound:
        return found
    questions = [pick(node.get("text") or {}, "") for node in script.document.get("nodes", [])
                 if isinstance(node, dict) and node.get("type") == "question"][:3]
    return found.model_copy(update={"script_lines": [script.label, *filter(None, questions)]})


class AttemptRead(BaseModel):
    call: CallRead
    attempt_id: int
    contact_id: int
    inquiry_id: int


def record_attempt(*, session: Session, actor: Actor, call_id: int, outcome: str, note: str = "",
                   callback_at: datetime | None = None, template: str | None = None,
                   place: str | None = None) -> AttemptRead:
    """The outcome of the call the actor holds: registered as an outbound phone contact of the customer, with
    a closed inquiry of the campaign's topic. `callback_at` (for a callback): when to call again — the call
    comes back to the same agent then."""
    require(actor, Permission.CAMPAIGN_WORK)
    require(actor, Permission.INQUIRIES_WRITE)
    row = session.get(CampaignCall, call_id)
    if row is None:
        raise NotFound(_("call"), call_id)
    if row.state != "claimed" or (row.holder_id != actor.id and not actor.can(Permission.CAMPAIGN_MANAGE)):
        raise Conflict(_("call {id} is not held by {who}").format(id=call_id, who=actor.login))
    if outcome not in OUTCOMES:
        raise ValidationError("outcome", _("expected one of: {choices}").format(choices=", ".join(OUTCOMES)))
    if outcome == "callback":
        if callback_at is None:
            raise ValidationError("callback_at", _("required for a callback"))
        check_moment(callback_at, "callback_at")
    campaign = session.get(Campaign, row.campaign_id)
    assert campaign is not None
    contact_id, inquiry_id = _register_contact(session, actor, row, campaign, outcome, note, template, place)
    attempt = CampaignAttempt(call_id=call_id, campaign_id=row.campaign_id, party_id=row.party_id,
                              agent_id=actor.id, contact_id=contact_id, outcome=outcome, note=note.strip()[:500])
    session.add(attempt)
    _after(row, actor, outcome, callback_at)
    session.add(row)
    session.flush()
    return AttemptRead(call=read_call(session, row, campaign), attempt_id=saved_id(attempt), contact_id=contact_id,
                       inquiry_id=inquiry_id)


def _after(row: CampaignCall, actor: Actor, outcome: str, callback_at: datetime | None) -> None:
    """Where the call goes after an attempt: done, or back on the list (a callback to the same agent)."""
    row.attempts, row.outcome, row.holder_id, row.claimed_at = row.attempts + 1, outcome, None, None
    if outcome in FINAL or (outcome == "no_answer" and row.attempts >= MAX_ATTEMPTS):
        row.state = "done"
    elif outcome == "callback":
        row.state, row.due_at, row.assignee_id = "waiting", callback_at or utcnow(), actor.id
    else:
        row.state, row.due_at = "waiting", utcnow() + RETRY_AFTER


def _register_contact(session: Session, actor: Actor, row: CampaignCall, campaign: Campaign, outcome: str,
                      note: str, template: str | None, place: str | None) -> tuple[int, int]:
    party = session.get(Party, row.party_id)
    words = f"{campaign.name}: {outcome}" + (f" — {' '.join(note.split())}" if note.strip() else "")
    draft = ContactDraft(template=template, place=place, direction="out", channel=PHONE, customer=row.party_id,
                         caller=(party.phone if party else None) or "", text=words[:4000], at=utcnow(),
                         inquiries=[InquiryDraft(topic=campaign.topic, text=words[:4000], close=True)])
    registered = registration.register(session=session, actor=actor, draft=draft)
    return registered.contact_id, registered.inquiry_ids[0]


def release_call(*, session: Session, actor: Actor, call_id: int) -> CallRead:
    """Give a held call back to the list untouched (the agent could not make it now)."""
    require(actor, Permission.CAMPAIGN_WORK)
    row = session.get(CampaignCall, call_id)
    if row is None:
        raise NotFound(_("call"), call_id)
    if row.state != "claimed" or (row.holder_id != actor.id and not actor.can(Permission.CAMPAIGN_MANAGE)):
        raise Conflict(_("call {id} is not held by {who}").format(id=call_id, who=actor.login))
    row.state, row.holder_id, row.claimed_at = "waiting", None, None
    session.add(row)
    session.flush()
    return read_call(session, row)
