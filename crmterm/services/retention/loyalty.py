"""Loyalty tiers applied to customers: tenure (months since the first contract started, else since the customer
was created), spend (paid over the last 12 months: billing's figure where its invoices were imported, else the
payments recorded in the CRM) and satisfaction (surveys' customer_ratings) decide the tier; its client category
becomes the customer's, with the change in the customer's
history (the change log that the card's "as of" reads). Only customers without a category or in a category
some tier maps to or moves up from (`from_categories`) are managed; the rest (business, government,
partners…) are left alone, so tiers never overrule a category set for another reason. A managed customer who
meets no tier keeps their category.

`crmterm loyalty apply [--dry-run] [--loop HOURS]` runs it; a dry run says what would change."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session, col, func, select

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import history, structures
from crmterm.services.retention import surveys
from crmterm.store import ClientCategory, Contract, LoyaltyTier, Party, Payment, Receivable, utcnow

SPEND_MONTHS = 12


class TierChange(BaseModel):
    party_id: int
    customer: str
    tier: str
    old: str | None  # category codes
    new: str


class LoyaltyRun(BaseModel):
    checked: int
    changes: list[TierChange]
    applied: bool  # False: a dry run


def _months(since: date, today: date) -> int:
    return (today.year - since.year) * 12 + today.month - since.month - (today.day < since.day)


def _tenure(session: Session, today: date) -> dict[int, int]:
    started = dict(session.exec(select(Contract.payer_party_id, func.min(Contract.start_date))
                                .group_by(col(Contract.payer_party_id))).all())
    created = session.exec(select(Party.id, Party.created_at)).all()
    return {party: _months(started.get(party) or at.date(), today) for party, at in created if party is not None}


def _spend(session: Session, today: date) -> dict[int, Decimal]:
    """Paid in the last 12 months: billing's own figure where its invoices were imported (`crmterm collections
    import`), else the payments recorded in the CRM; never both, which would count the same money twice."""
    since = today - timedelta(days=365 * SPEND_MONTHS // 12)
    recorded = session.exec(select(Contract.payer_party_id, func.sum(Payment.amount))
                            .join(Contract, col(Contract.id) == Payment.contract_id)
                            .where(col(Payment.paid_on) >= since).group_by(col(Contract.payer_party_id))).all()
    billed = session.exec(select(Receivable.party_id, func.sum(Receivable.paid))
                          .where(col(Receivable.issued_on) >= since).group_by(col(Receivable.party_id))).all()
    spend = {party: Decimal(total or 0) for party, total in recorded if party is not None}
    return defaultdict(Decimal, spend | {party: Decimal(total or 0) for party, total in billed})


def _tier_of(tiers: list[LoyaltyTier], tenure: int, spend: Decimal, rating: float | None) -> LoyaltyTier | None:
    for tier in tiers:  # highest rank first
        if tenure >= tier.min_tenure_months and spend >= tier.min_spend and (
                tier.min_rating is None or (rating is not None and rating >= tier.min_rating)):
            return tier
    return None


def apply_tiers(*, session: Session, actor: Actor, dry_run: bool = False, today: date | None = None) -> LoyaltyRun:
    """Every managed active customer gets the category of the best tier they meet (none met: left as is)."""
    require(actor, Permission.CAMPAIGN_MANAGE)
    tiers = list(session.exec(select(LoyaltyTier).order_by(col(LoyaltyTier.rank).desc(), col(LoyaltyTier.code))))
    if not tiers:
        return LoyaltyRun(checked=0, changes=[], applied=not dry_run)
    today = today or structures.today()
    codes = {code: id_ for code, id_ in session.exec(select(ClientCategory.code, ClientCategory.id)) if id_ is not None}
    managed = {codes[c] for t in tiers for c in (t.category, *t.from_categories) if c in codes}
    customers = session.exec(select(Party).where(Party.status == "active", col(Party.is_lead).is_(False),
                                                 col(Party.erased_at).is_(None))
                             .where(col(Party.category_id).is_(None) | col(Party.category_id).in_(managed))
                             .order_by(col(Party.id))).all()
    tenure, spend = _tenure(session, today), _spend(session, today)
    ratings = surveys.customer_ratings(session, [p.id for p in customers if p.id is not None])
    names = {id_: code for code, id_ in codes.items()}
    changes = []
    for party in customers:
        party_id = party.id or 0
        rated = ratings.get(party_id)
        tier = _tier_of(tiers, tenure.get(party_id, 0), spend[party_id], rated.csat if rated else None)
        if tier is None or codes.get(tier.category) == party.category_id:
            continue
        changes.append(TierChange(party_id=party_id, customer=party.display_name, tier=tier.code,
                                  old=names.get(party.category_id or 0), new=tier.category))
        if not dry_run:
            _move(session, actor, party, codes[tier.category], names.get(party.category_id or 0), tier.category)
    session.flush()
    return LoyaltyRun(checked=len(customers), changes=changes, applied=not dry_run)


def _move(session: Session, actor: Actor, party: Party, category_id: int, old: str | None, new: str) -> None:
    party.category_id, party.version = category_id, party.version + 1
    party.updated_at, party.updated_by = utcnow(), actor.login
    session.add(party)
    history.record(session, entity="party", entity_id=party.id or 0, field="category", old=old, new=new,
                   by=actor.login, source="loyalty")
