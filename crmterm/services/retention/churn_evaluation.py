"""`crmterm churn evaluate`: how good the churn model is on a period it never saw (a time-based hold-out).

    training:  features as of cut − horizon, label: left in [cut − horizon, cut)
    test:      features as of cut,           label: left in [cut, cut + horizon)

The model is fitted on the training rows only and scored on the test rows; nothing is stored. Reported: ROC
AUC, the precision among the top 5 % by score, a calibration table by decile, and how it was obtained."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.retention import churn, churn_features, churn_model
from crmterm.store import utcnow

TOP_SHARE = 0.05


@dataclass(frozen=True)
class Evaluation:
    cut: date
    horizon_days: int
    algorithm: str
    train_customers: int
    train_left: int
    test_customers: int
    test_left: int
    roc_auc: float | None
    precision_top5: float | None
    base_rate: float | None
    calibration: list[dict] = field(default_factory=list)
    how: str = ""
    reasons_seen: list[str] = field(default_factory=list)  # the reasons the test's top customers were given


def evaluate(*, session: Session, actor: Actor, until: date | None = None, horizon_days: int = churn.HORIZON_DAYS,
             algorithm: str = "auto") -> Evaluation:
    """Train before `until` (default: today − horizon), test on who left in the horizon after it."""
    require(actor, Permission.CHURN_MANAGE)
    today = utcnow().date()
    cut_day = until or today - timedelta(days=horizon_days)
    if cut_day >= today:
        raise ValidationError("until", _("the cut must be in the past: the test period follows it"))
    cut = churn_features.moment(cut_day)
    start = cut - timedelta(days=horizon_days)
    keys = churn.feature_keys(session, start)
    training = churn.sample(session, start, cut, keys)
    used, parameters, why = churn.fit(training, keys, algorithm)
    test = churn.sample(session, cut, min(cut + timedelta(days=horizon_days), churn_features.moment(today)), keys)
    scored = [churn_model.score(parameters, row) for row in test.rows]
    scores = [value for value, _reasons in scored]
    top = sorted(scored, key=lambda pair: -pair[0])[:max(1, round(len(scored) * TOP_SHARE))] if scored else []
    return Evaluation(
        cut=cut_day, horizon_days=horizon_days, algorithm=used, train_customers=len(training.ids),
        train_left=sum(training.labels), test_customers=len(test.ids), test_left=sum(test.labels),
        roc_auc=_rounded(churn_model.roc_auc(test.labels, scores)),
        precision_top5=_rounded(churn_model.precision_at(test.labels, scores, TOP_SHARE)),
        base_rate=_rounded(sum(test.labels) / len(test.labels)) if test.labels else None,
        calibration=churn_model.calibration(test.labels, scores),
        how=_method(why, cut_day, horizon_days, len(keys)),
        reasons_seen=sorted({churn.reason_words(r) for _v, reasons in top for r in reasons}))



def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _method(why: str, cut: date, horizon: int, features: int) -> str:
    return _("{why}; {features} features; trained on customers as of {start} and who left by {cut}, tested on "
             "customers as of {cut} and who left in the {days} days after (time-based hold-out, nothing after "
             "the cut used for training)").format(why=why, features=features, start=cut - timedelta(days=horizon),
                                                   cut=cut, days=horizon)
