"""The hidden churn process of the synthetic data (`crmterm seed synthetic --churn`), an honest test for the
churn model (services/retention): each customer has a dissatisfaction the CRM never records. It makes them
raise more inquiries, and more of them complaints (synthetic_inquiries draws by it), and it, their complaints
of the last 90 days and noise make them leave: month by month over the last eight months, with a probability
sigmoid(BASE + MOOD·dissatisfaction + COMPLAINT·recent complaints + noise). A customer who leaves gets status
`closed` and a change-log entry on the day. The model sees only what the CRM saw: the inquiries."""

from __future__ import annotations

import bisect
import math
import random
from collections.abc import Sequence
from datetime import datetime, timedelta
from statistics import NormalDist

from sqlalchemy import insert, update
from sqlalchemy import select as select_rows
from sqlmodel import Session, col

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import ChangeLog, Inquiry, Party, utcnow

BASE = -5.5  # ≈ 0.4 % a month for a customer of average mood without complaints
MOOD, COMPLAINT, NOISE = 1.5, 0.8, 0.4  # the weight of the mood, of each recent complaint, the noise's spread
PERIODS, PERIOD_DAYS = 8, 30  # over the last eight months (long enough for training and a test period)
_MASK = (1 << 64) - 1
_NORMAL = NormalDist()


def dissatisfaction(seed: int, party_id: int) -> float:
    """A standard normal value fixed by (seed, party): splitmix64 of both, through the normal's quantile."""
    value = (seed * 0x9E3779B97F4A7C15 + party_id * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    value = ((value ^ (value >> 27)) * 0x94D049BB133111EB) & _MASK
    value ^= value >> 31
    return _NORMAL.inv_cdf((value + 0.5) / (_MASK + 2))


def complaint_share(mood: float) -> float:
    return min(0.6, 0.08 * math.exp(0.8 * mood))


class PartyPicker:
    """Draws party ids 1..count, the dissatisfied more often (weight e^(1.2·dissatisfaction))."""

    def __init__(self, seed: int, count: int) -> None:
        self.seed, self.total, self.cumulative = seed, 0.0, []
        for party_id in range(1, count + 1):
            self.total += math.exp(1.2 * dissatisfaction(seed, party_id))
            self.cumulative.append(self.total)

    def pick(self, rng: random.Random) -> int | None:
        if not self.cumulative:
            return None
        return bisect.bisect_left(self.cumulative, rng.random() * self.total) + 1

    def mood(self, party_id: int | None) -> float:
        return dissatisfaction(self.seed, party_id) if party_id else 0.0


def leave(*, session: Session, actor: Actor, seed: int = 1) -> int:
    """Let customers leave over the past year by the hidden process; returns how many left."""
    require(actor, Permission.CUSTOMERS_IMPORT)
    now, rng = utcnow(), random.Random(seed * 7 + 3)
    first = now - timedelta(days=PERIODS * PERIOD_DAYS)
    complaints = _complaints(session, first - timedelta(days=90))
    parties = session.execute(select_rows(col(Party.id)).where(
        col(Party.is_lead).is_(False), col(Party.status) == "active").order_by(col(Party.id))).scalars().all()
    leaving: list[tuple[int, datetime]] = []
    for party_id in parties:
        noise = rng.gauss(0.0, NOISE)
        for period in range(PERIODS):
            start = first + timedelta(days=period * PERIOD_DAYS)
            recent = _between(complaints.get(party_id, []), start - timedelta(days=90), start)
            odds = BASE + MOOD * dissatisfaction(seed, party_id) + COMPLAINT * recent + noise
            if rng.random() < 1 / (1 + math.exp(-odds)):
                leaving.append((party_id, start + timedelta(seconds=rng.randrange(PERIOD_DAYS * 86_400))))
                break
    _record(session, actor, leaving)
    return len(leaving)


def _complaints(session: Session, since: datetime) -> dict[int, list[datetime]]:
    found: dict[int, list[datetime]] = {}
    rows = session.execute(select_rows(col(Inquiry.party_id), col(Inquiry.created_at)).where(
        col(Inquiry.type) == "complaint", col(Inquiry.created_at) >= since, col(Inquiry.party_id).is_not(None)))
    for party_id, at in rows:
        found.setdefault(party_id, []).append(at)
    for moments in found.values():
        moments.sort()
    return found


def _between(moments: Sequence[datetime], start: datetime, end: datetime) -> int:
    return bisect.bisect_left(moments, end) - bisect.bisect_left(moments, start)


def _record(session: Session, actor: Actor, leaving: list[tuple[int, datetime]]) -> None:
    for chunk in range(0, len(leaving), 1_000):
        part = leaving[chunk:chunk + 1_000]
        session.execute(update(Party).where(col(Party.id).in_([party_id for party_id, _at in part]))
                        .values(status="closed", updated_by=actor.login))
        session.execute(insert(ChangeLog), [{"entity": "party", "entity_id": party_id, "field": "status",
                                             "old": "active", "new": "closed", "at": at, "by": actor.login,
                                             "source": "synthetic"} for party_id, at in part])
