"""The churn model as numbers: a linear score over scaled features, sigmoid(intercept + Σ coef·z), learned by
scikit-learn's logistic regression when it is installed, or weights written by hand (config section
`churn_rules`) otherwise. Either way the parameters are plain JSON and scoring needs no scikit-learn: a
feature's contribution to a score is coef·z, which is what a reason says."""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Mapping, Sequence
from typing import Any

from crmterm.errors import ConfigError
from crmterm.services.retention.churn_features import FEATURES, feature
from crmterm.settings import config_section

LOGISTIC = "logistic_regression"
WEIGHTED = "weighted_rules"
REASONS = 3
# The weighted score without scikit-learn: per feature a weight on its log-scaled value, and a bias. Written
# so a customer with nothing going on scores about 12 %, one with a few fresh complaints and a breach over 50 %.
# Ratings and debt weigh in through counts (a low rating, a day overdue, a broken promise), not through the
# average CSAT or NPS, whose neutral value for a customer who never answered is not 0; a debt alone (two months
# overdue, a new customer) stays under the medium level: owing is common, leaving is not.
DEFAULT_RULES: dict[str, float] = {"bias": -2.0, "complaints_30": 0.9, "complaints_90": 0.6, "repeats_90": 0.5,
                                   "sla_breaches_90": 0.6, "reopenings_90": 0.5, "unresolved": 0.4,
                                   "problems_90": 0.4, "inquiries_30": 0.2, "tenure_days": -0.1,
                                   "low_ratings": 0.5, "overdue_days": 0.12, "broken_promises": 0.6}


def sklearn_available() -> bool:
    """Asked without importing it (a second of start-up): fitting imports what it uses."""
    return importlib.util.find_spec("sklearn") is not None


def transform(key: str, value: float) -> float:
    return math.log1p(max(value, 0.0)) if feature(key).counts else value


def matrix(rows: Sequence[Mapping[str, float]], keys: Sequence[str]) -> list[list[float]]:
    return [[transform(key, row.get(key, 0.0)) for key in keys] for row in rows]


def fit_logistic(rows: Sequence[Mapping[str, float]], labels: Sequence[int], keys: Sequence[str]) -> dict:
    """Standardise, then fit; the parameters keep the scaling so z is recomputed the same way at scoring."""
    from sklearn.linear_model import LogisticRegression  # type: ignore[import-untyped]
    from sklearn.preprocessing import StandardScaler  # type: ignore[import-untyped]

    scaler = StandardScaler().fit(matrix(rows, keys))
    fitted = LogisticRegression(C=1.0, max_iter=1000).fit(scaler.transform(matrix(rows, keys)), list(labels))
    return {"features": list(keys), "mean": [float(v) for v in scaler.mean_],
            "scale": [float(v) for v in scaler.scale_], "coef": [float(v) for v in fitted.coef_[0]],
            "intercept": float(fitted.intercept_[0])}


def rules() -> dict[str, float]:
    """`churn_rules:` of config.yaml, a weight per feature key (and `bias`); the defaults where absent."""
    raw = config_section("churn_rules")
    unknown = sorted(set(raw) - set(FEATURES) - {"bias"})
    if unknown:
        raise ConfigError(f"churn_rules: unknown features {', '.join(unknown)}; known: {', '.join(FEATURES)}")
    for key, value in raw.items():
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"churn_rules.{key}: expected a number, got {value!r}")
    return {**DEFAULT_RULES, **{key: float(value) for key, value in raw.items()}}


def weighted(weights: Mapping[str, float]) -> dict:
    keys = [key for key in weights if key != "bias"]
    return {"features": keys, "mean": [0.0] * len(keys), "scale": [1.0] * len(keys),
            "coef": [float(weights[key]) for key in keys], "intercept": float(weights.get("bias", 0.0))}


def _sigmoid(value: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, value))))


def score(parameters: Mapping[str, Any], row: Mapping[str, float]) -> tuple[float, list[dict]]:
    """The probability of leaving and the top reasons: the features pushing it up most in the direction they
    warn of (a model may also learn that, say, few inquiries raise the risk: such a push counts in the score
    but is not said as a reason)."""
    keys = parameters["features"]
    contributions = []
    for key, mean, scale, coef in zip(keys, parameters["mean"], parameters["scale"], parameters["coef"],
                                      strict=True):
        z = (transform(key, row.get(key, 0.0)) - mean) / (scale or 1.0)
        contributions.append((coef * z, key, z))
    total = parameters["intercept"] + sum(c for c, _k, _z in contributions)
    warnings = [(c, key, z) for c, key, z in contributions
                if c > 0.05 and (z > 0) == feature(key).rising and row.get(key) != feature(key).neutral]
    reasons = [{"key": key, "words": feature(key).words, "value": round(row.get(key, 0.0), 3),
                "weight": round(contribution, 3)} for contribution, key, _z in sorted(warnings, reverse=True)[:REASONS]]
    return _sigmoid(total), reasons


def roc_auc(labels: Sequence[int], scores: Sequence[float]) -> float | None:
    """The probability that a customer who left scored above one who stayed (ties count half); None when
    either kind is missing. Mann–Whitney by ranks: no scikit-learn needed to evaluate the weighted score."""
    ranked = sorted(zip(scores, labels, strict=True))
    positives = sum(labels)
    negatives = len(labels) - positives
    if not positives or not negatives:
        return None
    rank_sum, index = 0.0, 0
    while index < len(ranked):
        end = index
        while end + 1 < len(ranked) and ranked[end + 1][0] == ranked[index][0]:
            end += 1
        average_rank = (index + end) / 2 + 1
        rank_sum += average_rank * sum(label for _s, label in ranked[index:end + 1])
        index = end + 1
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def precision_at(labels: Sequence[int], scores: Sequence[float], share: float) -> float | None:
    """Of the highest-scored `share` of customers, the part that did leave."""
    count = max(1, round(len(labels) * share)) if labels else 0
    if not count:
        return None
    top = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])[:count]
    return sum(label for _s, label in top) / count


def calibration(labels: Sequence[int], scores: Sequence[float], bins: int = 10) -> list[dict]:
    """Deciles by score, lowest first: how many, the mean predicted and the share that actually left."""
    ordered = sorted(zip(scores, labels, strict=True))
    table = []
    for decile in range(bins):
        part = ordered[len(ordered) * decile // bins:len(ordered) * (decile + 1) // bins]
        if part:
            table.append({"decile": decile + 1, "customers": len(part),
                          "predicted": round(sum(s for s, _l in part) / len(part), 4),
                          "observed": round(sum(label for _s, label in part) / len(part), 4)})
    return table
