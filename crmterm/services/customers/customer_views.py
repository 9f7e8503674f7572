"""What the Customers tab needs in one call each (one unit of work, results as plain read models)."""

from __future__ import annotations

from datetime import date

from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import customer_card, structures
from crmterm.services.customers.customer_card import CardRead
from crmterm.services.customers.history import ChangeRead


def card_with_history(*, session: Session, actor: Actor, party_id: int,
                      as_of: date | None = None) -> tuple[CardRead, list[ChangeRead]]:
    card = customer_card.get_card(session=session, actor=actor, party_id=party_id, as_of=as_of)
    return card, customer_card.party_history(session=session, actor=actor, party_id=party_id)


def branch_to(*, session: Session, actor: Actor, structure: str, party_id: int,
              as_of: date | None = None) -> list[tuple[structures.NodeRead, list[structures.NodeRead]]]:
    """The path from the top of `structure` down to the party, each step with its children (siblings of the
    next step): enough to draw the tree opened at the party without loading anything else."""
    require(actor, Permission.CUSTOMERS_READ)  # before the path is read: a missing party must not skip it
    card_paths = structures.paths(session, party_id, as_of or structures.today())
    path = next((p.path for p in card_paths if p.structure == structure), [])
    return [(node, structures.children(session=session, actor=actor, structure=structure,
                                       parent_id=node.party_id, on=as_of)) for node in path]
