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
from crmterm.store.users import LoginGuard, Role, User, UserGroup, UserPassword, UserPreference
from crmterm.store.api_tokens import ApiToken
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
from crmterm.store.sla import Calendar, EscalationRule, SlaMark, SlaRule
from crmterm.store.notifications import Notification, NotificationChannel, NotificationState
from crmterm.store.automation import AutomationRule, ExternalRequest
from crmterm.store.problems import ProblemInquiry, SystemProblem
from crmterm.store.scripts import Script, ScriptRun
from crmterm.store.drafts import RegistrationDraft
from crmterm.store.kb import InquiryArticle, KbArticle, KbArticleText, KbArticleTopic
from crmterm.store.responses import CannedResponse
from crmterm.store.calls import IncomingCall
from crmterm.store.mail import MailMessage, MailRule
from crmterm.store.webhooks import WebhookAttempt, WebhookOutbox, WebhookState, WebhookSubscription
from crmterm.store import archive  # noqa: F401 - registers the archive tables (store/archive.py)

__all__ = [
    "ApiToken", "IncomingCall", "MailMessage", "MailRule",
    "InquiryArticle", "KbArticle", "KbArticleText", "KbArticleTopic",
    "CannedResponse",
    "ProblemInquiry", "SystemProblem", "RegistrationDraft",
    "WebhookAttempt", "WebhookOutbox", "WebhookState", "WebhookSubscription",
    "Script", "ScriptRun",
    "Notification", "NotificationChannel", "NotificationState",
    "AutomationRule", "ExternalRequest",
    "NO_DEADLINE", "Queue", "Route", "RouteRevision", "SavedFilter", "Calendar", "SlaRule", "EscalationRule", "SlaMark",
    "Attachment", "AttachmentBlob", "Contact", "Inquiry", "InquiryEvent", "InquiryValue",
    "AttributeDef", "AttributeGroup", "ContactTemplate", "Topic",
    "AttributeValue", "ChangeLog", "ContactPerson", "Contract", "Payment", "CustomerAttribute", "Discount", "Note",
    "Party",
    "Structure", "StructureLink", "Subscriber", "TrackedField",
    "AuditLog", "Channel", "ClientCategory", "Dictionary", "DictionaryItem", "MailingList", "Place",
    "PlaceType", "Priority", "LoginGuard", "Role", "User", "UserGroup", "UserPassword", "UserPreference", "utcnow",
]
