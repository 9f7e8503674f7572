"""Configuration as code: all admin configuration as one YAML document, validated whole, applied atomically.

Sections are applied in dependency order (channels before place types before places …). Later issues add
their sections (topics, routes, …) by appending a `Section` to `SECTIONS`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from crmterm.errors import ConfigError, CrmError, NotFound, ValidationError, refuse_controls_within
from crmterm.i18n import _, ngettext
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import directory, yaml_lines
from crmterm.services.directory.config_sections import SECTIONS, Plan, Section
from crmterm.text import one_line

FORMAT_KEY = "crmterm_config"
FORMAT_VERSION = 1


@dataclass
class ImportResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    unchanged: int = 0

    def add(self, other: ImportResult) -> None:
        for name, count in other.created.items():
            self.created[name] = self.created.get(name, 0) + count
        for name, count in other.updated.items():
            self.updated[name] = self.updated.get(name, 0) + count
        self.unchanged += other.unchanged

    @property
    def changes(self) -> int:
        return sum(self.created.values()) + sum(self.updated.values())

    def summary_lines(self) -> list[str]:
        lines = [f"{name}: " + _("{c} created, {u} updated").format(c=self.created.get(name, 0),
                                                                      u=self.updated.get(name, 0))
                 for name in sorted(set(self.created) | set(self.updated))]
        lines.append(ngettext("{n} change", "{n} changes", self.changes).format(n=self.changes)
                     + ", " + _("{n} unchanged").format(n=self.unchanged))
        return lines


def export_config(*, session: Session, actor: Actor) -> dict:
    require(actor, Permission.CONFIG_EXPORT)
    document: dict = {FORMAT_KEY: FORMAT_VERSION}
    for section in SECTIONS:
        if section.top_level:
            document[section.name] = section.export(session, actor)
    return document


def write_export(*, session: Session, actor: Actor, path: Path) -> int:
    document = export_config(session=session, actor=actor)
    _atomic_write(path, yaml_lines.dump(document))
    entries = [e for k, v in document.items() if k != FORMAT_KEY for e in v]
    count = len(entries) + sum(len(e.get("items", [])) for e in entries)
    audit.record(session, actor, "export", "config", str(path), after={"entries": count}, source="cli")
    return count


def _atomic_write(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.tmp")
    try:
        temporary.write_text(text, encoding="utf-8")
        temporary.replace(path)
    except OSError as exc:
        raise ConfigError(exc.strerror or str(exc), file=str(path)) from None


def import_file(*, session: Session, actor: Actor, path: Path, source: str = "import") -> ImportResult:
    """Validate the whole file first (nothing is written on any error), then apply it in the caller's
    transaction. Entries missing from the file are kept as they are."""
    require(actor, Permission.CONFIG_IMPORT)  # before the file is read
    return import_document(session=session, actor=actor, document=yaml_lines.load(path), file=str(path),
                           source=source)


def import_document(*, session: Session, actor: Actor, document, file: str | None,
                    source: str = "import") -> ImportResult:
    require(actor, Permission.CONFIG_IMPORT)
    plan = _read_plan(document, file)
    ref_exists = _plan_refs(session, plan)
    problems = _validate(session, plan, ref_exists)
    if problems:
        line, message = problems[0]
        more = ngettext(" (and {n} more problem)", " (and {n} more problems)", len(problems) - 1).format(
            n=len(problems) - 1) if len(problems) > 1 else ""
        raise ConfigError(message + more, file=file, line=line)
    result = ImportResult()
    for section in SECTIONS:
        for entry in plan.entries.get(section.name, []):
            _apply_one(session, actor, section, entry, result, source, file, ref_exists)
    if result.changes:  # each change is audited by its section; this entry says which import made them
        audit.record(session, actor, "import", "config", file or "-", source=source,
                     after={"created": result.created, "updated": result.updated, "unchanged": result.unchanged})
    return result


def _read_plan(document, file: str | None) -> Plan:
    if document is None:
        document = yaml_lines.LineDict()
    if not isinstance(document, yaml_lines.LineDict):
        raise ConfigError(_("expected a mapping of sections"), file=file, line=1)
    known = {s.name: s for s in SECTIONS if s.top_level}
    plan = Plan()
    for name, body in document.items():
        if name == FORMAT_KEY:
            continue
        if name not in known:
            raise ConfigError(_("unknown section '{name}'").format(name=one_line(name)), file=file,
                              line=document.line_of(name))
        if body is not None and not isinstance(body, list):
            raise ConfigError(_("section '{name}' must be a list").format(name=one_line(name)), file=file,
                              line=document.line_of(name))
        known[name].read(plan, body or [], document.line_of(name), file)
    if not set(document) - {FORMAT_KEY}:  # an empty file (or only the format key) would "import" nothing
        raise ConfigError(_("no configuration in the file (sections: {names})").format(names=", ".join(known)),
                          file=file, line=1)
    return plan


def _plan_refs(session: Session, plan: Plan):
    """References resolve to the file's entries or the database's, so entries may refer forward."""
    exists = directory.code_exists_fn(session)

    def ref_exists(kind: str, code: str) -> bool:
        return code in plan.codes.get(kind, set()) or exists(kind, code)

    return ref_exists


def _validate(session: Session, plan: Plan, ref_exists) -> list[tuple[int, str]]:
    problems: list[tuple[int, str]] = []

    for section in SECTIONS:
        seen: dict[str, int] = {}
        for entry in plan.entries.get(section.name, []):
            try:
                refuse_controls_within("", entry.values)  # before any section's own checks (text)
                entry.clean = section.clean(session, entry.values, ref_exists)
            except ValidationError as error:
                name = entry.values.get("code") or entry.values.get("login")
                where = f"{section.name} '{name}'" if name else section.name  # which entry, not just which line
                problems.append((entry.values.line_of(_first_key(error.field)), f"{where}: {error}"))
                continue
            key = section.key(entry.clean)
            if key in seen:
                problems.append((entry.values.line, _("{section}: duplicate code '{key}' (first on line {line})")
                                 .format(section=section.name, key=key, line=seen[key])))
            seen.setdefault(key, entry.values.line)
    return sorted(problems, key=lambda p: p[0])


def _first_key(field: str | None) -> str:
    """`overrides.topic.mandatory` is reported on the line of `overrides`."""
    return (field or "").split(".")[0]


def _apply_one(session: Session, actor: Actor, section: Section, entry, result: ImportResult,
               source: str, file: str | None, ref_exists) -> None:
    key = section.key(entry.clean)
    try:
        current = section.current(session, key)
    except NotFound:
        current = None
    try:
        if current is None:
            section.create(session, actor, entry.clean, source, ref_exists)
            result.created[section.name] = result.created.get(section.name, 0) + 1
        elif current != entry.clean:
            section.update(session, actor, key, entry.clean, source, ref_exists)
            result.updated[section.name] = result.updated.get(section.name, 0) + 1
        else:
            result.unchanged += 1
    except CrmError as error:
        raise ConfigError(f"{section.name}: {one_line(error)}", file=file, line=entry.values.line) from None

