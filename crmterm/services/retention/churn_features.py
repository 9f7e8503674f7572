"""What the churn model knows of a customer as of a day: features computed in SQL, one batch of customers at
a time, each from data strictly before that day (so a model trained on the past never sees its future).

FEATURES is the registry: a feature's key, how it reads as a reason (for a high and a low value) and whether
its counts are log-scaled. SOURCES fill them, one grouped query per batch each; survey ratings and debt come
from churn_sources. A new source adds its keys to FEATURES and its function to SOURCES; models store the
keys they were trained on, so an older model keeps scoring with the features it knows."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, case, func, literal
from sqlalchemy import select as select_rows
from sqlmodel import Session, col
from sqlmodel.sql.sqltypes import UTCDateTime

from crmterm.i18n import N_
from crmterm.services.retention import churn_sources
from crmterm.store import ChangeLog, Contract, Inquiry, InquiryEvent, Party, ProblemInquiry, Topic

Rows = dict[int, dict[str, float]]


@dataclass(frozen=True)
class Feature:
    words: str  # the reason in words (msgid), said when the feature pushes the risk up the way it warns
    rising: bool = True  # the warning is a value above the usual (False: below it, as a short tenure)
    counts: bool = True  # a count: log-scaled before the model sees it (ten complaints are not ten times one)
    neutral: float | None = None  # the value of a customer without such data: never said as a reason


FEATURES: dict[str, Feature] = {
    "tenure_days": Feature(N_("new customer"), rising=False),
    "inquiries_30": Feature(N_("many inquiries in the last 30 days")),
    "inquiries_90": Feature(N_("many inquiries in the last 90 days")),
    "complaints_30": Feature(N_("complaints in the last 30 days")),
    "complaints_90": Feature(N_("complaints in the last 90 days")),
    "repeats_90": Feature(N_("asked again about the same topic")),
    "sla_breaches_90": Feature(N_("inquiries past their deadline")),
    "reopenings_90": Feature(N_("inquiries reopened")),
    "unresolved": Feature(N_("inquiries still unresolved")),
    "problems_90": Feature(N_("hit by system problems")),
    # satisfaction surveys and portal ratings of the last year (churn_sources.ratings)
    "csat": Feature(N_("a low average satisfaction score"), rising=False, counts=False,
                    neutral=churn_sources.NEUTRAL_CSAT),
    "low_ratings": Feature(N_("low satisfaction ratings")),
    "nps": Feature(N_("would not recommend us"), rising=False, counts=False, neutral=churn_sources.NEUTRAL_NPS),
    # receivables from billing (churn_sources.debt); {days}: the feature's value, said in the reason
    "overdue_amount": Feature(N_("a large overdue debt")),
    "overdue_days": Feature(N_("overdue debt for {days} days")),
    "broken_promises": Feature(N_("broke promises to pay")),
    # "topic:<code>" keys (a top-level topic's share of the customer's inquiries over a year) are added per
    # model: which groups matter depends on the configuration (topic_features).
}
TOPIC_PREFIX = "topic:"
TOPIC_WORDS = Feature(N_("many inquiries about {topic}"), counts=False)


def feature(key: str) -> Feature:
    return TOPIC_WORDS if key.startswith(TOPIC_PREFIX) else FEATURES[key]


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _inquiry_counts(session: Session, ids: Sequence[int], at: datetime, rows: Rows) -> None:
    since30, since90 = at - timedelta(days=30), at - timedelta(days=90)
    created, closed = col(Inquiry.created_at), col(Inquiry.closed_at)
    at_ = literal(at, UTCDateTime())  # typed: SQLite compares datetimes as text of one format
    ended = case((closed < at, closed), else_=at_)  # not closed before `at`: open then, its clock running on

    def count(*conditions: Any) -> Any:
        return func.sum(case((and_(*conditions), 1), else_=0))

    query = (select_rows(col(Inquiry.party_id),
                         count(created >= since30).label("inquiries_30"),
                         count(created >= since90).label("inquiries_90"),
                         count(created >= since30, col(Inquiry.type) == "complaint").label("complaints_30"),
                         count(created >= since90, col(Inquiry.type) == "complaint").label("complaints_90"),
                         func.count(func.distinct(case((created >= since90, col(Inquiry.topic_id))))).label("topics"),
                         count(created >= since90, ended > col(Inquiry.due_at))
                         .label("sla_breaches_90"),
                         count(func.coalesce(closed, at_) >= at, col(Inquiry.state) != "cancelled")
                         .label("unresolved"))
             .where(col(Inquiry.party_id).in_(ids), created < at, created >= at - timedelta(days=365))
             .group_by(col(Inquiry.party_id)))
    for row in session.execute(query).mappings():
        values = rows[row["party_id"]]
        for key in ("inquiries_30", "inquiries_90", "complaints_30", "complaints_90", "sla_breaches_90",
                    "unresolved"):
            values[key] = float(row[key] or 0)
        values["repeats_90"] = float((row["inquiries_90"] or 0) - (row["topics"] or 0))


def _reopenings(session: Session, ids: Sequence[int], at: datetime, rows: Rows) -> None:
    query = (select_rows(col(Inquiry.party_id), func.count().label("n"))
             .select_from(InquiryEvent).join(Inquiry, col(Inquiry.id) == col(InquiryEvent.inquiry_id))
             .where(col(Inquiry.party_id).in_(ids), col(InquiryEvent.kind) == "reopened",
                    col(InquiryEvent.at) < at, col(InquiryEvent.at) >= at - timedelta(days=90))
             .group_by(col(Inquiry.party_id)))
    for party_id, n in session.execute(query).all():
        rows[party_id]["reopenings_90"] = float(n)


def _problems(session: Session, ids: Sequence[int], at: datetime, rows: Rows) -> None:
    query = (select_rows(col(Inquiry.party_id), func.count().label("n"))
             .select_from(ProblemInquiry).join(Inquiry, col(Inquiry.id) == col(ProblemInquiry.inquiry_id))
             .where(col(Inquiry.party_id).in_(ids), col(ProblemInquiry.linked_at) < at,
                    col(Inquiry.created_at) >= at - timedelta(days=90))
             .group_by(col(Inquiry.party_id)))
    for party_id, n in session.execute(query).all():
        rows[party_id]["problems_90"] = float(n)


def _tenure(session: Session, ids: Sequence[int], at: datetime, rows: Rows) -> None:
    """Since the first contract began (or the party was created, for one without contracts)."""
    first = dict(session.execute(select_rows(col(Contract.payer_party_id), func.min(col(Contract.start_date)))
                                 .where(col(Contract.payer_party_id).in_(ids))
                                 .group_by(col(Contract.payer_party_id))).all())
    created = dict(session.execute(select_rows(col(Party.id), col(Party.created_at))
                                   .where(col(Party.id).in_(ids))).all())
    for party_id in ids:
        start = first.get(party_id) or created[party_id].date()
        rows[party_id]["tenure_days"] = float(max(0, (at.date() - start).days))


SOURCES: list[Callable[[Session, Sequence[int], datetime, Rows], None]] = [
    _inquiry_counts, _reopenings, _problems, _tenure, churn_sources.ratings, churn_sources.debt]


def topic_roots(session: Session) -> dict[int, str]:
    """Each topic's top-level group code, by id (the tree is small: read whole)."""
    parents = {row.id: (row.parent_id, row.code)
               for row in session.execute(select_rows(col(Topic.id), col(Topic.parent_id), col(Topic.code)))}

    def root(topic_id: int) -> str:
        seen = 0
        while parents[topic_id][0] is not None and seen < 64:
            topic_id, seen = parents[topic_id][0] or topic_id, seen + 1
        return parents[topic_id][1]

    return {topic_id: root(topic_id) for topic_id in parents}


