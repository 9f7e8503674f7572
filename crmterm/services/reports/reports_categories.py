"""The client category of an inquiry's customer as SQL: the one it has now, or the one it had when the inquiry
was made — rebuilt in the database from the change log (the `old` of the first category change after the
inquiry, else today's), so a report groups a million inquiries without reading them into Python.

Both are correlated scalar subqueries over indexed columns: the party by id, and the change log by
(entity, entity_id, field, at) (migration 0037). Both dialects: `trim(x, '"')` is SQLite's trim and
PostgreSQL's btrim. Where the category was not tracked at the time, the earliest value the history knows stands
for it (the card says "not tracked before …"; a report has no row for that). After a merge the survivor holds the
merged customer's history too: its category changes may then stand for the survivor's (the card passes them over,
as_of.py; a report cannot tell them apart row by row).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, literal, select
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from crmterm.i18n import pick
from crmterm.store import ChangeLog, ClientCategory, Inquiry, Party


def category_now() -> ColumnElement:
    """The code of the category the inquiry's customer has today (NULL: none, or no customer)."""
    return (select(col(ClientCategory.code)).join(Party, col(Party.category_id) == col(ClientCategory.id))
            .where(col(Party.id) == col(Inquiry.party_id)).correlate(Inquiry).scalar_subquery())


def category_then() -> ColumnElement:
    """The code of the category the customer had when the inquiry was made (NULL: none, or no customer)."""
    # '' marks a later change from no category (its `old` is NULL); no later change at all leaves NULL
    first_later = (select(func.coalesce(col(ChangeLog.old), literal("")))
                   .where(col(ChangeLog.entity) == "party", col(ChangeLog.entity_id) == col(Inquiry.party_id),
                          col(ChangeLog.field) == "category", col(ChangeLog.at) > col(Inquiry.created_at))
                   .order_by(col(ChangeLog.at), col(ChangeLog.id)).limit(1).correlate(Inquiry).scalar_subquery())
    # the log holds the code as JSON text ("vip" with its quotes; codes are letters, digits and '_')
    return func.trim(func.nullif(func.coalesce(first_later, category_now()), ""), literal('"'))


def category_names(session: Session) -> dict[Any, tuple]:
    """Code -> (sort key, label in the user's language), as report groups look values up."""
    return {code: (order, pick(labels, code)) for code, labels, order in session.execute(
        select(col(ClientCategory.code), col(ClientCategory.labels), col(ClientCategory.sort_order)))}
