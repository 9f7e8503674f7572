"""Activity plans, as config as code: the activities created for an opportunity's owner when it enters a stage
of its sales process — due `offset_days` after the day it entered, at ten in the morning (local time).

    activity_plans:
      - code: b2b_proposal
        process: b2b
        stage: proposal
        activities:
          - {kind: call, title: {en: Walk through the proposal, ru: Обсудить предложение}, offset_days: 1,
             duration: 20}
          - {kind: meeting, title: {en: Meet the buyer, ru: Встреча с закупщиком}, offset_days: 3, duration: 60}

Registered with the directory's registry by the sales package (its __init__)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from sqlmodel import Session, select

from crmterm.errors import ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor
from crmterm.services.directory.validation import RefExists
from crmterm.services.sales import activities
from crmterm.services.sales import config_fields as f
from crmterm.services.sales.catalogue_config import RowSection
from crmterm.store import Opportunity, SalesActivity, SalesActivityPlan, SalesProcess, utcnow
from crmterm.store.tables import saved_id

MAX_OFFSET = 365
START = time(10)  # the hour a planned activity is due


class ActivityPlansSection(RowSection):
    name = "activity_plans"
    model = SalesActivityPlan

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        f.fields(values, {"code", "process", "stage", "activities"})
        process = f.code(values, "process")
        if not f.known(session, ref_exists, "sales_processes", SalesProcess, process):
            raise ValidationError("process", _("unknown reference '{code}'").format(code=process))
        stage = f.code(values, "stage")
        _check_stage(session, process, stage)
        planned = values.get("activities")
        if not isinstance(planned, list) or not planned:
            raise ValidationError("activities", _("expected a list"))
        return {"code": f.code(values), "process": process, "stage": stage,
                "activities": [_planned(entry) for entry in planned]}

    def columns(self, clean: dict) -> dict:
        return dict(clean)

    def document(self, row: SalesActivityPlan) -> dict:
        return {"code": row.code, "process": row.process, "stage": row.stage,
                "activities": [dict(entry) for entry in row.activities]}


def _check_stage(session: Session, process: str, stage: str) -> None:
    """Against the stored process; one only in the file being imported was checked by its own section."""
    stored = session.exec(select(SalesProcess).where(SalesProcess.code == process)).first()
    if stored is not None and stage not in {s["code"] for s in stored.stages}:
        raise ValidationError("stage", _("unknown reference '{code}'").format(code=stage))


def _planned(raw: object) -> dict:
    if not isinstance(raw, dict):
        raise ValidationError("activities", _("each entry must be a mapping"))
    f.fields(raw, {"kind", "title", "offset_days", "duration"})
    if raw.get("kind") not in activities.KINDS:
        raise ValidationError("kind", _("expected one of: {choices}").format(choices=", ".join(activities.KINDS)))
    title = f.names(raw, "title")
    if not title:
        raise ValidationError("title", _("required"))
    offset, duration = raw.get("offset_days", 0), raw.get("duration", 30)
    if isinstance(offset, bool) or not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise ValidationError("offset_days", _("expected a whole number from 0 to {max}").format(max=MAX_OFFSET))
    if isinstance(duration, bool) or not isinstance(duration, int) or not 0 <= duration <= activities.MAX_DURATION:
        raise ValidationError("duration", _("minutes from 0 to {max}").format(max=activities.MAX_DURATION))
    return {"kind": raw["kind"], "title": title, "offset_days": offset, "duration": duration}


def on_stage_entered(session: Session, actor: Actor, deal: Opportunity) -> int:
    """Create the planned activities of the stage `deal` has just entered, owned by its owner; returns how
    many. Called by the opportunity services after their own checks (the actor changes the deal)."""
    plans = session.exec(select(SalesActivityPlan).where(SalesActivityPlan.process == deal.process,
                                                         SalesActivityPlan.stage == deal.stage)).all()
    start = datetime.combine(utcnow().astimezone().date(), START).astimezone()  # naive: taken as local
    made = 0
    for plan in plans:
        for entry in plan.activities:
            session.add(SalesActivity(
                kind=entry["kind"], title=pick(entry["title"], plan.code)[:200], party_id=deal.party_id,
                opportunity_id=saved_id(deal), owner_id=deal.owner_id, duration=entry["duration"],
                starts_at=start + timedelta(days=entry["offset_days"]), plan=plan.code, updated_by=actor.login))
            made += 1
    if made:
        session.flush()
    return made
