"""The churn model's use cases: train one on the past and store it as a new version, score every customer
in batches, and read a customer's risk with its reasons (the card, search results, Register, rules).

Training is honest about time: features are computed as of `until − horizon` and the label is whether the
customer left in the horizon after that, so nothing the model learns from happened after what it predicts
from (churn_evaluation does the same a second time to test on a later, unseen period)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, insert
from sqlalchemy import select as select_rows
from sqlmodel import Session, col

from crmterm.errors import ValidationError
from crmterm.i18n import N_, _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.retention import churn_features, churn_model
from crmterm.store import ChurnModel, ChurnScore, Party, utcnow

HORIZON_DAYS = 90
BATCH = 1_000
TOPIC_FEATURES = 3
HIGH, MEDIUM = 0.4, 0.2  # a score at or above: a high (medium) risk badge


@dataclass
class Sample:
    """Customers as of a moment, their features and whether they left in the horizon after it."""

    ids: list[int] = field(default_factory=list)
    rows: list[dict[str, float]] = field(default_factory=list)
    labels: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class ModelRead:
    version: int
    trained_at: datetime
    until: date
    algorithm: str
    metrics: dict
    features: list[str]


@dataclass(frozen=True)
class ScoreRun:
    model_version: int
    algorithm: str
    customers: int
    high: int


@dataclass(frozen=True)
class ChurnRisk:
    score: float
    level: str  # high | medium | low
    reasons: list[str]  # in words, in the reader's language
    reason_keys: list[str]
    model_version: int
    scored_at: datetime


def customer_batches(session: Session, at: datetime, size: int = BATCH) -> Iterator[list[int]]:
    """Customers (not leads, not merged away) that had not left before `at`, by id, `size` at a time."""
    last = 0
    while True:
        ids = list(session.execute(select_rows(col(Party.id)).where(
            col(Party.id) > last, col(Party.is_lead).is_(False), col(Party.status) != "merged",
            col(Party.erased_at).is_(None)).order_by(col(Party.id)).limit(size)).scalars())
        if not ids:
            return
        last = ids[-1]
        left = churn_features.left_on(session, ids)
        yield [party_id for party_id in ids if party_id not in left or left[party_id] >= at]


def sample(session: Session, at: datetime, until: datetime, keys: Sequence[str]) -> Sample:
    roots = churn_features.topic_roots(session)
    found = Sample()
    for ids in customer_batches(session, at):
        rows = churn_features.compute(session, ids, at, keys, roots)
        left = churn_features.left_on(session, ids)
        for party_id in ids:
            found.ids.append(party_id)
            found.rows.append(rows[party_id])
            found.labels.append(int(party_id in left and at <= left[party_id] < until))
    return found


def feature_keys(session: Session, at: datetime) -> list[str]:
    return [*churn_features.FEATURES,
            *churn_features.top_topic_keys(session, at - timedelta(days=365), at, TOPIC_FEATURES)]


def fit(data: Sample, keys: Sequence[str], algorithm: str) -> tuple[str, dict, str]:
    """(algorithm used, parameters, why that one): logistic regression when asked or by default with
    scikit-learn present and both outcomes in the data; the weighted rules otherwise."""
    if algorithm not in ("auto", churn_model.LOGISTIC, churn_model.WEIGHTED):
        raise ValidationError("algorithm", _("expected auto, {a} or {b}").format(
            a=churn_model.LOGISTIC, b=churn_model.WEIGHTED))
    if algorithm == churn_model.WEIGHTED:
        return churn_model.WEIGHTED, churn_model.weighted(churn_model.rules()), _("weighted rules, as asked")
    if not churn_model.sklearn_available():
        if algorithm == churn_model.LOGISTIC:
            raise ValidationError("algorithm", _("scikit-learn is not installed (pip install 'crmterm[ml]')"))
        return (churn_model.WEIGHTED, churn_model.weighted(churn_model.rules()),
                _("scikit-learn is not installed: weighted rules (config section churn_rules)"))
    if len(set(data.labels)) < 2:
        if algorithm == churn_model.LOGISTIC:
            raise ValidationError("until", _("no customer left in the training period: nothing to learn from"))
        return (churn_model.WEIGHTED, churn_model.weighted(churn_model.rules()),
                _("no customer left in the training period: weighted rules (config section churn_rules)"))
    return (churn_model.LOGISTIC, churn_model.fit_logistic(data.rows, data.labels, keys),
            _("logistic regression on standardised features"))


def train(*, session: Session, actor: Actor, until: date | None = None, horizon_days: int = HORIZON_DAYS,
          algorithm: str = "auto") -> ModelRead:
    """Learn from customers as of `until − horizon` and who of them left before `until`; store the model as
    the next version."""
    require(actor, Permission.CHURN_MANAGE)
    end = churn_features.moment(until or utcnow().date())
    start = end - timedelta(days=horizon_days)
    keys = feature_keys(session, start)
    data = sample(session, start, end, keys)
    used, parameters, why = fit(data, keys, algorithm)
    metrics = {"customers": len(data.ids), "left": sum(data.labels), "horizon_days": horizon_days,
               "features_as_of": start.date().isoformat(), "how": why}
    version = (session.execute(select_rows(func.max(col(ChurnModel.version)))).scalar() or 0) + 1
    model = ChurnModel(version=version, trained_by=actor.login, until=end.date(), algorithm=used,
                       parameters=parameters, metrics=metrics)
    session.add(model)
    session.flush()
    return _model_read(model)


def _model_read(model: ChurnModel) -> ModelRead:
    return ModelRead(version=model.version, trained_at=model.trained_at, until=model.until,
                     algorithm=model.algorithm, metrics=dict(model.metrics),
                     features=list(model.parameters.get("features", [])))


def latest_model(session: Session) -> ChurnModel | None:
    return session.execute(select_rows(ChurnModel).order_by(col(ChurnModel.version).desc()).limit(1)).scalar()


def list_models(*, session: Session, actor: Actor) -> list[ModelRead]:
    require(actor, Permission.CUSTOMERS_READ)
    models = session.execute(select_rows(ChurnModel).order_by(col(ChurnModel.version).desc())).scalars()
    return [_model_read(model) for model in models]


def score(*, session: Session, actor: Actor, progress: Callable[[int], None] | None = None) -> ScoreRun:
    """Score every current customer with the latest model (the weighted rules, version 0, before any model
    is trained), replacing their previous scores."""
    require(actor, Permission.CHURN_MANAGE)
    return score_all(session, progress)


def count_customers(*, session: Session, actor: Actor) -> int:
    """How many customers a scoring run goes through (for a progress bar's total)."""
    require(actor, Permission.CHURN_MANAGE)
    return session.execute(select_rows(func.count()).select_from(Party).where(
        col(Party.is_lead).is_(False), col(Party.status) == "active", col(Party.erased_at).is_(None))).scalar() or 0


def score_all(session: Session, progress: Callable[[int], None] | None = None) -> ScoreRun:
    """Without a permission check: the demo seeding scores its customers with the weighted rules."""
    model = latest_model(session)
    version, algorithm = (model.version, model.algorithm) if model else (0, churn_model.WEIGHTED)
    parameters = model.parameters if model else churn_model.weighted(churn_model.rules())
    now, roots, customers, high = utcnow(), churn_features.topic_roots(session), 0, 0
    for ids in customer_batches(session, now):
        rows = churn_features.compute(session, ids, now, parameters["features"], roots)
        scored = []
        for party_id in ids:
            value, reasons = churn_model.score(parameters, rows[party_id])
            scored.append({"party_id": party_id, "model_version": version, "score": round(value, 4),
                           "reasons": reasons, "scored_at": now})
            high += value >= HIGH
        session.execute(delete(ChurnScore).where(col(ChurnScore.party_id).in_(ids)))
        if scored:
            session.execute(insert(ChurnScore), scored)
        customers += len(ids)
        if progress:
            progress(len(ids))
    # whoever was not scored now has left, was merged or erased since: no badge from an older run
    session.execute(delete(ChurnScore).where(col(ChurnScore.scored_at) < now))
    return ScoreRun(model_version=version, algorithm=algorithm, customers=customers, high=high)


LEVELS = {"high": N_("high"), "medium": N_("medium"), "low": N_("low")}


def badge(found: ChurnRisk) -> str:
    """The risk in one line, the same on the card, in search results, in Register and on the command line."""
    text = _("Churn risk {level} ({percent} %)").format(level=_(LEVELS[found.level]),
                                                         percent=round(found.score * 100))
    return f"{text}: {'; '.join(found.reasons)}" if found.reasons else text


def level_of(value: float) -> str:
    return "high" if value >= HIGH else "medium" if value >= MEDIUM else "low"


def reason_words(reason: dict) -> str:
    """A stored reason in the reader's language; {topic} and {days} (a value, as days overdue) filled in."""
    return _(reason["words"]).format(topic=reason["key"].removeprefix(churn_features.TOPIC_PREFIX),
                                     days=round(float(reason.get("value") or 0)))


def _risk(row: ChurnScore) -> ChurnRisk:
    return ChurnRisk(score=row.score, level=level_of(row.score), reasons=[reason_words(r) for r in row.reasons],
                     reason_keys=[r["key"] for r in row.reasons], model_version=row.model_version,
                     scored_at=row.scored_at)


def risk(*, session: Session, actor: Actor, party_id: int) -> ChurnRisk | None:
    """A customer's churn risk with its reasons, None when never scored (reading it is reading the customer)."""
    require(actor, Permission.CUSTOMERS_READ)
    return risks(session=session, actor=actor, party_ids=[party_id]).get(party_id)


def risks(*, session: Session, actor: Actor, party_ids: Sequence[int]) -> dict[int, ChurnRisk]:
    """Risks of several customers at once (a page of search results)."""
    require(actor, Permission.CUSTOMERS_READ)
    if not party_ids:
        return {}
    rows = session.execute(select_rows(ChurnScore).where(col(ChurnScore.party_id).in_(list(party_ids)))).scalars()
    return {row.party_id: _risk(row) for row in rows}
