"""Tables and database plumbing. Importing this registers every table on SQLModel.metadata."""

from crmterm.store.audit import AuditLog
from crmterm.store.base import utcnow
from crmterm.store.directory import (
    Channel,
    ClientCategory,
    Dictionary,
    DictionaryItem,
    MailingList,
    Place,
    PlaceType,
    Priority,
)
from crmterm.store.users import Role, User, UserGroup

__all__ = [
    "AuditLog", "Channel", "ClientCategory", "Dictionary", "DictionaryItem", "MailingList", "Place",
    "PlaceType", "Priority", "Role", "User", "UserGroup", "utcnow",
]
