"""The order types, as config as code: what kinds of order an accepted quote may become and which topic's
route handles each (its queues, SLA and steps — approval, provisioning, completion in the demo).

    order_types:
      - code: new_connection
        default: true
        names: {en: New connection, ru: Новое подключение}
        topic: order_new_connection     # a topic with a route: the order's inquiry runs on it

Registered with the directory's registry by the sales package (its __init__)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.directory.validation import RefExists
from crmterm.services.sales import config_fields as f
from crmterm.services.sales.catalogue_config import RowSection
from crmterm.store import SalesOrderType, Topic


class OrderTypesSection(RowSection):
    name = "order_types"
    model = SalesOrderType

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        f.fields(values, {"code", "names", "topic", "default"})
        topic = values.get("topic")
        if not isinstance(topic, str) or not _topic_known(session, ref_exists, topic):
            raise ValidationError("topic", _("unknown reference '{code}'").format(code=topic))
        default = values.get("default", False)
        if not isinstance(default, bool):
            raise ValidationError("default", _("expected yes or no"))
        return {"code": f.code(values), "names": f.names(values), "topic": topic, "default": default}

    def columns(self, clean: dict) -> dict:
        return {"code": clean["code"], "names": clean["names"], "topic": clean["topic"],
                "is_default": clean["default"]}

    def document(self, row: SalesOrderType) -> dict:
        return {"code": row.code, "names": dict(row.names), "topic": row.topic, "default": row.is_default}


def _topic_known(session: Session, ref_exists: RefExists, code: str) -> bool:
    try:
        if ref_exists("topics", code):
            return True
    except NotFound:
        pass
    return session.exec(select(Topic.id).where(Topic.code == code)).first() is not None


def order_type(session: Session, code: str | None) -> SalesOrderType | None:
    """The named type (NotFound if unknown), else the default one (else the first by code; None: none
    configured, and accepted quotes make no orders)."""
    query = select(SalesOrderType)
    if code:
        found = session.exec(query.where(SalesOrderType.code == code)).first()
        if found is None:
            raise NotFound(_("order type"), code)
        return found
    return session.exec(query.order_by(col(SalesOrderType.is_default).desc(), col(SalesOrderType.code))).first()
