"""Query lists for the faces: what the catalogue offers, and a preview of a query (saved, or as typed in the
admin form) for a sample customer. Listing, showing and editing go through the directory service (the
`list_queries` area), like every configured area."""

from __future__ import annotations

import time
from typing import Any

from pydantic import BaseModel
from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory.directory import clean
from crmterm.services.directory.registry import get_kind
from crmterm.services.topics import attribute_queries
from crmterm.services.topics.list_query_catalogue import ENTITIES, PARAMETERS

KIND = "list_queries"


class ListPreview(BaseModel):
    code: str | None  # None: a definition not saved yet
    customer_id: int | None
    rows: list[tuple[str, str]]  # (value, label)
    elapsed_ms: int

    def document(self) -> dict[str, Any]:
        """`crmterm listquery preview --json`."""
        return {"code": self.code, "customer_id": self.customer_id, "elapsed_ms": self.elapsed_ms,
                "rows": [{"value": value, "label": label} for value, label in self.rows]}


def preview(*, session: Session, actor: Actor, customer_id: int | None, code: str | None = None,
            values: dict | None = None, topic: str | None = None, time_limit_ms: int | None = None) -> ListPreview:
    """Run the saved query `code`, or the area's `values` as the admin form holds them, for a sample customer.
    Admins only: a preview shows any customer's data through any query. Raises ListQueryFailed on a failure or
    a timeout, ValidationError (with the field) for a definition that does not compile."""
    require(actor, Permission.DIRECTORY_WRITE)
    if (code is None) == (values is None):
        raise ValidationError("code", _("give a saved query's code or a definition"))
    if values is not None:  # the query parts as typed: a new entry needs no code or name to be tried
        definition = clean(session, get_kind(KIND), {**values, "code": "preview", "labels": {"en": "preview"}})
    else:
        definition = attribute_queries.definition_of(session, code or "")
    params = {"customer_id": customer_id, "topic": topic}
    started = time.monotonic()
    rows = attribute_queries.run_definition(session, definition, params, time_limit_ms)
    return ListPreview(code=code, customer_id=customer_id, rows=rows,
                       elapsed_ms=int((time.monotonic() - started) * 1000))


def catalogue() -> dict[str, Any]:
    """Entities with their fields and the parameters a filter may bind (no database: the admin's reference)."""
    return {"entities": {name: {"label": _(e.label), "fields": {f: spec.type for f, spec in e.fields.items()}}
                         for name, e in ENTITIES.items()},
            "parameters": {name: _(label) for name, label in PARAMETERS.items()}}
