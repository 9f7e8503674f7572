"""The pipeline as the Sales screen shows it: a process's stages in order with the open opportunities in each
(a sales agent's own, everyone's for sales.read), and moving one to the neighbouring open stage with a key."""

from __future__ import annotations

from decimal import Decimal

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor
from crmterm.services.sales import opportunities, process_config, sales_access
from crmterm.services.sales.opportunities import OpportunityRead


class StageColumn(BaseModel):
    code: str
    name: str
    probability: int
    opportunities: list[OpportunityRead]

    @property
    def weighted(self) -> Decimal:
        return sum((o.weighted for o in self.opportunities), Decimal(0))


class PipelineRead(BaseModel):
    process: str
    name: str
    columns: list[StageColumn]  # the open stages, in order
    won: int
    lost: int


def pipeline(*, session: Session, actor: Actor, process: str | None = None) -> PipelineRead:
    sales_access.require_sales_reader(actor)
    chosen = process_config.process(session, process)
    found = [o for o in opportunities.list_opportunities(session=session, actor=actor) if o.process == chosen.code]
    columns = [StageColumn(code=stage["code"], name=pick(stage["names"], stage["code"]),
                           probability=stage["probability"],
                           opportunities=[o for o in found if o.stage == stage["code"] and o.state == "open"])
               for stage in chosen.stages if stage["outcome"] == "open"]
    return PipelineRead(process=chosen.code, name=pick(chosen.names, chosen.code), columns=columns,
                        won=sum(o.state == "won" for o in found), lost=sum(o.state == "lost" for o in found))


def shift_stage(*, session: Session, actor: Actor, opportunity_id: int, step: int) -> OpportunityRead:
    """To the next (step 1) or previous (step -1) open stage of its process; won and lost are decided
    with win and lose."""
    sales_access.require_seller(actor)
    current = opportunities.get_opportunity(session=session, actor=actor, opportunity_id=opportunity_id)
    stages = [s["code"] for s in process_config.process(session, current.process).stages if s["outcome"] == "open"]
    index = stages.index(current.stage) + step if current.stage in stages else -1
    if not 0 <= index < len(stages):
        raise ValidationError("stage", _("no further stage that way: win or lose it"))
    return opportunities.move_stage(session=session, actor=actor, opportunity_id=opportunity_id,
                                    stage=stages[index])
