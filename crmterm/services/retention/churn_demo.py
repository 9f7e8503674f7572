"""The demo's churn scores: `crmterm seed demo` scores its customers with the weighted rules (no training,
cheap), so a fresh database already has scores; `crmterm churn train` and `score` replace them. The demo has
no inquiry history (tests rely on its empty queues), so three named customers are given the scores their
story would earn — complaints, a missed deadline, repeated calls — to show the badges from the first start."""

from __future__ import annotations

from sqlalchemy import select as select_rows
from sqlalchemy import update
from sqlmodel import Session, col

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.retention import churn, churn_features
from crmterm.store import ChurnScore, Party

_STORIES = {"Иванова Анна": (0.71, {"complaints_30": 2, "sla_breaches_90": 1, "repeats_90": 2}),
            "Смирнов Никита": (0.48, {"complaints_90": 1, "reopenings_90": 1, "unresolved": 1}),
            "Морозова Татьяна": (0.27, {"repeats_90": 2, "inquiries_30": 3})}


def seed_demo_scores(*, session: Session, actor: Actor) -> int:
    """Scores every customer once (a second seeding keeps the scores there); returns how many were scored."""
    require(actor, Permission.CONFIG_IMPORT)
    if session.execute(select_rows(col(ChurnScore.party_id)).limit(1)).first() is not None:
        return 0
    scored = churn.score_all(session).customers
    names = dict(session.execute(select_rows(col(Party.display_name), col(Party.id))
                                 .where(col(Party.display_name).in_(list(_STORIES)))).all())
    for name, (score, values) in _STORIES.items():
        if name in names:
            reasons = [{"key": key, "words": churn_features.FEATURES[key].words, "value": value, "weight": 1.0}
                       for key, value in values.items()]
            session.execute(update(ChurnScore).where(col(ChurnScore.party_id) == names[name])
                            .values(score=score, reasons=reasons))
    return scored
