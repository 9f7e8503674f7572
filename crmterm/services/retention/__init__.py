"""Retention: the churn warning learned from the CRM's own data (scikit-learn when `crmterm[ml]` is
installed, a transparent weighted score otherwise), outbound campaigns, satisfaction surveys and loyalty tiers.

Public: (filled in as the modules land); internal: none yet.
Campaigns, surveys, loyalty (issue 29 items 4–6): public campaigns, campaign_calls, campaign_filters (churn_risks),
campaign_reports, surveys (customer_ratings), survey_reports, loyalty, retention_demo; internal loyalty_config
(registered with the directory).
"""

from crmterm.services.directory import registry

# Config as code reads the section from the registry rather than importing it (directory/registry.py says why).
registry.register_section("loyalty_tiers", "crmterm.services.retention.loyalty_config:LoyaltyTiersSection")
