"""Topics (a tree of groups and topics), attribute groups, attribute definitions and contact templates.

References to other configuration that is looked up by code at run time (template places, topics, users)
are kept as code lists in JSON, like place types' channels: configuration is small and read whole.
"""

from __future__ import annotations

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from crmterm.store.base import Labelled, Versioned


class Topic(Labelled, Versioned, table=True):
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="topic.id", index=True)
    short_code: int = Field(nullable=False)  # unique among siblings; typed as a path like 3.1.4
    is_group: bool = Field(default=False, nullable=False)
    inquiry_type: str = Field(default="consultation", max_length=16, nullable=False)
    default_priority_id: int | None = Field(default=None, foreign_key="priority.id")
    attachment_max_kb: int | None = None  # below the global limit; None: the global limit applies


class AttributeGroup(Labelled, Versioned, table=True):
    __tablename__ = "attribute_group"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    collapsed: bool = Field(default=False, nullable=False)


class AttributeDef(Labelled, Versioned, table=True):
    """Defined on a topic or group and inherited by everything below it. Flags are CEL text ("true",
    "false" or a rule); `overrides` maps a descendant topic's code to its own default and flags."""

    __tablename__ = "attribute_def"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    topic_id: int = Field(foreign_key="topic.id", index=True, nullable=False)
    type: str = Field(max_length=16, nullable=False)
    group_id: int | None = Field(default=None, foreign_key="attribute_group.id")
    dictionary_id: int | None = Field(default=None, foreign_key="dictionary.id")
    query: str | None = Field(default=None, max_length=64)
    pattern: str | None = Field(default=None, max_length=300)
    max_length: int | None = None
    default: str | None = Field(default=None, max_length=500)
    mandatory: str = Field(default="false", max_length=1000, nullable=False)
    hidden: str = Field(default="false", max_length=1000, nullable=False)
    readonly: str = Field(default="false", max_length=1000, nullable=False)
    overrides: dict = Field(default_factory=dict, sa_type=JSON, nullable=False)
    personal: bool = Field(default=False, nullable=False)  # values are erased with the customer (erasure)


class ContactTemplate(Labelled, Versioned, table=True):
    __tablename__ = "contact_template"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    short_code: int = Field(nullable=False)
    place_type_id: int | None = Field(default=None, foreign_key="place_type.id")
    places: list = Field(default_factory=list, sa_type=JSON, nullable=False)
    default_place_id: int | None = Field(default=None, foreign_key="place.id")
    direction: str = Field(default="in", max_length=8, nullable=False)
    channel_id: int | None = Field(default=None, foreign_key="channel.id")
    topics: list = Field(default_factory=list, sa_type=JSON, nullable=False)
    default_topic_id: int | None = Field(default=None, foreign_key="topic.id")
    client_categories: list = Field(default_factory=list, sa_type=JSON, nullable=False)
    default_client_category_id: int | None = Field(default=None, foreign_key="client_category.id")
    default_script: str | None = Field(default=None, max_length=64)
    default_text: str = Field(default="", max_length=2000, nullable=False)
    users: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # logins
    user_groups: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # group codes
