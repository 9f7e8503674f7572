"""Opportunities: a possible sale to a customer or a lead, moving along the stages of a sales process (each
with its probability), with an amount typed or taken from a quote, an expected close date, an owner, a
competitor and, when lost, a reason. Every stage entered is kept (OpportunityStage). Winning one whose party
is a lead turns the lead into a customer with the customers' own conversion (customers.convert_lead)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission
from crmterm.services.accounts.stale import changed_by
from crmterm.services.customers import customers, structures
from crmterm.services.sales import activity_plans, pricing, process_config, sales_access
from crmterm.services.sales.config_fields import decimal
from crmterm.store import Opportunity, OpportunityStage, Party, Quote, SalesProcess, User, utcnow
from crmterm.store.tables import saved_id

MAX_AMOUNT = Decimal("999999999999.99")


class StageEntry(BaseModel):
    stage: str
    probability: int
    at: datetime
    by: str


class OpportunityRead(BaseModel):
    id: int
    title: str
    party_id: int
    customer: str
    is_lead: bool
    owner: str | None
    process: str
    stage: str
    stage_name: str
    probability: int
    amount: Decimal | None
    currency: str
    amount_text: str
    weighted: Decimal  # amount × probability
    quote_number: str | None
    expected_close: date | None
    competitor: str
    loss_reason: str
    state: str
    history: list[StageEntry] = []
    quotes: list[int] = []  # ids of its quotes, newest first
    version: int = 1


def _stages(process: SalesProcess) -> dict[str, dict]:
    return {stage["code"]: stage for stage in process.stages}


def _read(session: Session, row: Opportunity, *, full: bool = False, parties: dict | None = None,
          logins: dict | None = None, processes: dict | None = None) -> OpportunityRead:
    process = (processes or {}).get(row.process) or process_config.process(session, row.process)
    stage = _stages(process).get(row.stage, {})
    party = (parties or {}).get(row.party_id) or session.get(Party, row.party_id)
    owner = (logins or {}).get(row.owner_id) if logins is not None else _login(session, row.owner_id)
    amount = Decimal(row.amount) if row.amount is not None else None
    found = OpportunityRead(
        id=saved_id(row), title=row.title, party_id=row.party_id, customer=party.display_name if party else "?",
        is_lead=bool(party and party.is_lead), owner=owner, process=row.process, stage=row.stage,
        stage_name=pick(stage.get("names"), row.stage), probability=row.probability, amount=amount,
        currency=row.currency, amount_text=pricing.money(amount, row.currency) if amount is not None else "",
        weighted=pricing.cents((amount or Decimal(0)) * row.probability / 100), quote_number=row.quote_number,
        expected_close=row.expected_close, competitor=row.competitor, loss_reason=row.loss_reason, state=row.state,
        version=row.version)
    if full:
        found.history = [StageEntry(stage=h.stage, probability=h.probability, at=h.at, by=h.by) for h in session.exec(
            select(OpportunityStage).where(OpportunityStage.opportunity_id == row.id)
            .order_by(col(OpportunityStage.id)))]
        found.quotes = [i for i in session.exec(select(col(Quote.id)).where(Quote.opportunity_id == row.id)
                                                .order_by(col(Quote.id).desc())) if i is not None]
    return found


def _login(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id else None
    return user.login if user else None


def _owner_id(session: Session, actor: Actor, owner: str | None) -> int | None:
    if owner is None or owner == actor.login:
        return actor.id
    if not actor.can(Permission.SALES_SUPERVISE):
        raise PermissionDenied(_("{who} may not give an opportunity to another owner").format(who=actor.login))
    user = session.exec(select(User).where(User.login == owner)).first()
    if user is None:
        raise NotFound(_("user"), owner)
    return user.id


def create_opportunity(*, session: Session, actor: Actor, party_id: int, title: str,
                       amount: Decimal | str | None = None, quote_id: int | None = None,
                       expected_close: date | None = None, process: str | None = None, competitor: str = "",
                       owner: str | None = None, stage: str | None = None) -> OpportunityRead:
    """At `stage` (an open stage of the process; default its first); the amount typed, or the net total of
    `quote_id` (then linked to it)."""
    sales_access.require_seller(actor)
    customers.get_party(session, party_id)
    title = " ".join(title.split())
    if not title or len(title) > 200:
        raise ValidationError("title", _("required, at most {n} characters").format(n=200))
    chosen = process_config.process(session, process)
    first = _starting_stage(chosen, stage)
    row = Opportunity(title=title, party_id=party_id, owner_id=_owner_id(session, actor, owner), process=chosen.code,
                      stage=first["code"], probability=first["probability"], expected_close=expected_close,
                      competitor=competitor.strip()[:200], updated_by=actor.login,
                      amount=decimal(amount, "amount", maximum=MAX_AMOUNT) if amount not in (None, "") else None)
    session.add(row)
    session.flush()
    if quote_id is not None:
        _take_quote(session, actor, row, quote_id)
    session.add(OpportunityStage(opportunity_id=saved_id(row), stage=row.stage, probability=row.probability,
                                 by=actor.login))
    session.flush()
    activity_plans.on_stage_entered(session, actor, row)
    return _read(session, row, full=True)


def _starting_stage(process: SalesProcess, code: str | None) -> dict:
    """A new opportunity starts in an open stage: won and lost are decided later, with a reason for a loss."""
    open_stages = [stage for stage in process.stages if stage["outcome"] == "open"]
    if code is None or code == "":
        return open_stages[0]
    found = next((stage for stage in open_stages if stage["code"] == code), None)
    if found is None:
        raise ValidationError("stage", _("expected one of: {choices}").format(
            choices=", ".join(stage["code"] for stage in open_stages)))
    return found


def _take_quote(session: Session, actor: Actor, row: Opportunity, quote_id: int) -> None:
    quote = session.get(Quote, quote_id)
    if quote is None or quote.party_id != row.party_id:
        raise NotFound(_("quote"), quote_id)
    sales_access.check_changes(actor, quote.owner_id)
    quote.opportunity_id = saved_id(row)
    row.amount, row.currency, row.quote_number = quote.net, quote.currency, quote.number
    session.add_all([quote, row])


def get_opportunity(*, session: Session, actor: Actor, opportunity_id: int) -> OpportunityRead:
    sales_access.require_sales_reader(actor)
    row = _row(session, opportunity_id)
    sales_access.check_reads(actor, row.owner_id)
    return _read(session, row, full=True)


def _row(session: Session, opportunity_id: int) -> Opportunity:
    row = session.get(Opportunity, opportunity_id)
    if row is None:
        raise NotFound(_("opportunity"), opportunity_id)
    return row


def list_opportunities(*, session: Session, actor: Actor, owner: str | None = None, state: str | None = None,
                       stage: str | None = None, party_id: int | None = None,
                       limit: int = 500) -> list[OpportunityRead]:
    """The pipeline, expected close first; a sales agent sees their own."""
    sales_access.require_sales_reader(actor)
    # without a close date last on both databases (SQLite sorts NULL first, PostgreSQL last)
    query = select(Opportunity).order_by(col(Opportunity.expected_close).is_(None), col(Opportunity.expected_close),
                                         col(Opportunity.id)).limit(limit)
    if not sales_access.sees_all(actor):
        query = query.where(Opportunity.owner_id == actor.id)
    elif owner:
        query = query.where(col(Opportunity.owner_id).in_(select(User.id).where(User.login == owner)))
    for column, value in ((Opportunity.state, state), (Opportunity.stage, stage), (Opportunity.party_id, party_id)):
        if value is not None:
            query = query.where(column == value)
    rows = session.exec(query).all()
    parties = {p.id: p for p in session.exec(select(Party).where(col(Party.id).in_({r.party_id for r in rows})))}
    logins = dict(session.exec(select(User.id, User.login).where(col(User.id).in_({r.owner_id for r in rows}))).all())
    processes = {p.code: p for p in session.exec(select(SalesProcess))}
    return [_read(session, row, parties=parties, logins=logins, processes=processes) for row in rows]


def move_stage(*, session: Session, actor: Actor, opportunity_id: int, stage: str, reason: str = "",
               expected_version: int | None = None) -> OpportunityRead:
    """Into any stage of its process; a won or lost stage closes it (lost needs a reason). `expected_version`
    (the version read): refused if someone changed the opportunity since."""
    sales_access.require_seller(actor)
    row = _row(session, opportunity_id)
    sales_access.check_changes(actor, row.owner_id)
    if expected_version is not None and expected_version != row.version:
        raise changed_by(_("Opportunity {id}").format(id=opportunity_id), row)
    target = _stages(process_config.process(session, row.process)).get(stage)
    if target is None:
        raise ValidationError("stage", _("unknown reference '{code}'").format(code=stage))
    if row.state != "open":
        raise Conflict(_("opportunity {id} is {state}").format(id=opportunity_id, state=row.state))
    if target["outcome"] == "lost" and not reason.strip():
        raise ValidationError("reason", _("say why it was lost"))
    if target["outcome"] == "won":
        _won(session, actor, row)
    row.stage, row.probability, row.state = stage, target["probability"], target["outcome"]
    if target["outcome"] != "open":
        row.closed_at = utcnow()
    if reason.strip():
        row.loss_reason = reason.strip()[:500]
    row.version, row.updated_at, row.updated_by = row.version + 1, utcnow(), actor.login
    session.add(row)
    session.add(OpportunityStage(opportunity_id=opportunity_id, stage=stage, probability=row.probability,
                                 by=actor.login))
    session.flush()
    activity_plans.on_stage_entered(session, actor, row)
    return _read(session, row, full=True)


def _won(session: Session, actor: Actor, row: Opportunity) -> None:
    party = session.get(Party, row.party_id)
    if party is not None and party.is_lead:
        customers.convert_lead(session=session, actor=actor, party_id=row.party_id, source="sales")
    if row.expected_close is None:
        row.expected_close = structures.today()


def _outcome_stage(session: Session, row: Opportunity, outcome: str) -> str:
    return next(s["code"] for s in process_config.process(session, row.process).stages if s["outcome"] == outcome)


def win_opportunity(*, session: Session, actor: Actor, opportunity_id: int) -> OpportunityRead:
    sales_access.require_seller(actor)
    row = _row(session, opportunity_id)
    return move_stage(session=session, actor=actor, opportunity_id=opportunity_id,
                      stage=_outcome_stage(session, row, "won"))


def lose_opportunity(*, session: Session, actor: Actor, opportunity_id: int, reason: str,
                     competitor: str | None = None) -> OpportunityRead:
    sales_access.require_seller(actor)
    row = _row(session, opportunity_id)
    if competitor is not None:
        sales_access.check_changes(actor, row.owner_id)
        row.competitor = competitor.strip()[:200]
    return move_stage(session=session, actor=actor, opportunity_id=opportunity_id,
                      stage=_outcome_stage(session, row, "lost"), reason=reason)
