"""Writing one attribute value of an inquiry: the single place that knows an empty value has no row.

Used by transitions (values set on a move), the inquiry screen's edits and script runs (captured answers)."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.store import InquiryValue


def store_value(session: Session, inquiry_id: int, attribute_id: int, text: str | None) -> None:
    """Write one attribute value as text; an empty value has no row (the column is NOT NULL)."""
    row = session.get(InquiryValue, (inquiry_id, attribute_id))
    if text is None:
        if row is not None:
            session.delete(row)
    elif row is None:
        session.add(InquiryValue(inquiry_id=inquiry_id, attribute_id=attribute_id, value=text))
    else:
        row.value = text
        session.add(row)
