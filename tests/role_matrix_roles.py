"""The role matrix's entries for configurable roles and notes (issue 31, items 2 and 3)."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.services.accounts import role_assignments, roles
from crmterm.services.customers import notes
from crmterm.services.accounts.permissions import Permission as P
from role_matrix_calls import Entry, World


def _spare_role(session: Session, world: World, actor) -> dict:
    roles.add_role(session=session, actor=world.admin, values={"code": "spare", "permissions": ["customers.read"]})
    return {"code": "spare"}


ROLE_ENTRIES = [
    Entry(roles.list_roles, P.USERS_READ),
    Entry(roles.get_role, P.USERS_READ, lambda s, w, a: {"code": "agent"}),
    Entry(roles.add_role, P.USERS_WRITE,
          lambda s, w, a: {"values": {"code": "matrix_role", "permissions": ["problems.manage"]}}),
    Entry(roles.update_role, P.USERS_WRITE,
          lambda s, w, a: {"code": "auditor", "values": {"labels": {"en": "Inspector"}}}),
    Entry(roles.remove_role, P.USERS_WRITE, _spare_role),
    Entry(role_assignments.set_user_roles, P.USERS_WRITE, lambda s, w, a: {"login": "agent", "add": ["auditor"]}),
    Entry(role_assignments.set_group_roles, P.USERS_WRITE, lambda s, w, a: {"group": "l1", "add": ["auditor"]}),
]

NOTE_ENTRIES = [
    Entry(notes.add_note, P.CUSTOMERS_WRITE,
          lambda s, w, a: {"kind": "customer", "target_id": w.party, "text": "Matrix note", "public": True}),
    Entry(notes.list_notes, P.CUSTOMERS_READ, lambda s, w, a: {"kind": "customer", "target_id": w.party}),
    Entry(notes.search_notes, P.CUSTOMERS_READ, lambda s, w, a: {"words": "renewal"}),
]
