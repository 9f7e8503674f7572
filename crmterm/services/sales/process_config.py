"""The sales processes and the manual-discount limits, as config as code.

    sales_processes:
      - code: b2b
        default: true
        names: {en: Business sales, ru: Корпоративные продажи}
        stages:
          - {code: qualify, names: {en: Qualification, ru: Квалификация}, probability: 10}
          - {code: won, names: {en: Won, ru: Выиграна}, probability: 100, outcome: won}
          - {code: lost, names: {en: Lost, ru: Проиграна}, probability: 0, outcome: lost}
    discount_limits:
      - {role: agent, percent: 5}
      - {role: supervisor, percent: 20}

A process has exactly one stage with outcome `won` and one with `lost`; the open stages come first, in order."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory.validation import RefExists
from crmterm.services.sales import config_fields as f
from crmterm.services.sales.catalogue_config import RowSection
from crmterm.store import SalesDiscountLimit, SalesProcess

OUTCOMES = ("open", "won", "lost")


class SalesProcessesSection(RowSection):
    name = "sales_processes"
    model = SalesProcess

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        f.fields(values, {"code", "names", "stages", "default"})
        stages = values.get("stages")
        if not isinstance(stages, list) or not stages:
            raise ValidationError("stages", _("expected a list"))
        clean = [_stage(stage) for stage in stages]
        codes = [s["code"] for s in clean]
        if len(set(codes)) != len(codes):
            raise ValidationError("stages", _("duplicate code"))
        if sorted(s["outcome"] for s in clean if s["outcome"] != "open") != ["lost", "won"]:
            raise ValidationError("stages", _("one stage with outcome won and one with outcome lost"))
        default = values.get("default", False)
        if not isinstance(default, bool):
            raise ValidationError("default", _("expected yes or no"))
        return {"code": f.code(values), "names": f.names(values), "stages": clean, "default": default}

    def columns(self, clean: dict) -> dict:
        return {"code": clean["code"], "names": clean["names"], "stages": clean["stages"],
                "is_default": clean["default"]}

    def document(self, row: SalesProcess) -> dict:
        return {"code": row.code, "names": dict(row.names), "stages": [dict(s) for s in row.stages],
                "default": row.is_default}


def _stage(raw: object) -> dict:
    if not isinstance(raw, dict):
        raise ValidationError("stages", _("each entry must be a mapping"))
    f.fields(raw, {"code", "names", "probability", "outcome"})
    probability = raw.get("probability", 0)
    if isinstance(probability, bool) or not isinstance(probability, int) or not 0 <= probability <= 100:
        raise ValidationError("stages", _("probability: expected a whole number from 0 to 100"))
    outcome = raw.get("outcome") or "open"
    if outcome not in OUTCOMES:
        raise ValidationError("stages", _("expected one of: {choices}").format(choices=", ".join(OUTCOMES)))
    return {"code": f.code(raw), "names": f.names(raw), "probability": probability, "outcome": outcome}


class DiscountLimitsSection(RowSection):
    name = "discount_limits"
    model = SalesDiscountLimit

    def key(self, clean: dict) -> str:
        return clean["role"]

    def _row(self, session: Session, key: str):
        return session.exec(select(SalesDiscountLimit).where(SalesDiscountLimit.role == key)).first()

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        f.fields(values, {"role", "percent"})
        role = values.get("role")
        if not isinstance(role, str) or not ref_exists("roles", role):
            raise ValidationError("role", _("unknown reference '{code}'").format(code=role))
        return {"role": role, "percent": f.money_text(f.decimal(values.get("percent"), "percent",
                                                                 maximum=Decimal(100)))}

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        super().create(session, actor, {**clean, "code": clean["role"]}, source, ref_exists)

    def columns(self, clean: dict) -> dict:
        return {"role": clean["role"], "percent": Decimal(clean["percent"])}

    def document(self, row: SalesDiscountLimit) -> dict:
        return {"role": row.role, "percent": f.money_text(Decimal(row.percent))}

    def export(self, session: Session, actor: Actor) -> list[dict]:
        require(actor, Permission.DIRECTORY_READ)
        rows = session.exec(select(SalesDiscountLimit).order_by(col(SalesDiscountLimit.role)))
        return [self.document(row) for row in rows]


def process(session: Session, code: str | None) -> SalesProcess:
    """The named process, or the default one (else the first by code)."""
    query = select(SalesProcess)
    query = query.where(SalesProcess.code == code) if code else query.order_by(
        col(SalesProcess.is_default).desc(), col(SalesProcess.code))
    row = session.exec(query).first()
    if row is None:
        raise NotFound(_("sales process"), code or _("default"))
    return row


def discount_limit(session: Session, actor: Actor) -> Decimal:
    """The largest manual discount the actor may give: the highest limit of any role they hold; without a
    configured limit none for sales agents and any for those who supervise sales."""
    held = {actor.role.value, *actor.roles}
    limits = session.exec(select(col(SalesDiscountLimit.percent)).where(col(SalesDiscountLimit.role).in_(held))).all()
    if limits:
        return max(Decimal(limit) for limit in limits)
    return Decimal(100) if actor.can(Permission.SALES_SUPERVISE) else Decimal(0)
