"""The role matrix's declared table, retention part (issue 29): churn.manage trains, evaluates and scores the
churn model; reading a customer's risk is reading the customer; the demo's scores load with the demo
(config.import); the synthetic churn process is an import of customers."""

from __future__ import annotations

from role_matrix_calls import Entry

from crmterm.services.accounts.permissions import Permission as P
from crmterm.services.platform import synthetic_churn
from crmterm.services.retention import churn, churn_demo, churn_evaluation

RETENTION_ENTRIES = [
    Entry(churn.train, P.CHURN_MANAGE),
    Entry(churn.score, P.CHURN_MANAGE),
    Entry(churn.count_customers, P.CHURN_MANAGE),
    Entry(churn_evaluation.evaluate, P.CHURN_MANAGE),
    Entry(churn.list_models, P.CUSTOMERS_READ),
    Entry(churn.risk, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(churn.risks, P.CUSTOMERS_READ, lambda s, w, a: {"party_ids": [w.party]}),
    Entry(churn_demo.seed_demo_scores, P.CONFIG_IMPORT),
    Entry(synthetic_churn.leave, P.CUSTOMERS_IMPORT),
]
