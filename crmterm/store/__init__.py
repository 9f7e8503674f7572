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
from crmterm.store.parties import (
    AttributeValue, ChangeLog, ContactPerson, CustomerAttribute, Note, Party, Structure, StructureLink,
    TrackedField,
)
from crmterm.store.contracts import Contract, Discount, Payment, Subscriber
from crmterm.store.topics import AttributeDef, AttributeGroup, ContactTemplate, Topic
from crmterm.store.inquiries import (
    NO_DEADLINE, Attachment, AttachmentBlob, Contact, Inquiry, InquiryEvent, InquiryValue,
)
from crmterm.store.routes import Queue, Route, RouteRevision, SavedFilter

__all__ = [
    "NO_DEADLINE", "Queue", "Route", "RouteRevision", "SavedFilter",
    "Attachment", "AttachmentBlob", "Contact", "Inquiry", "InquiryEvent", "InquiryValue",
    "AttributeDef", "AttributeGroup", "ContactTemplate", "Topic",
    "AttributeValue", "ChangeLog", "ContactPerson", "Contract", "Payment", "CustomerAttribute", "Discount", "Note", "Party",
    "Structure", "StructureLink", "Subscriber", "TrackedField",
    "AuditLog", "Channel", "ClientCategory", "Dictionary", "DictionaryItem", "MailingList", "Place",
    "PlaceType", "Priority", "Role", "User", "UserGroup", "utcnow",
]
