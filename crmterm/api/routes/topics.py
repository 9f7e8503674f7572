"""`/topics`: the tree with numeric codes and a topic's effective attribute form (inherited attributes, flags
resolved for sample values), as `crmterm topic tree | form --json`; `/kb`: knowledge-base search."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes._shapes import MAX_ID
from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.knowledge import kb_search
from crmterm.services.knowledge.kb_search import SearchHit
from crmterm.services.topics import attribute_checks, topics
from crmterm.services.topics.attribute_values import to_text

router = APIRouter(tags=["topics", "knowledge"], responses=ERRORS)

def _samples(items: list[str]) -> dict[str, str]:
    values = {}
    for item in items:
        code, sep, value = item.partition("=")
        if not sep:
            raise ValidationError("attr", _("expected CODE=VALUE, got '{v}'").format(v=item))
        values[code.strip()] = value
    return values


def _form(shown: Any) -> dict:
    """The document of `crmterm topic form --json`."""
    checked, fields = shown.checked, []
    for group in shown.form.groups:
        for f in group.fields:
            flags = checked.flags[f.code]
            fields.append({"group": group.label, "code": f.code, "label": f.label, "type": f.type,
                           "from": f.defined_on, "value": to_text(checked.values[f.code]),
                           "mandatory": flags.mandatory, "hidden": flags.hidden, "readonly": flags.readonly,
                           "error": checked.errors.get(f.code)})
    return {"topic": shown.form.topic, "path": shown.form.path, "type": shown.form.inquiry_type, "fields": fields,
            "errors": checked.errors}


@router.get("/topics")
def tree(active_only: bool = False, api: Services = Depends(services)) -> list[dict]:
    return [node.__dict__ | {"label": node.label} for node in api.read(topics.topic_tree, active_only=active_only)]


@router.get("/topics/{topic}/form")
def form(topic: str,
         attr: Annotated[list[str], Query(max_length=100, description="CODE=VALUE sample values")] = [],  # noqa: B006
         customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
         api: Services = Depends(services)) -> dict:
    """The effective form; `errors` says which sample values would not save (the CLI exits 1 on them)."""
    return _form(api.read(attribute_checks.preview, topic=topic, raw=_samples(attr), customer_id=customer))


@router.get("/kb", response_model=list[SearchHit])
def kb(q: Annotated[str, Query(min_length=1, max_length=200)], lang: Annotated[str | None, Query(max_length=8)] = None,
       topic: Annotated[str | None, Query(max_length=64)] = None, limit: Annotated[int, Query(ge=1, le=200)] = 20,
       api: Services = Depends(services)) -> list[SearchHit]:
    """Articles matching `q`, best first (as `crmterm kb search --json`)."""
    return api.read(kb_search.search, query=q, lang=lang, topic=topic, limit=limit)
