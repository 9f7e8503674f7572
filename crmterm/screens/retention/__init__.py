"""Retention screens: churn risk, campaigns and satisfaction."""
