"""Accounts: users and their roles, log-in and lock-out, the permission map every service checks, queue
access, and the append-only audit log. The ground every other domain stands on.

Public: every module (audit, auth, db_login_auth, permission_doc, permissions, preferences, queue_access,
role_assignments, role_grants, roles, users, workspace); internal: none, so this package has no protected contract.
"""
