"""A customer's tracked fields as of a day (name, names, category, status, e-mail, phone, kind, lead): today's
values with the changes logged after that day undone, each with the moment it took effect.

"As of" a day means at the end of that day (UTC), as for structures and attributes: a change made that day
counts. A field whose tracking began after the day, or that is not tracked now, is not known then — today's
value would pass for the past one — so it says so instead. A fixed number of queries, whatever the history's
length: the tracked fields, the changes after the day (undone newest first), the last change of each field up to
the day (when that value took effect) and the category labels.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.i18n import N_, _, fmt_date, pick
from crmterm.services.customers import history
from crmterm.services.customers.customers import PartyRead, kind_label, status_label
from crmterm.store import ChangeLog, ClientCategory

FIELDS = history.TRACKABLE["party"]
FIELD_LABELS = {"display_name": N_("Name"), "names": N_("Names in other languages"), "kind": N_("Kind"),
                "category": N_("Client category"), "status": N_("Status"), "is_lead": N_("Lead (potential customer)"),
                "email": N_("E-mail"), "phone": N_("Phone")}


class FieldAsOf(BaseModel):
    field: str
    known: bool  # False: the field was not tracked on that day, so its value then is not known
    value: Any = None  # as of the day, in the shape of PartyRead (category by code); None when not known
    shown: str = ""  # the value as people read it (labels, not codes), or why it is not known
    since: datetime | None = None  # when the value took effect; None: before the history begins
    tracked_since: datetime | None = None  # not known: tracking began then (None: the field is not tracked)
    changed: bool = False  # the value then differs from today's


class PartyAsOf(BaseModel):
    on: date
    existed: bool  # the customer had been created by the end of that day
    fields: list[FieldAsOf]

    def field(self, name: str) -> FieldAsOf:
        return next(f for f in self.fields if f.field == name)

    def value(self, name: str) -> Any:
        return self.field(name).value


def end_of(on: date) -> datetime:
    """The first moment after the day `on` (UTC): changes from then on are undone."""
    return datetime.combine(on + timedelta(days=1), time.min, UTC)


def party_as_of(session: Session, party: PartyRead, created_at: datetime, on: date) -> PartyAsOf:
    cutoff, current = end_of(on), party.model_dump()
    tracking = history.tracked_since(session, "party")
    # an erased customer's history holds no values any more (services/customers/erasure)
    then = current if party.erased_at else _values_then(session, party.id, cutoff, current)
    took_effect = _last_changes_before(session, party.id, cutoff)
    categories = {code: pick(dict(labels), code) for code, labels in session.exec(
        select(ClientCategory.code, ClientCategory.labels)).all()}
    existed, fields = created_at < cutoff, []
    for field in FIELDS:
        started = tracking.get(field)
        if field not in tracking or (started is not None and started >= cutoff):
            fields.append(FieldAsOf(field=field, known=False, tracked_since=started, shown=_not_tracked(started)))
            continue
        value = then[field]
        fields.append(FieldAsOf(field=field, known=True, value=value, shown=_shown(field, value, categories),
                                since=_since(took_effect.get(field), created_at, started, existed),
                                changed=value != current[field]))
    return PartyAsOf(on=on, existed=existed, fields=fields)


def _since(changed: datetime | None, created_at: datetime, started: datetime | None, existed: bool) -> datetime | None:
    """When the value took effect: its last change up to the day, else the customer's creation when the field
    was tracked from the start; None before the customer existed (the value shown is its first)."""
    if not existed:
        return None
    return changed or (created_at if started is None else None)


def _values_then(session: Session, party_id: int, cutoff: datetime, today: dict[str, Any]) -> dict[str, Any]:
    """Today's values with every change from `cutoff` on undone, newest first. A change whose new value is not
    the value at that point is not this customer's own (a merge moves the merged customer's history here) and
    is passed over."""
    values = {field: today[field] for field in FIELDS}
    changes = session.execute(select(col(ChangeLog.field), col(ChangeLog.old), col(ChangeLog.new)).where(
        col(ChangeLog.entity) == "party", col(ChangeLog.entity_id) == party_id, col(ChangeLog.at) >= cutoff,
        col(ChangeLog.field).in_(FIELDS)).order_by(col(ChangeLog.at).desc(), col(ChangeLog.id).desc()))
    for field, old, new in changes:
        if _loaded(new) == values[field]:
            values[field] = _loaded(old)
    return values


def _loaded(text: str | None) -> Any:
    return None if text is None else json.loads(text)


def _last_changes_before(session: Session, party_id: int, cutoff: datetime) -> dict[str, datetime]:
    rows = session.execute(select(col(ChangeLog.field), func.max(ChangeLog.at)).where(
        col(ChangeLog.entity) == "party", col(ChangeLog.entity_id) == party_id, col(ChangeLog.at) < cutoff,
        col(ChangeLog.field).in_(FIELDS)).group_by(col(ChangeLog.field)))
    return {field: at for field, at in rows}


def since_text(field: FieldAsOf) -> str:
    """" (since DATE)" after a known value that took effect on a known day, else nothing."""
    if not field.known or field.since is None:
        return ""
    return " (" + _("since {date}").format(date=fmt_date(field.since)) + ")"


def _not_tracked(started: datetime | None) -> str:
    if started is None:
        return _("not tracked")
    return _("not tracked before {date}").format(date=fmt_date(started))


def _shown(field: str, value: Any, categories: dict[str, str]) -> str:
    if value is None or value == {} or value == "":
        return "—"
    if field == "names":
        return ", ".join(f"{language}: {name}" for language, name in sorted(value.items()))
    if field == "category":
        return categories.get(value, str(value))
    if field == "kind":
        return kind_label(value)
    if field == "status":
        return status_label(value)
    if field == "is_lead":
        return _("yes") if value else _("no")
    return str(value)
