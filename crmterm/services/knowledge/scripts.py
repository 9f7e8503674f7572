"""Reading scripts: versions, the script an inquiry's topic (or the contact template) runs, the checks of a
document against the database (attribute and reference codes), and what a runner needs to walk one."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import directory, yaml_lines
from crmterm.services.topics.attribute_values import BadValue, parse, to_cel
from crmterm.store import (
    AttributeDef,
    ContactTemplate,
    CustomerAttribute,
    Dictionary,
    DictionaryItem,
    Priority,
    Queue,
    Script,
    Topic,
)
from crmterm.store.base import Labelled
from crmterm.workflow import script_checks, scripts
from crmterm.workflow.script_checks import Problem
from crmterm.workflow.script_walk import Walk


class ScriptRead(BaseModel):
    id: int
    code: str
    number: int
    status: str
    name: dict
    topics: list[str]
    document: dict
    version: int
    updated_at: datetime
    updated_by: str | None
    published_at: datetime | None = None

    @property
    def label(self) -> str:
        return pick(self.name, self.code)

    def parsed(self) -> scripts.ScriptDocument:
        return scripts.parse(self.document)


def read(row: Script) -> ScriptRead:
    return ScriptRead.model_validate(row, from_attributes=True)


# --- checks ---------------------------------------------------------------------------------------------

def resolvers(session: Session):
    """(attribute_known, ref_known) over the database, for script_checks.validate."""
    inquiry_attrs = set(session.exec(select(AttributeDef.code).where(col(AttributeDef.active).is_(True))).all())
    customer_attrs = set(session.exec(select(CustomerAttribute.code).where(col(CustomerAttribute.active).is_(True))))
    exists = directory.code_exists_fn(session)

    def attribute_known(target: str, code: str) -> bool:
        return code in (inquiry_attrs if target == "inquiry" else customer_attrs)

    return attribute_known, exists


def problems_of(session: Session, raw: Any) -> tuple[scripts.ScriptDocument | None, list[Problem]]:
    """The parsed document (None if it is not a script at all) and everything wrong with it."""
    try:
        document = scripts.parse(raw)
    except scripts.DocumentError as error:
        return None, [Problem(node, line, message) for node, line, message in error.problems]
    attribute_known, ref_known = resolvers(session)
    found = script_checks.validate(document, attribute_known=attribute_known, ref_known=ref_known)
    found += [Problem(None, document.line, _("topic: unknown topic '{code}'").format(code=code))
              for code in document.topics if not ref_known("topics", code)]
    return document, found


def check(*, session: Session, actor: Actor, raw: Any) -> list[Problem]:
    require(actor, Permission.DIRECTORY_READ)
    return problems_of(session, raw)[1]


def documents_in(path: Path) -> list:
    """A file holds one script (a mapping with `code`) or a config document with a `scripts:` list."""
    loaded = yaml_lines.load(path)
    if isinstance(loaded, dict) and isinstance(loaded.get("scripts"), list):
        return loaded["scripts"]
    return [loaded]


# --- reading --------------------------------------------------------------------------------------------

def list_scripts(*, session: Session, actor: Actor, code: str | None = None) -> list[ScriptRead]:
    """Every version, newest first within a code."""
    require(actor, Permission.DIRECTORY_READ)
    query = select(Script).order_by(Script.code, col(Script.number).desc())
    if code is not None:
        query = query.where(Script.code == code)
    return [read(row) for row in session.exec(query)]


def get(*, session: Session, actor: Actor, code: str, number: int | None = None) -> ScriptRead:
    """A given version, else the published one, else the newest."""
    versions = list_scripts(session=session, actor=actor, code=code)
    if number is not None:
        versions = [v for v in versions if v.number == number]
    chosen = next((v for v in versions if v.status == "published" or number is not None), None) \
        or (versions[0] if versions else None)
    if chosen is None:
        raise NotFound(_("Script"), code if number is None else f"{code} v{number}")
    return chosen


def by_id(session: Session, script_id: int) -> ScriptRead:
    row = session.get(Script, script_id)
    if row is None:
        raise NotFound(_("Script"), script_id)
    return read(row)


def for_topic(*, session: Session, actor: Actor, topic: str | None, template: str | None = None
              ) -> ScriptRead | None:
    """The published script of the topic (or of one of its groups, nearest first), else the template's."""
    require(actor, Permission.INQUIRIES_READ)
    published = [read(r) for r in session.exec(select(Script).where(Script.status == "published"))]
    if topic:
        from crmterm.services.topics.attribute_forms import topic_path

        for row in reversed(topic_path(session, topic)):
            found = next((s for s in published if row.code in s.topics), None)
            if found is not None:
                return found
    if template:
        code = session.exec(select(ContactTemplate.default_script).where(ContactTemplate.code == template)).first()
        return next((s for s in published if s.code == code), None)
    return None


# --- what a runner needs --------------------------------------------------------------------------------

@dataclass(frozen=True)
class CaptureField:
    code: str
    type: str
    label: str
    pattern: str | None = None
    max_length: int | None = None
    choices: tuple[tuple[str, str], ...] = ()  # dictionary items (code, label)


