"""Bulk customer import from CSV or JSONL: parties, structure links, contracts, subscribers, contact persons.

Every record names its `type`. Parties get a `ref` (any key of the source system) that later records use to
point at them; `#123` points at an existing customer. A bad line is reported with its number and leaves
nothing behind, good lines are kept — or, with `atomic`, the first bad line refuses the whole file. Runs of
party lines go through the batched path (customer_import_bulk); other lines each get a savepoint.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from crmterm.errors import ConfigError, CrmError, ValidationError
from crmterm.i18n import _
from crmterm.input_files import check_file
from crmterm.services.accounts import audit
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.customers import contracts, customers, structures
from crmterm.services.customers.customer_import_bulk import BATCH, PartyBatch, party_values, record_ref, text_field
from crmterm.store.search import bulk_party_load
from crmterm.store.tables import saved_id
from crmterm.text import has_lone_surrogate

TYPES = ("party", "link", "contract", "subscriber", "contact_person")


@dataclass
class ImportReport:
    created: dict[str, int] = field(default_factory=dict)
    errors: list[tuple[int, str]] = field(default_factory=list)  # (line, message)
    refs: dict[str, int] = field(default_factory=dict)  # ref -> party id


def read_records(path: Path) -> Iterator[tuple[int, dict]]:
    """(line number, record) from a .csv (header row) or .jsonl file; unreadable lines come as errors."""
    check_file(path, None)  # a device or FIFO would never end or never start
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as error:
        raise ConfigError(error.strerror or str(error), file=str(path)) from None
    with handle:
        if path.suffix.lower() == ".csv":
            reader = csv.DictReader(handle)
            try:
                for record in reader:
                    yield reader.line_num, {k: v for k, v in record.items() if k is not None and v not in (None, "")}
            except csv.Error as error:  # a field above the csv module's limit: the rest cannot be trusted
                raise ConfigError(str(error), file=str(path), line=reader.line_num + 1) from None
            except UnicodeDecodeError:
                raise ConfigError(_("not UTF-8 text"), file=str(path), line=reader.line_num + 1) from None
            return
        number = 0
        try:
            for number, line in enumerate(handle, start=1):
                if line.strip():
                    yield number, _json_record(line)
        except UnicodeDecodeError:
            raise ConfigError(_("not UTF-8 text"), file=str(path), line=number + 1) from None


def _json_record(line: str) -> dict:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as error:
        return {"__error__": _("not valid JSON: {why}").format(why=error.msg)}
    except RecursionError:
        return {"__error__": _("not valid JSON: {why}").format(why=_("nested too deeply"))}
    except ValueError:  # a number of more than 4300 digits
        return {"__error__": _("not valid JSON: {why}").format(why=_("a number has too many digits"))}
    if has_lone_surrogate(record):
        return {"__error__": _("the text is not valid Unicode (undecodable bytes?)")}
    return record if isinstance(record, dict) else {"__error__": _("expected a JSON object")}


def import_file(*, session: Session, actor: Actor, path: Path, atomic: bool = False, source: str = "import",
                progress: Callable[[int], None] | None = None) -> ImportReport:
    require(actor, Permission.CUSTOMERS_IMPORT)
    report, run = ImportReport(), _Run(session, actor, path, atomic, source, progress)
    with bulk_party_load(session.connection()):
        for line, record in read_records(path):
            if record.get("type") == "party":
                run.parties.append((line, record))
                if len(run.parties) >= BATCH:
                    run.flush(report)
                continue
            run.flush(report)  # later lines may point at these parties
            run.one(report, line, record)
        run.flush(report)
    audit.record(session, actor, "import", "customer", str(path), source=source,
                 after={"created": dict(report.created), "errors": len(report.errors), "atomic": atomic})
    return report


@dataclass
class _Run:
    session: Session
    actor: Actor
    path: Path
    atomic: bool
    source: str
    progress: Callable[[int], None] | None
    parties: list[tuple[int, dict]] = field(default_factory=list)
    _batch: PartyBatch | None = None

    def one(self, report: ImportReport, line: int, record: dict) -> None:
        """A line in its own savepoint: a failing line leaves nothing behind."""
        try:
            with self.session.begin_nested():
                kind = _apply(self.session, self.actor, record, report, self.source)
        except CrmError as error:
            self._refuse(report, line, str(error))
        except DBAPIError as error:  # a constraint no check foresaw: still this line's error, not a crash
            self._refuse(report, line, _("the database refused this line: {why}").format(
                why=str(error.orig).splitlines()[0]))
        else:
            report.created[kind] = report.created.get(kind, 0) + 1
        if self.progress:
            self.progress(1)

    def flush(self, report: ImportReport) -> None:
        lines, self.parties = self.parties, []
        if not lines:
            return
        self._batch = self._batch or PartyBatch(self.session, self.actor, self.source)
        ready, failed = self._batch.prepare(lines, report.refs)
        for line, message in failed:
            self._refuse(report, line, message)
        if self.progress and failed:
            self.progress(len(failed))
        ids = self._batch.write(ready)
        if ids is None:  # the database refused the batch: find the line by going one by one
            for item in ready:
                self.one(report, item.line, next(r for n, r in lines if n == item.line))
            return
        report.refs.update({item.ref: party_id for item, party_id in zip(ready, ids, strict=True) if item.ref})
        report.created["party"] = report.created.get("party", 0) + len(ids)
        if self.progress:
            self.progress(len(ids))

    def _refuse(self, report: ImportReport, line: int, message: str) -> None:
        report.errors.append((line, message))
        if self.atomic:
            raise ConfigError(message, file=str(self.path), line=line)


def _party_id(session: Session, record: dict, report: ImportReport, field_name: str) -> int:
    text = text_field(record, field_name).strip()
    if text.startswith("#") and text[1:].isdecimal():
        return saved_id(customers.get_party(session, int(text[1:])))
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
        structures.place(session=session, actor=actor, structure=text_field(record, "structure"),
                         party_id=_party_id(session, record, report, "child"),
                         parent_id=_party_id(session, record, report, "parent") if parent else None, source=source)
    elif kind == "contract":
        contracts.add_contract(session=session, actor=actor, number=text_field(record, "number"),
                              party_id=_party_id(session, record, report, "party"), source=source)
    elif kind == "subscriber":
        contracts.add_subscriber(session=session, actor=actor, contract=text_field(record, "contract"),
                                number=text_field(record, "number"), service=text_field(record, "service", "mobile"),
                                source=source)
    else:
        contracts.add_contact_person(session=session, actor=actor, name=text_field(record, "name"),
                                    party_id=_party_id(session, record, report, "party"),
                                    role=text_field(record, "role"), phones=_list(record, "phone"),
                                    emails=_list(record, "email"))
    return kind


def _list(record: dict, name: str) -> list[str]:
    """A JSON list of texts, or one text with ';' between the items (CSV)."""
    value = record.get(name)
    if isinstance(value, list):
        return [text_field({name: item}, name) for item in value]
    return [v.strip() for v in text_field(record, name).split(";") if v.strip()]


def _party(session: Session, actor: Actor, record: dict, report: ImportReport, source: str) -> None:
    ref = record_ref(record)
    if ref and ref in report.refs:
        raise ValidationError("ref", _("duplicate ref '{ref}' in this file").format(ref=ref))
    party = customers.create_party(session=session, actor=actor, source=source, values=party_values(record))
    if ref:
        report.refs[ref] = party.id


def count_records(path: Path) -> int:
    try:
        check_file(path, None)
        with path.open(encoding="utf-8-sig") as handle:
            lines = sum(1 for line in handle if line.strip())
    except (OSError, UnicodeDecodeError, CrmError):  # only the progress bar's total: the import reports the problem
        return 0
    return max(lines - (1 if path.suffix.lower() == ".csv" else 0), 0)
