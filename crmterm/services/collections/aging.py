"""Aging: what customers owe on their receivables, by how long it is overdue — current (not yet due), 1–30,
31–60, 61–90 and more than 90 days — per customer, and per structure node: the payer is the node and
everyone below it (customers/structures' subtree on the day). One GROUP BY over the receivables, the buckets
as CASE over due dates computed here from the day, so the same SQL runs on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy import case, func
from sqlalchemy import select as select_columns
from sqlmodel import Session, col

from crmterm.i18n import N_
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import structures
from crmterm.store import Party, Receivable

BUCKETS = ("current", "d1_30", "d31_60", "d61_90", "d90_plus")
BUCKET_LABELS = {"current": N_("Current"), "d1_30": N_("1–30 days"), "d31_60": N_("31–60 days"),
                 "d61_90": N_("61–90 days"), "d90_plus": N_("Over 90 days")}
_LIMIT = 100_000  # customers in one node's subtree


class Aging(BaseModel):
    party_id: int | None  # None: the sum over a node or a whole list
    name: str
    currency: str = "RUB"
    current: Decimal = Decimal(0)
    d1_30: Decimal = Decimal(0)
    d31_60: Decimal = Decimal(0)
    d61_90: Decimal = Decimal(0)
    d90_plus: Decimal = Decimal(0)

    @property
    def overdue(self) -> Decimal:
        return self.d1_30 + self.d31_60 + self.d61_90 + self.d90_plus

    @property
    def total(self) -> Decimal:
        return self.current + self.overdue


def _bucket_columns(as_of: date) -> list:
    """SUM of the open amount per bucket: an invoice due on `as_of` is current; due 30 days before, 1–30."""
    open_amount = col(Receivable.amount) - col(Receivable.paid)
    due = col(Receivable.due_on)
    e0, e30, e60, e90 = (as_of - timedelta(days=days) for days in (0, 30, 60, 90))
    conditions = (due >= e0, (due < e0) & (due >= e30), (due < e30) & (due >= e60), (due < e60) & (due >= e90),
                  due < e90)
    return [func.coalesce(func.sum(case((condition, open_amount), else_=0)), 0).label(name)
            for name, condition in zip(BUCKETS, conditions, strict=True)]


def by_customer(session: Session, as_of: date, party_ids: list[int] | None = None,
                overdue_only: bool = False) -> list[Aging]:
    """One row per customer with an open receivable (of `party_ids`, when given), the largest debt first."""
    query = (select_columns(col(Receivable.party_id), col(Party.display_name), func.max(col(Receivable.currency)),
                            *_bucket_columns(as_of))
             .join(Party, col(Party.id) == col(Receivable.party_id))
             .where(col(Receivable.paid) < col(Receivable.amount))
             .group_by(col(Receivable.party_id), col(Party.display_name)))
    if party_ids is not None:
        query = query.where(col(Receivable.party_id).in_(party_ids))
    if overdue_only:
        query = query.having(func.min(col(Receivable.due_on)) < as_of)
    rows = [Aging(party_id=row[0], name=row[1], currency=row[2], **dict(zip(BUCKETS, row[3:], strict=True)))
            for row in session.execute(query)]
    return sorted(rows, key=lambda a: (-a.overdue, -a.total, a.name))


def summed(rows: list[Aging], name: str) -> Aging:
    total = Aging(party_id=None, name=name, currency=rows[0].currency if rows else "RUB")
    for row in rows:
        for bucket in BUCKETS:
            setattr(total, bucket, getattr(total, bucket) + getattr(row, bucket))
    return total


def customer_aging(*, session: Session, actor: Actor, party_id: int, as_of: date | None = None) -> Aging:
    """One customer's aging (zeros when nothing is open)."""
    require(actor, Permission.CUSTOMERS_READ)
    found = by_customer(session, as_of or structures.today(), [party_id])
    party = session.get(Party, party_id)
    return found[0] if found else Aging(party_id=party_id, name=party.display_name if party else str(party_id))


def subtree_ids(session: Session, actor: Actor, structure: str, party_id: int, as_of: date, /) -> list[int]:
    """The payer node and everyone below it on the day (for its callers, after their check)."""
    return [node.party_id for node in structures.subtree(session=session, actor=actor, structure=structure,
                                                         party_id=party_id, on=as_of, limit=_LIMIT)]


def node_aging(*, session: Session, actor: Actor, structure: str, party_id: int,
               as_of: date | None = None) -> tuple[Aging, list[Aging]]:
    """The payer node's aging (itself and everyone below it) and the customers in it that owe."""
    require(actor, Permission.CUSTOMERS_READ)
    as_of = as_of or structures.today()
    rows = by_customer(session, as_of, subtree_ids(session, actor, structure, party_id, as_of))
    party = session.get(Party, party_id)
    return summed(rows, party.display_name if party else str(party_id)), rows