@dataclass
class RunSpec:
    script: ScriptRead
    document: scripts.ScriptDocument
    fields: dict[str, CaptureField] = field(default_factory=dict)  # "inquiry:code" / "customer:code"
    context: dict = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # "priority:code" / "queue:…" / "topic:…" -> its name

    def name_of(self, kind: str, code: str) -> str:
        """A decided priority, queue or topic by its name in the user's language (the code if unknown)."""
        return self.names.get(f"{kind}:{code}", code)

    def walk(self) -> Walk:
        return Walk(self.document, self.context, to_cel=to_cel)

    def field_of(self, node) -> CaptureField | None:
        return self.fields.get(f"{node.target}:{node.attribute}")


def run_spec(*, session: Session, actor: Actor, script: ScriptRead, context: dict | None = None) -> RunSpec:
    require(actor, Permission.INQUIRIES_READ)
    document = script.parsed()
    captures = [n for n in document.nodes if isinstance(n, scripts.Capture)]
    fields = {f"{n.target}:{n.attribute}": _capture_field(session, n.target, n.attribute) for n in captures}
    return RunSpec(script=script, document=document, fields={k: v for k, v in fields.items() if v},
                   context=context or {}, names=_decision_names(session, document))


_DECIDED: dict[str, type[Labelled]] = {"priority": Priority, "queue": Queue, "topic": Topic}


def _decision_names(session: Session, document: scripts.ScriptDocument) -> dict[str, str]:
    """The names of what the script's decisions may choose (a rule's value is a code), one query a kind."""
    names: dict[str, str] = {}
    for kind, rules in document.decisions.items():
        model, codes = _DECIDED[kind], {rule.value for rule in rules}
        names |= {f"{kind}:{code}": pick(labels, code) for code, labels in
                  session.exec(select(col(model.code), col(model.labels)).where(col(model.code).in_(codes))).all()}
    return names


def _capture_attribute(session: Session, target: str, code: str) -> AttributeDef | CustomerAttribute | None:
    if target == "inquiry":
        return session.exec(select(AttributeDef).where(AttributeDef.code == code)).first()
    return session.exec(select(CustomerAttribute).where(CustomerAttribute.code == code)).first()


def _capture_field(session: Session, target: str, code: str) -> CaptureField | None:
    row = _capture_attribute(session, target, code)
    if row is None:
        return None
    return CaptureField(code=code, type=row.type, label=pick(row.labels, code),
                        pattern=getattr(row, "pattern", None), max_length=getattr(row, "max_length", None),
                        choices=_choices(session, row.dictionary_id))


def _choices(session: Session, dictionary_id: int | None) -> tuple[tuple[str, str], ...]:
    """The active items of the attribute's dictionary (code, label), none for an attribute without one."""
    if not dictionary_id:
        return ()
    items = session.exec(select(DictionaryItem.code, col(DictionaryItem.labels)).join(Dictionary).where(
        Dictionary.id == dictionary_id, col(DictionaryItem.active).is_(True))
        .order_by(col(DictionaryItem.sort_order), DictionaryItem.code)).all()
    return tuple((c, pick(labels, c)) for c, labels in items)


def typed_capture(spec: CaptureField | None, text: str) -> Any:
    """The typed value an agent typed for a capture (a dictionary item by code or by its number in the
    list); raises BadValue with the message to show."""
    if spec is None:
        return text.strip() or None
    raw = text.strip()
    if spec.choices:
        if raw.isdecimal() and 1 <= int(raw) <= len(spec.choices):
            return spec.choices[int(raw) - 1][0]
        if raw and raw not in {c for c, _l in spec.choices}:
            raise BadValue(_("'{v}' is not in the list").format(v=raw))
    return parse(spec.type, raw, pattern=spec.pattern, max_length=spec.max_length)


def topic_code(session: Session, topic_id: int) -> str:
    """The code of an inquiry's topic (the topic is configuration: not deleted while inquiries use it)."""
    topic = session.get(Topic, topic_id)
    if topic is None:
        raise NotFound(_("Topic"), topic_id)
    return topic.code


def prepare_run(*, session: Session, actor: Actor, code: str | None = None, inquiry_id: int | None = None,
                script_id: int | None = None) -> RunSpec:
    """Everything a runner needs, with the inquiry's rule context when it runs on one. Without `code` or
    `script_id` the script of the inquiry's topic; running inquiries keep the version they started with."""
    from crmterm.services.inquiries import inquiry_actions
    from crmterm.services.routing import routing

    require(actor, Permission.INQUIRIES_READ)
    inquiry = inquiry_actions.load(session, inquiry_id, lock=False) if inquiry_id is not None else None
    context = routing.context_of(session, inquiry, actor) if inquiry is not None else {}
    if script_id is not None:
        script = by_id(session, script_id)
    elif code is not None:
        script = get(session=session, actor=actor, code=code)
    else:
        topic = topic_code(session, inquiry.topic_id) if inquiry is not None else None
        found = for_topic(session=session, actor=actor, topic=topic)
        if found is None:
            raise NotFound(_("Script"), topic)
        script = found
    return run_spec(session=session, actor=actor, script=script, context=context)


def choices_as_text(walk: Walk) -> list:
    """The walk's choices as JSON-ready data for script_runs.save_run (captured values as stored text)."""
    from crmterm.services.topics.attribute_values import to_text

    return [["value", to_text(c[1])] if isinstance(c, tuple) else c for c in walk.choices]
