"""Retention: the churn warning learned from the CRM's own data (scikit-learn when `crmterm[ml]` is
installed, a transparent weighted score otherwise), outbound campaigns, satisfaction surveys and loyalty tiers.

Public: churn (train, score, a customer's risk and its badge), churn_evaluation (the time-based hold-out),
churn_demo (the demo's scores);
internal: churn_features (the feature registry and its SQL), churn_model (the linear score, its fitting and
metrics). Order inside the package: churn_evaluation > churn > churn_model > churn_features.
"""
