"""Which customers a campaign calls: its criteria, checked when the campaign is saved and turned into one query
when its call list is built.

    category: B2C            client category code, or a list of codes
    structure: org           with `node`: the customer sits in that party's subtree of this structure today
    node: 12
    product: internet        has an active subscriber of this service
    contacted_before: 2026-10-01   no contact since that day (or never contacted)
    contacted_after: 2026-06-01    some contact on or after that day
    churn_min: 0.6           churn risk at least this (needs the churn scores: churn_risks)
    limit: 500               at most this many customers (the riskiest first when churn_min is given)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

from sqlalchemy import exists
from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import structures
from crmterm.store import ChurnScore, ClientCategory, Contact, Contract, Party, Subscriber

KEYS = ("category", "structure", "node", "product", "contacted_before", "contacted_after", "churn_min", "limit")
MAX_CUSTOMERS = 100_000


def clean(criteria: dict) -> dict:
    """The criteria as stored: known keys only, dates as ISO text, numbers in range."""
    unknown = set(criteria) - set(KEYS)
    if unknown:
        raise ValidationError(sorted(unknown)[0], _("unknown criterion (known: {keys})").format(keys=", ".join(KEYS)))
    found = {key: value for key, value in criteria.items() if value not in (None, "", [])}
    if isinstance(found.get("category"), str):
        found["category"] = [found["category"]]
    for key in ("contacted_before", "contacted_after"):
        if key in found:
            found[key] = _day(found[key], key).isoformat()
    if ("structure" in found) != ("node" in found):
        raise ValidationError("node", _("structure and node go together"))
    if "node" in found:
        found["node"] = _number(found["node"], "node", 1, None)
    if "churn_min" in found:
        found["churn_min"] = float(_number(found["churn_min"], "churn_min", 0, 1, real=True))
    if "limit" in found:
        found["limit"] = _number(found["limit"], "limit", 1, MAX_CUSTOMERS)
    return found


def _day(value: object, field: str) -> date:
    try:
        return value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(field, _("expected a date like 2026-03-01")) from None


def _number(value: object, field: str, low: float, high: float | None, real: bool = False) -> float:
    try:
        number = float(value) if real else int(str(value))  # type: ignore[arg-type]
    except ValueError:
        raise ValidationError(field, _("expected a number")) from None
    if number < low or (high is not None and number > high):
        raise ValidationError(field, _("from {low} to {high}").format(low=low, high=high if high is not None else "…"))
    return number


def churn_risks(session: Session, party_ids: list[int] | None = None) -> dict[int, float] | None:
    """The latest churn risk (0–1) per customer (services/retention/churn scores them), or None when nobody has
    been scored yet: a campaign by risk then says to run `crmterm churn score` first."""
    query = select(ChurnScore.party_id, ChurnScore.score)
    if party_ids is not None:
        query = query.where(col(ChurnScore.party_id).in_(party_ids))
    rows = session.exec(query).all()
    if not rows and session.exec(select(ChurnScore.party_id).limit(1)).first() is None:
        return None
    return {party: score for party, score in rows}


def select_customers(session: Session, actor: Actor, criteria: dict) -> list[int]:
    """The ids of the active customers the criteria select, in id order (riskiest first with churn_min)."""
    query = select(Party.id).where(Party.status == "active", col(Party.is_lead).is_(False),
                                   col(Party.erased_at).is_(None)).order_by(col(Party.id))
    if "category" in criteria:
        query = query.where(col(Party.category_id).in_(
            select(ClientCategory.id).where(col(ClientCategory.code).in_(criteria["category"]))))
    if "structure" in criteria:
        nodes = structures.subtree(session=session, actor=actor, structure=criteria["structure"],
                                   party_id=criteria["node"], limit=MAX_CUSTOMERS)
        query = query.where(col(Party.id).in_([n.party_id for n in nodes]))
    if "product" in criteria:
        query = query.where(exists().where(col(Contract.payer_party_id) == Party.id,
                                           col(Subscriber.contract_id) == Contract.id,
                                           col(Subscriber.service) == criteria["product"],
                                           col(Subscriber.status) == "active"))
    if "contacted_before" in criteria:
        query = query.where(~exists().where(col(Contact.party_id) == Party.id,
                                            col(Contact.at) >= _moment(criteria["contacted_before"])))
    if "contacted_after" in criteria:
        query = query.where(exists().where(col(Contact.party_id) == Party.id,
                                           col(Contact.at) >= _moment(criteria["contacted_after"])))
    found = list(session.exec(query).all())
    return _by_risk(session, found, criteria)[: criteria.get("limit", MAX_CUSTOMERS)]


def _by_risk(session: Session, found: list[int | None], criteria: dict) -> list[int]:
    ids = [i for i in found if i is not None]
    if "churn_min" not in criteria:
        return ids
    risks = churn_risks(session, ids)
    if risks is None:
        raise ValidationError("churn_min", _("no churn scores yet: run `crmterm churn score` first"))
    risky = [i for i in ids if risks.get(i, 0.0) >= criteria["churn_min"]]
    return sorted(risky, key=lambda i: -risks[i])


def _moment(day: str) -> datetime:
    return datetime.combine(date.fromisoformat(day), time(), tzinfo=UTC)
