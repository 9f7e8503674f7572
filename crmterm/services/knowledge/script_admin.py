"""Authoring scripts: drafts edited in place under a version check, publishing (the previous published
version retires; running inquiries keep the version they started), import/export as config-as-code.
Admins only (Permission.SCRIPTS_ADMIN); every change is audited."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import Session, col, select

from crmterm.errors import Conflict, NotFound, ValidationError
from crmterm.i18n import _, fmt_datetime, pick
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import yaml_lines
from crmterm.services.knowledge.scripts import RunSpec, ScriptRead, documents_in, problems_of, read, run_spec
from crmterm.store import Script, ScriptRun, utcnow
from crmterm.workflow import scripts
from crmterm.workflow.script_walk import WalkError


def canonical(raw: Any) -> dict:
    """The stored form of a document (defaults left out, so exports stay short and compare stably)."""
    try:
        document = scripts.parse(raw)
    except scripts.DocumentError as error:
        node, line, message = error.problems[0]
        raise ValidationError(f"nodes.{node}" if node else "script",
                              f"{message} (line {line})" if line else message) from None
    dumped = document.model_dump(mode="json", by_alias=True, exclude_none=True, exclude_defaults=True,
                                 exclude={"lines", "line"})
    dumped["nodes"] = [{"id": n["id"], "type": n["type"], **n} for n in dumped.get("nodes", [])]  # reads better
    return {"code": document.code, "name": document.name, **dumped}


def _latest(session: Session, code: str) -> Script | None:
    return session.exec(select(Script).where(Script.code == code).order_by(col(Script.number).desc())).first()


def save_draft(*, session: Session, actor: Actor, raw: Any, expected_version: int | None = None,
               source: str = "tui") -> ScriptRead:
    """The code's draft takes the document (a new draft version when the newest one is published).
    A draft may still have problems: the editor lists them; publishing refuses them."""
    require(actor, Permission.SCRIPTS_ADMIN)
    document = canonical(raw)
    row = _latest(session, document["code"])
    if row is not None and row.status == "draft":
        if expected_version is not None and expected_version != row.version:
            raise Conflict(_("Script {code} was changed by {who} at {at}; reload and try again").format(
                code=row.code, who=row.updated_by or "?", at=fmt_datetime(row.updated_at)))
        before = row.document
        row.document, row.name, row.topics = document, document["name"], document.get("topics", [])
        row.version, row.updated_at, row.updated_by = row.version + 1, utcnow(), actor.login
        action = "update"
    else:
        before = None
        row = Script(code=document["code"], number=(row.number + 1) if row else 1, status="draft",
                     name=document["name"], topics=document.get("topics", []), document=document,
                     created_by=actor.login, updated_by=actor.login)
        action = "create"
    session.add(row)
    session.flush()
    audit.record(session, actor, action, "scripts", f"{row.code} v{row.number}", before=before, after=document,
                 source=source)
    return read(row)


# The first draft of a new script: a statement and the end, in both languages (the name is in the
# author's; the editor lists the missing translation until it is added).
_STARTER_TEXTS = {"greeting": {"en": "Greet the customer and say your name.",
                               "ru": "Поприветствуйте клиента и представьтесь."},
                  "done": {"en": "Thank the customer for the call.", "ru": "Поблагодарите клиента за обращение."}}


def create(*, session: Session, actor: Actor, code: str, name: str, lang: str = "en",
           source: str = "tui") -> ScriptRead:
    """A new script's first draft, to be grown in the editor; an existing code is refused."""
    require(actor, Permission.SCRIPTS_ADMIN)
    code, name = code.strip(), name.strip()
    if _latest(session, code) is not None:
        raise Conflict(_("Script {code} already exists").format(code=code))
    document = {"code": code, "name": {lang: name or code}, "nodes": [
        {"id": "greeting", "type": "statement", "text": _STARTER_TEXTS["greeting"], "next": "done"},
        {"id": "done", "type": "end", "outcome": "done", "text": _STARTER_TEXTS["done"]}]}
    return save_draft(session=session, actor=actor, raw=document, source=source)


def publish(*, session: Session, actor: Actor, code: str, number: int | None = None,
            source: str = "tui") -> ScriptRead:
    """The newest draft (or version `number`) becomes the one new runs use; only without problems."""
    require(actor, Permission.SCRIPTS_ADMIN)
    query = select(Script).where(Script.code == code)
    query = query.where(Script.number == number) if number else query.order_by(col(Script.number).desc())
    row = session.exec(query).first()
    if row is None:
        raise NotFound(_("Script"), code)
    if row.status == "published":
        return read(row)
    _document, found = problems_of(session, row.document)
    if found:
        more = _(" (and {n} more)").format(n=len(found) - 1) if len(found) > 1 else ""
        raise ValidationError(None, _("cannot publish: {problem}").format(problem=found[0]) + more)
    for other in session.exec(select(Script).where(Script.code == code, Script.status == "published")):
        other.status, other.version, other.updated_by = "retired", other.version + 1, actor.login
        session.add(other)
    row.status, row.published_at, row.version, row.updated_by = "published", utcnow(), row.version + 1, actor.login
    row.updated_at = utcnow()
    session.add(row)
    session.flush()
    audit.record(session, actor, "publish", "scripts", f"{row.code} v{row.number}", source=source)
    return read(row)


