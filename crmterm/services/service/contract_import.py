"""Service contracts from a file: YAML (a list of contracts, or `service_contracts:` holding one) or CSV (one
contract a row; topics and products separated by spaces or semicolons). A contract whose code exists is
replaced. All or nothing: the first wrong row names itself and nothing is written (the caller's transaction)."""

from __future__ import annotations

import csv
import io
from typing import Any

import pydantic
from sqlmodel import Session

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import yaml_lines
from crmterm.services.service.service_contracts import ContractDraft, ContractRead, save_contract
from crmterm.text import one_line

_LISTS = ("topics", "products")


def import_contracts(*, session: Session, actor: Actor, text: str, file: str = "-",
                     source: str = "import") -> list[ContractRead]:
    """The contracts of the file saved (added, or replaced by code), in file order."""
    require(actor, Permission.SERVICE_WRITE)
    rows = _csv_rows(text) if file.lower().endswith(".csv") else _yaml_rows(text, file)
    saved = []
    for number, row in enumerate(rows, start=1):
        try:
            draft = ContractDraft.model_validate(row)
            saved.append(save_contract(session, actor, draft, replace=True, source=source))
        except pydantic.ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValidationError(None, _("contract {n}: {field}: {problem}").format(
                n=number, field=where, problem=first["msg"])) from None
        except CrmError as error:
            raise ValidationError(None, _("contract {n}: {problem}").format(n=number, problem=error)) from None
    return saved


def _yaml_rows(text: str, file: str) -> list[dict[str, Any]]:
    document = yaml_lines.parse(text, file=file)
    if isinstance(document, dict):
        document = document.get("service_contracts")
    if not isinstance(document, list) or not all(isinstance(row, dict) for row in document):
        raise ValidationError(None, _("{file}: expected a list of contracts (or service_contracts: with one)")
                              .format(file=one_line(file)))
    return [dict(row) for row in document]


def _csv_rows(text: str) -> list[dict[str, Any]]:
    rows = []
    for raw in csv.DictReader(io.StringIO(text)):
        row: dict[str, Any] = {key.strip(): (value or "").strip() for key, value in raw.items() if key}
        for name in _LISTS:
            row[name] = row.get(name, "").replace(";", " ").split()
        rows.append({key: value for key, value in row.items() if value not in ("", None)})
    return rows
