"""Accounts: users and their roles, log-in and lock-out, the permission map every service checks, queue
access, and the append-only audit log. The ground every other domain stands on."""
