"""The `loyalty_tiers` section of a configuration document (config-as-code):

    loyalty_tiers:
      - {code: gold, names: {en: Gold, ru: Золото}, rank: 30, category: vip, min_tenure_months: 36,
         min_spend: 20000, min_rating: 4}

A customer meeting every minimum of several tiers gets the highest rank's category (services/retention/loyalty).
`min_spend`: payments of the last 12 months; `min_rating`: average satisfaction 1–5 (omit it: ratings do not
matter). Tiers manage the customers without a category and those of the tiers' categories and
`from_categories` (e.g. gold: category vip, from_categories [b2c] moves B2C customers up and never down).
Registered with the directory's registry by the retention package."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory.flat_section import FlatSection
from crmterm.services.directory.validation import RefExists
from crmterm.store import LoyaltyTier

_FIELDS = {"code", "names", "rank", "category", "min_tenure_months", "min_spend", "min_rating", "from_categories"}


def _int(values: dict, field: str, default: int = 0) -> int:
    value = values.get(field, default)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValidationError(field, _("expected a whole number, 0 or more"))
    return value


def _spend(value: object) -> str:
    try:
        amount = Decimal(str(value if value is not None else 0))
    except InvalidOperation:
        raise ValidationError("min_spend", _("expected a number")) from None
    if amount < 0 or not amount.is_finite():
        raise ValidationError("min_spend", _("expected a number, 0 or more"))
    return str(amount.quantize(Decimal("0.01")))


def _rating(value: object) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 1 <= value <= 5:
        raise ValidationError("min_rating", _("from 1 to 5"))
    return float(value)


def _document(row: LoyaltyTier) -> dict:
    return {"code": row.code, "names": dict(row.names), "rank": row.rank, "category": row.category,
            "min_tenure_months": row.min_tenure_months, "min_spend": _spend(row.min_spend),
            "min_rating": row.min_rating, "from_categories": sorted(row.from_categories)}


class LoyaltyTiersSection(FlatSection):
    """Loyalty tiers and the client category each maps to."""

    name = "loyalty_tiers"

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        unknown = set(values) - _FIELDS
        if unknown:
            raise ValidationError(sorted(unknown)[0], _("unknown field"))
        code = values.get("code")
        if not isinstance(code, str) or not code.strip():
            raise ValidationError("code", _("required"))
        if not ref_exists("client_categories", str(values.get("category") or "")):
            raise ValidationError("category", _("unknown reference '{code}'").format(code=values.get("category")))
        moved = values.get("from_categories") or []
        if not isinstance(moved, list) or not all(ref_exists("client_categories", c) for c in moved):
            raise ValidationError("from_categories", _("expected a list of client category codes"))
        names = values.get("names") or {}
        if not isinstance(names, dict):
            raise ValidationError("names", _("expected a mapping"))
        return {"code": code.strip(), "names": {str(k): str(v) for k, v in names.items()},
                "rank": _int(values, "rank"), "category": values["category"],
                "min_tenure_months": _int(values, "min_tenure_months"), "min_spend": _spend(values.get("min_spend")),
                "min_rating": _rating(values.get("min_rating")), "from_categories": sorted(set(moved))}

    def key(self, clean: dict) -> str:
        return clean["code"]

    def current(self, session: Session, key: str) -> dict:
        row = session.exec(select(LoyaltyTier).where(LoyaltyTier.code == key)).first()
        if row is None:
            raise NotFound(_("loyalty tier"), key)
        return _document(row)

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        require(actor, Permission.CONFIG_IMPORT)
        session.add(LoyaltyTier(**(clean | {"min_spend": Decimal(clean["min_spend"])}), updated_by=actor.login))
        session.flush()
        audit.record(session, actor, "create", self.name, clean["code"], after=clean, source=source)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        require(actor, Permission.CONFIG_IMPORT)
        row = session.exec(select(LoyaltyTier).where(LoyaltyTier.code == key)).one()
        before = _document(row)
        for field, value in (clean | {"min_spend": Decimal(clean["min_spend"])}).items():
            setattr(row, field, value)
        row.version, row.updated_by = row.version + 1, actor.login
        session.add(row)
        session.flush()
        audit.record(session, actor, "update", self.name, key, before=before, after=clean, source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        require(actor, Permission.DIRECTORY_READ)
        return [_document(row) for row in session.exec(select(LoyaltyTier).order_by(col(LoyaltyTier.rank)))]
