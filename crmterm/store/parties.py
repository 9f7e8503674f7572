"""Customers: parties (persons, organisations, leads), independent structures of any depth, contact persons,
notes, date-effective attribute values, the change log of tracked fields."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from crmterm.store.base import Labelled, Versioned, utcnow


class Party(Versioned, table=True):
    # Substring search on search_key uses backend-specific indexes made in the migration, outside the
    # models (see store/search.py): pg_trgm GIN on PostgreSQL, the FTS5 trigram table party_fts on SQLite.
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="person", max_length=16, nullable=False)  # person | organisation
    is_lead: bool = Field(default=False, nullable=False)
    display_name: str = Field(max_length=300, nullable=False)
    names: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)  # {language: name}
    category_id: int | None = Field(default=None, foreign_key="client_category.id")
    status: str = Field(default="active", max_length=16, nullable=False)  # active | closed | merged
    email: str | None = Field(default=None, max_length=200)
    phone: str | None = Field(default=None, max_length=32)  # E.164
    name_key: str = Field(default="", max_length=300, index=True, nullable=False)  # folded display name
    search_key: str = Field(default="", sa_type=Text, nullable=False)  # folded names and e-mail
    merged_into_id: int | None = Field(default=None, foreign_key="party.id")
    erased_at: datetime | None = None  # personal data anonymised on request (services/customers/erasure)


class Structure(Labelled, Versioned, table=True):
    """A named hierarchy (organisation, billing, discount, payment, …); admins add any number."""

    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)


class StructureLink(SQLModel, table=True):
    """`child` sits under `parent` (None: a root) in `structure` from valid_from until valid_to (exclusive)."""

    __tablename__ = "structure_link"
    __table_args__ = (
        Index("ix_structure_link_parent", "structure_id", "parent_id", "valid_to"),
        Index("ix_structure_link_child", "structure_id", "child_id", "valid_to"),
    )
    id: int | None = Field(default=None, primary_key=True)
    structure_id: int = Field(foreign_key="structure.id", nullable=False)
    parent_id: int | None = Field(default=None, foreign_key="party.id", index=True)
    child_id: int = Field(foreign_key="party.id", nullable=False, index=True)
    valid_from: date = Field(nullable=False)
    valid_to: date | None = None


class ContactPerson(Versioned, table=True):
    __tablename__ = "contact_person"
    id: int | None = Field(default=None, primary_key=True)
    party_id: int = Field(foreign_key="party.id", index=True, nullable=False)
    name: str = Field(max_length=200, nullable=False)
    role: str = Field(default="", max_length=100, nullable=False)
    phones: list = Field(default_factory=list, sa_type=JSON, nullable=False)
    emails: list = Field(default_factory=list, sa_type=JSON, nullable=False)


class Note(SQLModel, table=True):
    __table_args__ = (Index("ix_note_entity", "entity", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=32, nullable=False)  # party | subscriber | contact_person | contract | inquiry
    entity_id: int = Field(nullable=False)
    author: str = Field(max_length=64, nullable=False)
    at: datetime = Field(default_factory=utcnow, nullable=False)
    text: str = Field(sa_type=Text, nullable=False)
    public: bool = Field(default=False, nullable=False)  # the customer may see it (portal); else internal
    # Folded text (crmterm.text.search_key); substring-indexed by migration 0031 (store/note_index)
    search_key: str = Field(default="", sa_type=Text, nullable=False)


class CustomerAttribute(Labelled, Versioned, table=True):
    """An admin-defined typed attribute of parties; its values are date-effective."""

    __tablename__ = "customer_attribute"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    type: str = Field(default="string", max_length=16, nullable=False)  # date|decimal|bool|string|dictionary
    dictionary_id: int | None = Field(default=None, foreign_key="dictionary.id")
    tracked: bool = Field(default=True, nullable=False)


class AttributeValue(SQLModel, table=True):
    __tablename__ = "attribute_value"
    __table_args__ = (Index("ix_attribute_value_entity", "entity", "entity_id", "attribute", "valid_to"),)
    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=32, nullable=False)
    entity_id: int = Field(nullable=False)
    attribute: str = Field(max_length=64, nullable=False)
    value: str | None = Field(default=None, sa_type=Text)
    valid_from: date = Field(nullable=False)
    valid_to: date | None = None


class TrackedField(SQLModel, table=True):
    """Fields whose every change goes to the change log (chosen by admins)."""

    __tablename__ = "tracked_field"
    entity: str = Field(primary_key=True, max_length=32)
    field: str = Field(primary_key=True, max_length=64)
    # When the latest unbroken tracking began: the card "as of" an earlier day cannot know the value then.
    # None: tracked from the start (the default fields, and rows older than migration 0037).
    since: datetime | None = None


class ChangeLog(SQLModel, table=True):
    __tablename__ = "change_log"
    # by field too: a field's value at a moment (the card "as of", reports by the category at the time)
    __table_args__ = (Index("ix_change_log_entity", "entity", "entity_id", "at"),
                      Index("ix_change_log_field", "entity", "entity_id", "field", "at"))
    id: int | None = Field(default=None, primary_key=True)
    entity: str = Field(max_length=32, nullable=False)
    entity_id: int = Field(nullable=False)
    field: str = Field(max_length=100, nullable=False)
    old: str | None = Field(default=None, sa_type=Text)
    new: str | None = Field(default=None, sa_type=Text)
    at: datetime = Field(default_factory=utcnow, nullable=False)
    by: str = Field(max_length=64, nullable=False)
    source: str = Field(default="tui", max_length=16, nullable=False)
