"""What the routers share: typed ids and limits (so a huge or negative number is a 422 with its path, never a
database overflow), request bodies that refuse unknown fields, and a keyset page."""

from __future__ import annotations

from typing import Annotated, Generic, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel, ConfigDict

T = TypeVar("T")
MAX_ID = 2**31 - 1  # the id columns' range on PostgreSQL

Id = Annotated[int, Path(ge=1, le=MAX_ID)]
Limit = Annotated[int, Query(ge=1, le=200)]
Cursor = Annotated[str | None, Query(max_length=400, description="`next` of the previous page.")]


class Body(BaseModel):
    """A request body: a field the API does not know is refused (a typo must not be silently dropped)."""

    model_config = ConfigDict(extra="forbid")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next: str | None = None  # pass as `after` for the following page; null on the last one
