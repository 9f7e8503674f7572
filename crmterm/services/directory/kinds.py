"""The directory areas an admin maintains, declared once: used by the directory service, config as code and
the admin screens (one generic form per area instead of a screen per table)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from crmterm.i18n import N_
from crmterm.store import (
    Channel,
    ClientCategory,
    CustomerAttribute,
    Dictionary,
    DictionaryItem,
    MailingList,
    Place,
    PlaceType,
    Priority,
    Structure,
    UserGroup,
)
from crmterm.store.base import Versioned


@dataclass(frozen=True)
class FieldSpec:
    name: str
    label: str  # marked with N_, translated where shown
    # str | text | int | bool | choice | ref | refs | emails | tz | labels | rule | regex | yaml | document
    type: str = "str"
    required: bool = False
    choices: tuple[str, ...] = ()
    choice_labels: tuple[str, ...] = ()  # the names shown for `choices` (same order), marked with N_
    ref: str | None = None  # kind name for ref / refs
    default: Any = None
    max_length: int = 200

    @property
    def ref_kind(self) -> str:
        """The kind a ref or refs field points to (every such field declares one)."""
        if self.ref is None:
            raise ValueError(f"field {self.name} refers to no kind")
        return self.ref


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    model: type[Versioned]  # every area is also Labelled (code, labels, active, sort_order)
    fields: tuple[FieldSpec, ...]
    parent: str | None = None  # a ref field that scopes the code (dictionary items live in a dictionary)
    code_pattern: str | None = None  # stricter codes where rules refer to them (attribute codes)
    # Hooks for areas with rules across fields: `refine(document, ref_exists)` checks a cleaned document
    # alone (runs in config validation too); `check(session, document, before)` needs the database and
    # runs before a write; `in_use(session, row)` names what still uses a row that is to be deleted.
    refine: Callable | None = None
    check: Callable | None = None
    in_use: Callable | None = None

    def field(self, name: str) -> FieldSpec:
        return next(f for f in self.all_fields if f.name == name)

    @property
    def all_fields(self) -> tuple[FieldSpec, ...]:
        own = tuple(f for f in self.fields if f.name == self.parent)
        return own + COMMON + tuple(f for f in self.fields if f.name != self.parent)


COMMON = (
    FieldSpec("code", N_("Code"), required=True, max_length=64),
    FieldSpec("labels", N_("Name"), type="labels", required=True),
    FieldSpec("active", N_("Active"), type="bool", default=True),
    FieldSpec("sort_order", N_("Sort order"), type="int", default=0),
)

DIRECTORY_KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("channels", N_("Channels"), Channel, ()),
    Kind("place_types", N_("Place types"), PlaceType, (
        FieldSpec("direction", N_("Direction"), "choice", choices=("in", "out", "both"), default="both"),
        FieldSpec("channels", N_("Allowed channels"), "refs", ref="channels", default=()),
    )),
    Kind("places", N_("Contact places"), Place, (
        FieldSpec("place_type", N_("Place type"), "ref", required=True, ref="place_types"),
        FieldSpec("address", N_("Address"), default="", max_length=300),
        FieldSpec("time_zone", N_("Time zone"), "tz", default="UTC"),
    )),
    Kind("client_categories", N_("Client categories"), ClientCategory, ()),
    Kind("priorities", N_("Priorities"), Priority, (
        FieldSpec("rank", N_("Rank (lower is more urgent)"), "int", default=100),
        FieldSpec("is_default", N_("Default"), "bool", default=False),
    )),
    Kind("mailing_lists", N_("Mailing lists"), MailingList, (
        FieldSpec("emails", N_("E-mail addresses"), "emails", default=()),
    )),
    Kind("dictionaries", N_("Dictionaries"), Dictionary, (
        FieldSpec("kind", N_("Kind"), "choice", choices=("analytic", "external", "internal"), default="analytic"),
    )),
    Kind("dictionary_items", N_("Dictionary items"), DictionaryItem, (
        FieldSpec("dictionary", N_("Dictionary"), "ref", required=True, ref="dictionaries"),
    ), parent="dictionary"),
    Kind("user_groups", N_("User groups"), UserGroup, ()),
    Kind("structures", N_("Customer structures"), Structure, ()),
    Kind("customer_attributes", N_("Customer attributes"), CustomerAttribute, (
        FieldSpec("type", N_("Type"), "choice", choices=("string", "date", "decimal", "bool", "dictionary"),
                  default="string"),
        FieldSpec("dictionary", N_("Dictionary"), "ref", ref="dictionaries"),
        FieldSpec("tracked", N_("Keep history"), "bool", default=True),
    )),
)}