def _topic_shares(session: Session, ids: Sequence[int], at: datetime, rows: Rows, roots: dict[int, str],
                  keys: Sequence[str]) -> None:
    wanted = {key.removeprefix(TOPIC_PREFIX) for key in keys if key.startswith(TOPIC_PREFIX)}
    if not wanted:
        return
    query = (select_rows(col(Inquiry.party_id), col(Inquiry.topic_id), func.count().label("n"))
             .where(col(Inquiry.party_id).in_(ids), col(Inquiry.created_at) < at,
                    col(Inquiry.created_at) >= at - timedelta(days=365))
             .group_by(col(Inquiry.party_id), col(Inquiry.topic_id)))
    totals: dict[int, float] = {}
    per_root: dict[tuple[int, str], float] = {}
    for party_id, topic_id, n in session.execute(query).all():
        totals[party_id] = totals.get(party_id, 0.0) + n
        code = roots.get(topic_id, "")
        per_root[party_id, code] = per_root.get((party_id, code), 0.0) + n
    for party_id in ids:
        for code in wanted:
            total = totals.get(party_id)
            rows[party_id][TOPIC_PREFIX + code] = per_root.get((party_id, code), 0.0) / total if total else 0.0


def compute(session: Session, ids: Sequence[int], at: datetime, keys: Sequence[str],
            roots: dict[int, str] | None = None) -> Rows:
    """`keys` of every customer in `ids` as of `at` (0 where the customer has no such data)."""
    rows: Rows = {party_id: dict.fromkeys(keys, 0.0) for party_id in ids}
    if not ids:
        return rows
    for source in SOURCES:
        source(session, ids, at, rows)
    _topic_shares(session, ids, at, rows, roots if roots is not None else topic_roots(session), keys)
    return {party_id: {key: values.get(key, 0.0) for key in keys} for party_id, values in rows.items()}


def top_topic_keys(session: Session, since: datetime, until: datetime, count: int = 3) -> list[str]:
    """The `count` top-level groups with the most inquiries in the period, as feature keys."""
    roots = topic_roots(session)
    volumes: dict[str, int] = {}
    query = (select_rows(col(Inquiry.topic_id), func.count()).where(col(Inquiry.created_at) >= since,
                                                                   col(Inquiry.created_at) < until)
             .group_by(col(Inquiry.topic_id)))
    for topic_id, n in session.execute(query).all():
        code = roots.get(topic_id)
        if code:
            volumes[code] = volumes.get(code, 0) + n
    return [TOPIC_PREFIX + code for code, _n in sorted(volumes.items(), key=lambda kv: (-kv[1], kv[0]))[:count]]


def left_on(session: Session, ids: Sequence[int]) -> dict[int, datetime]:
    """When each customer that left did (status to closed): the change log's first such change, else the
    moment the closed party was last changed."""
    found: dict[int, datetime] = {}
    query = (select_rows(col(ChangeLog.entity_id), func.min(col(ChangeLog.at)))
             .where(col(ChangeLog.entity) == "party", col(ChangeLog.field) == "status",
                    col(ChangeLog.new) == "closed", col(ChangeLog.entity_id).in_(ids))
             .group_by(col(ChangeLog.entity_id)))
    found.update(session.execute(query).all())
    closed = select_rows(col(Party.id), col(Party.updated_at)).where(col(Party.id).in_(ids),
                                                                    col(Party.status) == "closed")
    for party_id, updated in session.execute(closed).all():
        found.setdefault(party_id, updated)
    return found
