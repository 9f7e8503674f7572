"""Queues: the queue lists, filters, live refresh and bulk work of supervisors."""
