"""Notifications: the inbox, its unread counter and the SLA watch."""
