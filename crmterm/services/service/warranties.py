"""Warranty lengths per product model: an asset is under warranty from its installation day for its model's
number of months (the day it ends is exclusive: a 12-month warranty from 2025-03-15 holds before 2026-03-15)."""

from __future__ import annotations

import calendar
from collections.abc import Collection
from datetime import date

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.store import ServiceWarranty

MAX_MONTHS = 240


class WarrantyRead(BaseModel):
    model: str
    months: int


def until(installed_on: date, months: int | None) -> date | None:
    """The first day out of warranty (the same day of the month `months` later, or that month's last day)."""
    if months is None:
        return None
    year, month = divmod(installed_on.month - 1 + months, 12)
    year += installed_on.year
    day = min(installed_on.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def lengths(session: Session, models: Collection[str]) -> dict[str, int]:
    if not models:
        return {}
    return dict(session.exec(select(ServiceWarranty.model, ServiceWarranty.months)
                             .where(col(ServiceWarranty.model).in_(list(models)))).all())


def set_warranty(*, session: Session, actor: Actor, model: str, months: int, source: str = "tui") -> WarrantyRead:
    """The model's warranty length, added or changed (service.write; audited)."""
    require(actor, Permission.SERVICE_WRITE)
    model = model.strip()
    if not model or len(model) > 128:
        raise ValidationError("model", _("a model of 1 to 128 characters"))
    if not 0 < months <= MAX_MONTHS:
        raise ValidationError("months", _("from 1 to {most} months").format(most=MAX_MONTHS))
    row = session.exec(select(ServiceWarranty).where(ServiceWarranty.model == model)).first()
    before = {"months": row.months} if row else None
    if row is None:
        row = ServiceWarranty(model=model, months=months)
    else:
        row.months, row.version = months, row.version + 1
    row.updated_by = actor.login
    session.add(row)
    session.flush()
    audit.record(session, actor, "warranty.set", "warranty", model, before=before, after={"months": months},
                 source=source)
    return WarrantyRead(model=model, months=months)


def list_warranties(*, session: Session, actor: Actor) -> list[WarrantyRead]:
    require(actor, Permission.SERVICE_READ)
    return [WarrantyRead(model=w.model, months=w.months)
            for w in session.exec(select(ServiceWarranty).order_by(ServiceWarranty.model))]
