"""Routing: routes and their steps, queues and take-next, saved queue filters, automation rules and their
actions, and the live change watchers screens poll."""
