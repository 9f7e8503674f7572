"""The `portal_topics` and `portal_functions` sections of a configuration document (config-as-code): what the
portal offers, so a portal set up on a test database travels to production with the rest of the configuration.

    portal_topics:
      - {code: internet.no_link, internal_attributes: [line_id]}
    portal_functions:
      - {code: balance, topic: billing.balance, params: {}}

`code` is the topic's code (portal_topics) or the business function's name (portal_functions). As in every
section, an offer missing from the file is left as it is; `offered: false` withdraws one. Registered with the
directory's registry by the portal package (its __init__), so config as code reads it without the directory
importing the portal."""

from __future__ import annotations

from sqlmodel import Session, col, select

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory.flat_section import FlatSection
from crmterm.services.directory.validation import RefExists
from crmterm.services.inquiries import functions
from crmterm.services.portal import offers
from crmterm.store import PortalFunction, PortalTopic, Topic


def _fields(values: dict, allowed: set[str]) -> None:
    unknown = set(values) - allowed
    if unknown:
        raise ValidationError(sorted(unknown)[0], _("unknown field"))
    if not isinstance(values.get("code"), str) or not values["code"]:
        raise ValidationError("code", _("required"))
    if not isinstance(values.get("offered", True), bool):
        raise ValidationError("offered", _("expected yes or no"))


class _OfferSection(FlatSection):

    def key(self, clean: dict) -> str:
        return clean["code"]

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        self.update(session, actor, clean["code"], clean, source)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        raise NotImplementedError


class PortalTopicsSection(_OfferSection):
    """Topics offered in self-service, with the attributes that stay internal."""

    name = "portal_topics"

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        _fields(values, {"code", "internal_attributes", "offered"})
        if not ref_exists("topics", values["code"]):
            raise ValidationError("code", _("unknown reference '{code}'").format(code=values["code"]))
        hidden = values.get("internal_attributes") or []
        if not isinstance(hidden, list) or not all(isinstance(name, str) for name in hidden):
            raise ValidationError("internal_attributes", _("expected a list"))
        if values.get("offered", True) is False:
            return {"code": values["code"], "offered": False}
        return {"code": values["code"], "internal_attributes": sorted(set(hidden))}

    def current(self, session: Session, key: str) -> dict:
        row = session.exec(select(PortalTopic.internal_attributes)
                           .join(Topic, col(Topic.id) == PortalTopic.topic_id).where(Topic.code == key)).first()
        return {"code": key, "offered": False} if row is None else \
            {"code": key, "internal_attributes": sorted(row)}

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        offers.offer_topic(session=session, actor=actor, code=key, offered=clean.get("offered", True),
                           internal_attributes=clean.get("internal_attributes"), source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        require(actor, Permission.DIRECTORY_READ)
        rows = session.exec(select(Topic.code, PortalTopic.internal_attributes)
                            .join(PortalTopic, col(PortalTopic.topic_id) == Topic.id).order_by(col(Topic.code)))
        return [{"code": code, "internal_attributes": sorted(hidden)} for code, hidden in rows]


class PortalFunctionsSection(_OfferSection):
    """Business functions customers run themselves, each with the topic its runs are recorded under."""

    name = "portal_functions"

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        _fields(values, {"code", "topic", "params", "offered"})
        if values["code"] not in functions.registered():
            raise ValidationError("code", _("unknown reference '{code}'").format(code=values["code"]))
        if values.get("offered", True) is False:
            return {"code": values["code"], "offered": False}
        topic, params = values.get("topic"), values.get("params") or {}
        if not isinstance(topic, str) or not ref_exists("topics", topic):
            raise ValidationError("topic", _("unknown reference '{code}'").format(code=topic))
        if not isinstance(params, dict):
            raise ValidationError("params", _("expected a mapping"))
        return {"code": values["code"], "topic": topic, "params": dict(params)}

    def current(self, session: Session, key: str) -> dict:
        found = session.exec(select(PortalFunction.params, Topic.code)
                             .join(Topic, col(Topic.id) == PortalFunction.topic_id)
                             .where(PortalFunction.name == key)).first()
        if found is None:
            return {"code": key, "offered": False}
        return {"code": key, "topic": found[1], "params": dict(found[0])}

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        offers.offer_function(session=session, actor=actor, name=key, topic=clean.get("topic", ""),
                              offered=clean.get("offered", True), params=clean.get("params"), source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        require(actor, Permission.DIRECTORY_READ)
        rows = session.exec(select(PortalFunction.name, Topic.code, PortalFunction.params)
                            .join(Topic, col(Topic.id) == PortalFunction.topic_id).order_by(col(PortalFunction.name)))
        return [{"code": name, "topic": topic, "params": dict(params)} for name, topic, params in rows]
