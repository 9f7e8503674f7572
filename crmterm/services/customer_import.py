"""Bulk customer import from CSV or JSONL: parties, structure links, contracts, subscribers, contact persons.

Every record names its `type`. Parties get a `ref` (any key of the source system) that later records use to
point at them; `#123` points at an existing customer. Each line is applied in its own savepoint: a bad line is
reported with its number and leaves nothing behind, good lines are kept — or, with `atomic`, the first bad
line refuses the whole file.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from crmterm.errors import ConfigError, CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services import accounts, customers, structures
from crmterm.services.permissions import Actor, Permission, require

TYPES = ("party", "link", "contract", "subscriber", "contact_person")


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    refs: dict[str, int] = field(default_factory=dict)  # ref -> party id


def read_records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, record) from a .csv (header row) or .jsonl file; unreadable lines come as errors."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ConfigError(error.strerror or str(error), file=str(path)) from None
    with handle:
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(handle)
            for record in reader:
                yield reader.line_num, {k: v for k, v in record.items() if k is not None and v not in (None, "")}
            return
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, _json_record(line)


def _json_record(line: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return {"__error__": _("not valid JSON: {why}").format(why=error.msg)}
    return record if isinstance(record, dict) else {"__error__": _("expected a JSON object")}


def import_file(*, session: Session, actor: Actor, path: Path, atomic: bool = False, source: str = "import",
                progress: Callable[[int], None] | None = None) -> ImportReport:
    require(actor, Permission.CUSTOMERS_IMPORT)
    report = ImportReport()
    for line, record in read_records(path):
        try:
            with session.begin_nested():  # a savepoint: a failing line leaves nothing behind
                kind = _apply(session, actor, record, report, source)
        except CrmError as error:
            report.errors.append((line, str(error)))
            if atomic:
                raise ConfigError(str(error), file=str(path), line=line) from None
        else:
            report.created[kind] = report.created.get(kind, 0) + 1
        if progress:
            progress(1)
    return report


def _party_id(session: Session, value, report: ImportReport, field_name: str) -> int:
    text = str(value or "").strip()
    if text.startswith("#") and text[1:].isdigit():
        return customers.get_party(session, int(text[1:])).id
    if text in report.refs:
        return report.refs[text]
    raise ValidationError(field_name, _("unknown customer reference '{ref}'").format(ref=text))


def _apply(session: Session, actor: Actor, record: dict, report: ImportReport, source: str) -> str:
    if "__error__" in record:
        raise ValidationError(None, record["__error__"])
    kind = record.get("type")
    if kind not in TYPES:
        raise ValidationError("type", _("expected one of: {choices}").format(choices=", ".join(TYPES)))
    if kind == "party":
        _party(session, actor, record, report, source)
    elif kind == "link":
        parent = record.get("parent")
        structures.place(session=session, actor=actor, structure=str(record.get("structure", "")),
                         party_id=_party_id(session, record.get("child"), report, "child"),
                         parent_id=_party_id(session, parent, report, "parent") if parent else None, source=source)
    elif kind == "contract":
        accounts.add_contract(session=session, actor=actor, number=str(record.get("number", "")),
                              party_id=_party_id(session, record.get("party"), report, "party"), source=source)
    elif kind == "subscriber":
        accounts.add_subscriber(session=session, actor=actor, contract=str(record.get("contract", "")),
                                number=str(record.get("number", "")), service=record.get("service") or "mobile",
                                source=source)
    else:
        accounts.add_contact_person(session=session, actor=actor, name=str(record.get("name", "")),
                                    party_id=_party_id(session, record.get("party"), report, "party"),
                                    role=record.get("role", ""), phones=_list(record.get("phone")),
                                    emails=_list(record.get("email")))
    return kind


def _list(value) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def _party(session: Session, actor: Actor, record: dict, report: ImportReport, source: str) -> None:
    ref = str(record.get("ref") or "").strip()
    if ref and ref in report.refs:
        raise ValidationError("ref", _("duplicate ref '{ref}' in this file").format(ref=ref))
    names = {lang: record[f"name_{lang}"] for lang in ("en", "ru", "uk", "bg") if record.get(f"name_{lang}")}
    lead = str(record.get("lead", "")).strip().lower() in ("1", "true", "yes")
    party = customers.create_party(session=session, actor=actor, source=source, values={
        "display_name": record.get("name"), "names": names, "kind": record.get("kind") or "person",
        "category": record.get("category"), "email": record.get("email"), "phone": record.get("phone"),
        "is_lead": lead})
    if ref:
        report.refs[ref] = party.id


def count_records(path: Path) -> int:
    try:
        with path.open(encoding="utf-8-sig") as handle:
            lines = sum(1 for line in handle if line.strip())
    except OSError:
        return 0
    return max(lines - (1 if path.suffix.lower() == ".csv" else 0), 0)
