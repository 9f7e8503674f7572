"""Technicians from a file: a YAML configuration document (its `technicians` section, technicians_config) or a
CSV file with the columns login, region, calendar, skills (`fiber:4 router:3`), read into the same section so
both are validated whole, the same way, before anything is written."""

from __future__ import annotations

import csv
from pathlib import Path

from sqlmodel import Session

from crmterm.errors import ConfigError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import config_io, yaml_lines
from crmterm.services.directory.config_io import ImportResult
from crmterm.services.service.technicians_config import FIELDS


def import_technicians(*, session: Session, actor: Actor, path: Path, source: str = "import") -> ImportResult:
    """A YAML configuration document (its `technicians` section, with whatever else it holds) or a CSV file
    with the columns login, region, calendar, skills; validated whole before anything is written."""
    require(actor, Permission.CONFIG_IMPORT)
    if path.suffix.lower() != ".csv":
        return config_io.import_file(session=session, actor=actor, path=path, source=source)
    rows = [_csv_entry(row, number, str(path)) for number, row in enumerate(_csv_rows(path), start=2)]
    document = yaml_lines.parse(yaml_lines.dump({"technicians": rows}), file=str(path))
    return config_io.import_document(session=session, actor=actor, document=document, file=str(path),
                                     source=source)


def _csv_rows(path: Path) -> list[dict[str, str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise ConfigError(str(error), file=str(path), line=1) from None


def _csv_entry(row: dict[str, str], number: int, file: str) -> dict:
    entry: dict = {k: (v or "").strip() for k, v in row.items() if k and k in FIELDS - {"skills", "active"}}
    if not entry.get("calendar"):
        entry.pop("calendar", None)
    if (row.get("active") or "").strip().lower() in ("no", "false", "0"):
        entry["active"] = False
    skills: dict[str, int] = {}
    for pair in (row.get("skills") or "").replace(",", " ").replace(";", " ").split():
        code, _sep, level = pair.partition(":")
        if not level.strip().isdecimal():
            raise ConfigError(_("skills: expected code:level, got '{pair}'").format(pair=pair), file=file,
                              line=number)
        skills[code.strip()] = int(level)
    if skills:
        entry["skills"] = skills
    return entry
