"""Tables and database plumbing.

The table models are loaded on first use, not when this package is imported: building ~60 SQLModel classes
costs more than a whole `crmterm customer search`, which needs five of them. `from crmterm.store import Party`
imports `crmterm.store.parties` alone (PEP 562's module `__getattr__`). Whatever needs every table on
SQLModel.metadata — Alembic, the models-match-migrations check, a walk over all tables — calls `load_all()`.
The tables hold no ORM relationships, only foreign keys by table name, so a model works without the models
it refers to. A new table module goes into HOMES (and the TYPE_CHECKING block, for the type checker;
tests/test_store_lazy.py checks the two agree)."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# The module of crmterm.store that defines each name this package exports
HOMES: dict[str, tuple[str, ...]] = {
    "audit": ("AuditLog",),
    "billing": ("BlacklistEntry",),
    "receivables": ("PaymentPromise", "Receivable"),
    "churn": ("ChurnModel", "ChurnScore"),
    "base": ("utcnow",),
    "directory": ("Channel", "ClientCategory", "Dictionary", "DictionaryItem", "MailingList", "Place", "PlaceType",
                  "Priority"),
    "users": ("LoginGuard", "Role", "User", "UserGroup", "UserPassword", "UserPreference"),
    "api_tokens": ("ApiToken",),
    "parties": ("AttributeValue", "ChangeLog", "ContactPerson", "CustomerAttribute", "Note", "Party", "Structure",
                "StructureLink", "TrackedField"),
    "contracts": ("Contract", "Discount", "Payment", "Subscriber"),
    "topics": ("AttributeDef", "AttributeGroup", "ContactTemplate", "Topic"),
    "list_queries": ("ListQuery",),
    "inquiries": ("NO_DEADLINE", "Attachment", "AttachmentBlob", "Contact", "Inquiry", "InquiryEvent", "InquiryValue"),
    "routes": ("Queue", "Route", "RouteRevision", "SavedFilter"),
    "report_defs": ("ReportDefinition",),
    "sla": ("Calendar", "EscalationRule", "SlaMark", "SlaRule"),
    "notifications": ("Notification", "NotificationChannel", "NotificationState"),
    "automation": ("AutomationRule", "ExternalRequest"),
    "problems": ("ProblemInquiry", "SystemProblem"),
    "scripts": ("Script", "ScriptRun"),
    "drafts": ("RegistrationDraft",),
    "kb": ("InquiryArticle", "KbArticle", "KbArticleText", "KbArticleTopic"),
    "calls": ("IncomingCall",),
    "responses": ("CannedResponse",),
    "mail": ("MailMessage", "MailRule"),
    "skills": ("AgentPresence", "AgentSkill", "Skill", "StepSkill"),
    "work": ("Callback", "WorkTask"),
    "webhooks": ("WebhookAttempt", "WebhookOutbox", "WebhookState", "WebhookSubscription"),
    "portal": ("InquiryRating", "PortalCode", "PortalFunction", "PortalPin", "PortalSession", "PortalTopic"),
    "sales": ("Opportunity", "OpportunityStage", "Quote", "QuoteItem", "SalesDiscountLimit", "SalesPriceList",
              "SalesProcess", "SalesProduct"),
    "sales_activities": ("SalesActivity", "SalesActivityPlan"),
    "sales_orders": ("SalesOrder", "SalesOrderItem", "SalesOrderType"),
    "work_orders": ("Technician", "WorkOrder", "WorkOrderLine"),
    "payment_leads": ("LeadExportBatch", "LeadExportState", "PaymentDistribution"),
    "service_contracts": ("ServiceAsset", "ServiceContract", "ServiceWarranty"),
    "campaigns": ("Campaign", "CampaignAttempt", "CampaignCall", "LoyaltyTier", "SurveyAnswer", "SurveyRequest"),
    "sync": ("SyncChange", "SyncConflict", "SyncJournal", "SyncNode", "SyncRun", "SyncShadow"),
}
# Modules that define tables without exporting a name here (the archive copies of the inquiry tables)
_OTHER_TABLES = ("archive",)
_HOME_OF = {name: module for module, names in HOMES.items() for name in names}

__all__ = sorted(_HOME_OF)


if not TYPE_CHECKING:  # hidden from the type checker, which then checks every name against the block below

    def __getattr__(name: str) -> Any:
        module = _HOME_OF.get(name)
        if module is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
        globals()[name] = value  # found directly from now on
        return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def load_all() -> None:
    """Register every table on SQLModel.metadata (migrations, schema checks, walks over all tables, and
    before every write: store/base.py)."""
    global _all_loaded
    if not _all_loaded:
        for module in (*HOMES, *_OTHER_TABLES):
            importlib.import_module(f"{__name__}.{module}")
        _all_loaded = True


_all_loaded = False


if TYPE_CHECKING:  # the same names for the type checker, imported at runtime only when first used
    from crmterm.store.api_tokens import ApiToken  # noqa: F401
    from crmterm.store.audit import AuditLog  # noqa: F401
    from crmterm.store.automation import AutomationRule, ExternalRequest  # noqa: F401
    from crmterm.store.base import utcnow  # noqa: F401
    from crmterm.store.billing import BlacklistEntry  # noqa: F401
    from crmterm.store.receivables import PaymentPromise, Receivable  # noqa: F401
    from crmterm.store.calls import IncomingCall  # noqa: F401
    from crmterm.store.churn import ChurnModel, ChurnScore  # noqa: F401
    from crmterm.store.contracts import Contract, Discount, Payment, Subscriber  # noqa: F401
    from crmterm.store.directory import Channel, ClientCategory, Dictionary, DictionaryItem  # noqa: F401
    from crmterm.store.directory import MailingList, Place, PlaceType, Priority  # noqa: F401
    from crmterm.store.drafts import RegistrationDraft  # noqa: F401
    from crmterm.store.inquiries import NO_DEADLINE, Attachment, AttachmentBlob, Contact  # noqa: F401
    from crmterm.store.inquiries import Inquiry, InquiryEvent, InquiryValue  # noqa: F401
    from crmterm.store.list_queries import ListQuery  # noqa: F401
    from crmterm.store.kb import InquiryArticle, KbArticle, KbArticleText, KbArticleTopic  # noqa: F401
    from crmterm.store.mail import MailMessage, MailRule  # noqa: F401
    from crmterm.store.responses import CannedResponse  # noqa: F401
    from crmterm.store.notifications import Notification, NotificationChannel, NotificationState  # noqa: F401
    from crmterm.store.parties import AttributeValue, ChangeLog, ContactPerson, CustomerAttribute, Note  # noqa: F401
    from crmterm.store.parties import Party, Structure, StructureLink, TrackedField  # noqa: F401
    from crmterm.store.portal import InquiryRating, PortalCode, PortalFunction, PortalPin  # noqa: F401
    from crmterm.store.portal import PortalSession, PortalTopic  # noqa: F401
    from crmterm.store.problems import ProblemInquiry, SystemProblem  # noqa: F401
    from crmterm.store.report_defs import ReportDefinition  # noqa: F401
    from crmterm.store.sales import Opportunity, OpportunityStage, Quote, QuoteItem  # noqa: F401
    from crmterm.store.sales import SalesDiscountLimit, SalesPriceList, SalesProcess, SalesProduct  # noqa: F401
    from crmterm.store.sales_activities import SalesActivity, SalesActivityPlan  # noqa: F401
    from crmterm.store.sales_orders import SalesOrder, SalesOrderItem, SalesOrderType  # noqa: F401
    from crmterm.store.campaigns import Campaign, CampaignAttempt, CampaignCall  # noqa: F401
    from crmterm.store.campaigns import LoyaltyTier, SurveyAnswer, SurveyRequest  # noqa: F401
    from crmterm.store.routes import Queue, Route, RouteRevision, SavedFilter  # noqa: F401
    from crmterm.store.scripts import Script, ScriptRun  # noqa: F401
    from crmterm.store.skills import AgentPresence, AgentSkill, Skill, StepSkill  # noqa: F401
    from crmterm.store.service_contracts import ServiceAsset, ServiceContract, ServiceWarranty  # noqa: F401
    from crmterm.store.sync import SyncChange, SyncConflict, SyncJournal, SyncNode, SyncRun, SyncShadow  # noqa: F401
    from crmterm.store.sla import Calendar, EscalationRule, SlaMark, SlaRule  # noqa: F401
    from crmterm.store.topics import AttributeDef, AttributeGroup, ContactTemplate, Topic  # noqa: F401
    from crmterm.store.users import LoginGuard, Role, User, UserGroup, UserPassword, UserPreference  # noqa: F401
    from crmterm.store.work import Callback, WorkTask  # noqa: F401
    from crmterm.store.work_orders import Technician, WorkOrder, WorkOrderLine  # noqa: F401
    from crmterm.store.webhooks import WebhookAttempt, WebhookOutbox, WebhookState, WebhookSubscription  # noqa: F401
    from crmterm.store.payment_leads import LeadExportBatch, LeadExportState, PaymentDistribution  # noqa: F401
