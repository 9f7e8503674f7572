"""`/topics`: the tree with numeric codes and a topic's effective attribute form (inherited attributes, flags
resolved for sample values), as `crmterm topic tree | form --json`; `/kb`: knowledge-base search."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from crmterm.api.deps import Services, services
from crmterm.api.errors import ERRORS
from crmterm.api.routes._shapes import MAX_ID
from crmterm.services.knowledge import kb_search
from crmterm.services.knowledge.kb_search import SearchHit
from crmterm.services.topics import attribute_checks, topics

router = APIRouter(tags=["topics", "knowledge"], responses=ERRORS)

@router.get("/topics")
def tree(active_only: bool = False, api: Services = Depends(services)) -> list[dict]:
    return [node.__dict__ | {"label": node.label} for node in api.read(topics.topic_tree, active_only=active_only)]


@router.get("/topics/{topic}/form")
def form(topic: str,
         attr: Annotated[list[str], Query(max_length=100, description="CODE=VALUE sample values")] = [],  # noqa: B006
         customer: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
         api: Services = Depends(services)) -> dict:
    """The effective form; `errors` says which sample values would not save (the CLI exits 1 on them)."""
    return api.read(attribute_checks.preview, topic=topic, raw=attribute_checks.sample_values(attr, "attr"),
                    customer_id=customer).document()


@router.get("/kb", response_model=list[SearchHit])
def kb(q: Annotated[str, Query(min_length=1, max_length=200)], lang: Annotated[str | None, Query(max_length=8)] = None,
       topic: Annotated[str | None, Query(max_length=64)] = None, limit: Annotated[int, Query(ge=1, le=200)] = 20,
       api: Services = Depends(services)) -> list[SearchHit]:
    """Articles matching `q`, best first (as `crmterm kb search --json`)."""
    return api.read(kb_search.search, query=q, lang=lang, topic=topic, limit=limit)
