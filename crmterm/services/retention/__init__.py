"""Retention: the churn warning learned from the CRM's own data (scikit-learn when `crmterm[ml]` is
installed, a transparent weighted score otherwise), outbound campaigns, satisfaction surveys and loyalty tiers.

Public: churn (train, score, a customer's risk and its badge), churn_evaluation (the time-based hold-out),
churn_demo (the demo's scores); campaigns, campaign_calls, campaign_filters (churn_risks), campaign_reports,
surveys (customer_ratings), survey_reports, loyalty, retention_demo;
internal: churn_features (the feature registry and its SQL), churn_sources (the ratings and debt features'
SQL), churn_model (the linear score, its fitting and metrics), loyalty_config (registered with the directory).
Order inside the package: churn_evaluation > churn > churn_model > churn_features > churn_sources.
"""

from crmterm.services.directory import registry

# Config as code reads the section from the registry rather than importing it (directory/registry.py says why).
registry.register_section("loyalty_tiers", "crmterm.services.retention.loyalty_config:LoyaltyTiersSection")
