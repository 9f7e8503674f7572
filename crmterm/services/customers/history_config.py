"""The `tracked_fields` section of a configuration document (config-as-code): which customer fields keep a
change history, `- {entity: party, fields: [display_name, …]}`. Registered with the directory's registry by
the customers package (its __init__), so config as code reads it without the directory importing customers."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import history
from crmterm.services.directory.flat_section import FlatSection
from crmterm.services.directory.validation import RefExists


class TrackedFieldsSection(FlatSection):
    """Which customer fields keep a change history, one entry per entity."""

    name = "tracked_fields"

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        entity = values.get("entity")
        if entity not in history.TRACKABLE:
            raise ValidationError("entity", _("expected one of: {choices}").format(
                choices=", ".join(history.TRACKABLE)))
        fields = values.get("fields") or []
        if not isinstance(fields, list):
            raise ValidationError("fields", _("expected a list"))
        for name in fields:
            if name not in history.TRACKABLE[entity]:
                raise ValidationError("fields", _("unknown field '{f}'").format(f=name))
        return {"entity": entity, "fields": sorted(set(fields))}

    def key(self, clean: dict) -> str:
        return clean["entity"]

    def current(self, session: Session, key: str) -> dict:
        return {"entity": key, "fields": sorted(history.tracked(session, key))}

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        self.update(session, actor, clean["entity"], clean, source)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        require(actor, Permission.CONFIG_IMPORT)
        before = self.current(session, key)
        history.set_tracked(session, key, clean["fields"])
        audit.record(session, actor, "update", self.name, key, before=before, after=clean, source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        return [self.current(session, entity) for entity in history.TRACKABLE]
