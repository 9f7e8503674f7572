"""The `scripts` section of a configuration document (config-as-code): one entry per script code, the
document of its published version. Importing a changed document creates and publishes a new version."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.errors import ConfigError, NotFound, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor
from crmterm.services.directory.validation import RefExists
from crmterm.services.knowledge import script_admin
from crmterm.services.knowledge.scripts import problems_of


class ScriptsSection:
    name = "scripts"
    top_level = True

    def read(self, plan, body: list, line: int, file: str | None) -> None:
        for item in body:
            if not isinstance(item, dict):
                raise ConfigError(_("{section}: each entry must be a mapping").format(section=self.name),
                                  file=file, line=line)
            plan.add(self.name, item)

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        document, found = problems_of(session, values)
        if found:
            raise ValidationError("nodes" if found[0].node else None, str(found[0]))
        return script_admin.canonical(values)

    def key(self, clean: dict) -> str:
        return clean["code"]

    def current(self, session: Session, key: str) -> dict:
        document = script_admin.current_document(session, key)
        if document is None:
            raise NotFound("script", key)
        return document

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        script_admin.import_script(session=session, actor=actor, raw=clean, source=source)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        script_admin.import_script(session=session, actor=actor, raw=clean, source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        return script_admin.export_documents(session=session, actor=actor)