def delete_draft(*, session: Session, actor: Actor, code: str, source: str = "tui") -> None:
    """Drop the code's draft (published and retired versions stay: runs point at them)."""
    require(actor, Permission.SCRIPTS_ADMIN)
    row = _latest(session, code)
    if row is None or row.status != "draft":
        raise NotFound(_("draft of script"), code)
    if session.exec(select(func.count()).select_from(ScriptRun).where(ScriptRun.script_id == row.id)).one():
        raise Conflict(_("script {code} v{n} has runs").format(code=code, n=row.number))
    session.delete(row)
    audit.record(session, actor, "delete", "scripts", f"{code} v{row.number}", before=row.document, source=source)


def import_script(*, session: Session, actor: Actor, raw: Any, publish_it: bool = True,
                  source: str = "import") -> str:
    """'created', 'updated' or 'unchanged' (same document as the published, or newest, version)."""
    require(actor, Permission.SCRIPTS_ADMIN)
    document = canonical(raw)
    current = current_document(session, document["code"])
    if current == document:
        return "unchanged"
    save_draft(session=session, actor=actor, raw=document, source=source)
    if publish_it:
        publish(session=session, actor=actor, code=document["code"], source=source)
    return "created" if current is None else "updated"


def current_document(session: Session, code: str) -> dict | None:
    published = session.exec(select(Script).where(Script.code == code, Script.status == "published")).first()
    row = published or _latest(session, code)
    return dict(row.document) if row else None


def export_documents(*, session: Session, actor: Actor, code: str | None = None) -> list[dict]:
    """The published (else newest) version of each script, as `script import` and `config import` read it."""
    require(actor, Permission.CONFIG_EXPORT)
    codes = [code] if code else sorted(set(session.exec(select(Script.code)).all()))
    found = [current_document(session, c) for c in codes]
    if code and found == [None]:
        raise NotFound(_("Script"), code)
    return [d for d in found if d is not None]


# --- the authoring screen ---------------------------------------------------------------------------------

class ScriptSummary(BaseModel):
    """One line of the editor's script list: a code's newest version (and the number of its published one)."""

    code: str
    name: dict
    number: int
    status: str
    published: int | None = None

    @property
    def label(self) -> str:
        return pick(self.name, self.code)


def summaries(*, session: Session, actor: Actor, after: str | None = None, limit: int = 100) -> list[ScriptSummary]:
    """A page of script codes in code order, after `after` (keyset paging)."""
    require(actor, Permission.SCRIPTS_ADMIN)
    query = select(Script.code).group_by(Script.code).order_by(Script.code).limit(limit)
    codes = session.exec(query.where(col(Script.code) > after) if after else query).all()
    rows = session.exec(select(Script).where(col(Script.code).in_(codes))
                        .order_by(Script.code, col(Script.number).desc()))
    found: dict[str, ScriptSummary] = {}
    for row in rows:
        summary = found.setdefault(row.code, ScriptSummary(code=row.code, name=row.name, number=row.number,
                                                           status=row.status))
        if row.status == "published":
            summary.published = row.number
    return list(found.values())


def latest(*, session: Session, actor: Actor, code: str) -> ScriptRead:
    """The version an author edits: the newest one (the draft, when there is one)."""
    require(actor, Permission.SCRIPTS_ADMIN)
    row = _latest(session, code)
    if row is None:
        raise NotFound(_("Script"), code)
    return read(row)


def preview_run(*, session: Session, actor: Actor, raw: Any, base: ScriptRead | None = None) -> RunSpec:
    """What the runner needs to walk an unsaved document (the author's preview; nothing is saved)."""
    require(actor, Permission.SCRIPTS_ADMIN)
    document = canonical(raw)
    script = ScriptRead(id=base.id if base else 0, code=document["code"], number=base.number if base else 0,
                        status="draft", name=document["name"], topics=document.get("topics", []),
                        document=document, version=base.version if base else 0,
                        updated_at=base.updated_at if base else utcnow(), updated_by=actor.login)
    spec = run_spec(session=session, actor=actor, script=script)
    try:
        spec.walk()
    except WalkError as error:
        raise ValidationError("start", str(error)) from None
    return spec


def import_file(*, session: Session, actor: Actor, path: Path, publish_it: bool = False,
                source: str = "tui") -> list[tuple[str, str]]:
    """(code, 'created' / 'updated' / 'unchanged') for each script of a YAML file (one script or `scripts:`);
    from the editor the imports stay drafts to review before publishing."""
    require(actor, Permission.SCRIPTS_ADMIN)
    found = documents_in(Path(path).expanduser())  # a file that cannot be read is a ConfigError
    return [(str(raw.get("code")) if isinstance(raw, dict) else "?",
             import_script(session=session, actor=actor, raw=raw, publish_it=publish_it, source=source))
            for raw in found]


def export_file(*, session: Session, actor: Actor, code: str, path: Path, number: int | None = None) -> Path:
    """Write version `number` (else the published, else the newest) as a config document that both
    `crmterm script import` and `crmterm config import` read."""
    require(actor, Permission.CONFIG_EXPORT)
    row = session.exec(select(Script).where(Script.code == code, Script.number == number)).first() \
        if number else None
    document = dict(row.document) if row else current_document(session, code)
    if document is None:
        raise NotFound(_("Script"), code)
    target = Path(path).expanduser()
    try:
        target.write_text(yaml_lines.dump({"crmterm_config": 1, "scripts": [document]}), encoding="utf-8")
    except OSError as error:
        raise ValidationError("path", error.strerror or str(error)) from None
    return target
