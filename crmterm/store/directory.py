"""The directory an admin maintains: dictionaries, places, channels, categories, priorities, mailing lists."""

from __future__ import annotations

from sqlalchemy import JSON, UniqueConstraint
from sqlmodel import Field

from crmterm.store.base import Labelled, Versioned


class Dictionary(Labelled, Versioned, table=True):
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(default="analytic", max_length=16, nullable=False)  # analytic | external | internal


class DictionaryItem(Labelled, Versioned, table=True):
    __tablename__ = "dictionary_item"
    __table_args__ = (UniqueConstraint("dictionary_id", "code"),)
    id: int | None = Field(default=None, primary_key=True)
    dictionary_id: int = Field(foreign_key="dictionary.id", index=True, nullable=False)


class Channel(Labelled, Versioned, table=True):
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)


class PlaceType(Labelled, Versioned, table=True):
    __tablename__ = "place_type"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    direction: str = Field(default="both", max_length=8, nullable=False)  # in | out | both
    channels: list = Field(default_factory=list, sa_type=JSON, nullable=False)  # allowed channel codes


class Place(Labelled, Versioned, table=True):
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    place_type_id: int = Field(foreign_key="place_type.id", index=True, nullable=False)
    address: str = Field(default="", max_length=300, nullable=False)
    time_zone: str = Field(default="UTC", max_length=64, nullable=False)


class ClientCategory(Labelled, Versioned, table=True):
    __tablename__ = "client_category"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)


class Priority(Labelled, Versioned, table=True):
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    rank: int = Field(default=100, nullable=False)  # lower is more urgent
    is_default: bool = Field(default=False, nullable=False)


class MailingList(Labelled, Versioned, table=True):
    __tablename__ = "mailing_list"
    __table_args__ = (UniqueConstraint("code"),)
    id: int | None = Field(default=None, primary_key=True)
    emails: list = Field(default_factory=list, sa_type=JSON, nullable=False)
