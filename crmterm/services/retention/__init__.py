"""Retention: the churn warning learned from the CRM's own data (scikit-learn when `crmterm[ml]` is
installed, a transparent weighted score otherwise), outbound campaigns, satisfaction surveys and loyalty tiers.

Public: (filled in as the modules land); internal: none yet.
"""
