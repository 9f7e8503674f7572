"""The role matrix's declared table, part 1: what an entry is, the demo world its calls are built from, and the
entries of customers, directory, users, configuration and reports. Part 2 (inquiry work) is role_matrix_work.py.

Each entry names one service entry point, the permission (or documented rule) it needs, and a builder that
returns valid keyword arguments for it from the seeded demo database. A builder runs inside the same transaction
as the call it prepares (which is rolled back), so it may create what the call needs: an inquiry, a problem…"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlmodel import Session

from crmterm.services.customers import contracts, customer_card, customer_import, customer_search, customer_views, customers, leads, structures
from crmterm.services.platform import demo_customers

from crmterm.services.topics import attribute_checks, attribute_forms, list_queries, topics

from crmterm.services.accounts import audit, tokens, users

from crmterm.services.directory import config_io, directory, yaml_lines

from crmterm.services.reports import report_builder, report_definitions, reports, reports_custom, reports_daily, reports_drill, reports_operators, reports_repeats, reports_sla, reports_topics

from crmterm.services.routing import routes, saved_filters

from crmterm.services.platform import seed, synthetic, synthetic_inquiries
from crmterm.services.accounts.permissions import ROLE_PERMISSIONS, Actor, Permission, Role
from crmterm.services.routing.queues import InquiryFilter
from crmterm.services.reports.reports_scope import ReportParams
from crmterm.store import ApiToken, ReportDefinition


ROLES: tuple[Role | None, ...] = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR, None)  # None: anonymous
_ALL = frozenset(Role)


@dataclass(frozen=True)
class Rule:
    """A check that is not one plain permission; `roles` are those that pass it for the entry's demo call."""

    text: str
    roles: frozenset[Role]
    writes: bool = True


# The documented rules (docs/permissions.md repeats them in words; crmterm/services/accounts/permission_doc.py).
QUEUE_MEMBER = Rule("inquiries.write + member of the queue (supervisors, queue admins: any)",
                    frozenset({Role.AGENT, Role.SUPERVISOR, Role.ADMIN}))
HOLDER = Rule("inquiries.write + holds the inquiry (supervisors: any)", frozenset({Role.AGENT, Role.SUPERVISOR,
                                                                                   Role.ADMIN}))
SUPERVISES = Rule("inquiries.write + inquiries.supervise or queue admin", frozenset({Role.SUPERVISOR, Role.ADMIN}))
QUEUE_READER = Rule("inquiries.read + member of the queue, or reports.read", _ALL, writes=False)
OWN_DATA = Rule("inquiries.read: own notifications / saved filters (a person)", _ALL, writes=False)
OWN_PREFERENCE = Rule("a person: own preferences (no permission)", _ALL, writes=False)
OWN_PREFERENCE_WRITE = Rule("a person: own preferences (no permission)", _ALL)
OWN_PASSWORD = Rule("own password, or users.write (for another user)", frozenset({Role.ADMIN}))
OTHERS_TOKEN = Rule("own API tokens, or users.write (another user's)", frozenset({Role.ADMIN}))
OWN_TOKENS = Rule("a person: own API tokens, or users.read (everyone's)", _ALL, writes=False)

# Everything else changes data (a permission added later counts as a write until listed here).
READ_PERMISSIONS = frozenset({
    Permission.DIRECTORY_READ, Permission.USERS_READ, Permission.CONFIG_EXPORT, Permission.AUDIT_READ,
    Permission.ADMIN_SCREENS, Permission.CUSTOMERS_READ, Permission.INQUIRIES_READ, Permission.REPORTS_READ,
    Permission.SALES_READ, Permission.SERVICE_READ})
WRITE_PERMISSIONS = frozenset(Permission) - READ_PERMISSIONS


@dataclass
class World:
    """The demo database every call is built from."""

    url: str
    tmp: Path
    people: dict[str, Actor]  # by login, with their ids
    party: int  # a demo customer (the group's head: contracts, subscribers, structures)
    contract: str = "NORD-001"

    def actor(self, role: Role | None) -> Actor | None:
        return None if role is None else self.people[role.value]

    @property
    def admin(self) -> Actor:
        return self.people["admin"]

    @property
    def supervisor(self) -> Actor:
        return self.people["supervisor"]


Builder = Callable[[Session, World, Actor | None], dict]


@dataclass(frozen=True)
class Entry:
    func: Callable
    rule: Permission | Rule
    build: Builder = field(default=lambda session, world, actor: {})
    # allowed roles must succeed; False (or a World → bool that says False for this database): only not be refused
    succeeds: bool | Callable[[World], bool] = True
    own_transaction: bool = False  # the entry opens its own units of work on world.url (no session argument)

    @property
    def name(self) -> str:
        return f"{self.func.__module__.rsplit('.', 1)[-1]}.{self.func.__name__}"

    def must_succeed(self, world: World) -> bool:
        return self.succeeds(world) if callable(self.succeeds) else self.succeeds

    def allowed(self) -> frozenset[Role]:
        if isinstance(self.rule, Rule):
            return self.rule.roles
        return frozenset(role for role in Role if self.rule in ROLE_PERMISSIONS[role])

    @property
    def writes(self) -> bool:
        return self.rule.writes if isinstance(self.rule, Rule) else self.rule in WRITE_PERMISSIONS

    @property
    def rule_text(self) -> str:
        return self.rule.text if isinstance(self.rule, Rule) else self.rule.value


def period() -> ReportParams:
    now = datetime.now(UTC)
    return ReportParams(start=now - timedelta(days=30), end=now + timedelta(days=1))


def new_party(session: Session, world: World, **values) -> int:
    return customers.create_party(session=session, actor=world.admin,
                                  values={"display_name": "Matrix customer", **values}).id


def _file(world: World, name: str, text: str) -> Path:
    path = world.tmp / name
    path.write_text(text, encoding="utf-8")
    return path


def _own_filter(session: Session, world: World, actor: Actor | None) -> dict:
    saved_filters.save_filter(session=session, actor=actor or world.admin, name="matrix", where=InquiryFilter())
    return {"params": period(), "saved_filter": "matrix"}


def _created_channel(session: Session, world: World) -> str:
    directory.create_entry(session=session, actor=world.admin, kind="channels",
                           values={"code": "matrix", "labels": "Matrix"})
    return "matrix"


def _org_parent(session: Session, world: World) -> dict:
    return {"structure": "organisation", "party_id": new_party(session, world), "parent_id": world.party}


def _placed(session: Session, world: World) -> dict:
    """A new customer under the demo group, to be moved to the top."""
    where = _org_parent(session, world)
    structures.place(session=session, actor=world.admin, **where)
    return {**where, "parent_id": None}


P = Permission
CUSTOMER_ENTRIES = [
    Entry(contracts.add_contract, P.CUSTOMERS_WRITE, lambda s, w, a: {"party_id": w.party, "number": "RM-1"}),
    Entry(contracts.add_subscriber, P.CUSTOMERS_WRITE,
          lambda s, w, a: {"contract": w.contract, "number": "+7 916 555-00-11"}),
    Entry(contracts.add_discount, P.CUSTOMERS_BILLING, lambda s, w, a: {"percent": "5", "party_id": w.party}),
    Entry(contracts.add_contact_person, P.CUSTOMERS_WRITE, lambda s, w, a: {"party_id": w.party, "name": "Ivan"}),
    Entry(contracts.add_note, P.CUSTOMERS_WRITE,
          lambda s, w, a: {"entity": "party", "entity_id": w.party, "text": "called back"}),
    Entry(contracts.add_payment, P.CUSTOMERS_BILLING, lambda s, w, a: {"contract": w.contract, "amount": "10"}),
    Entry(customer_card.get_card, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(customer_card.set_attribute, P.CUSTOMERS_WRITE,
          lambda s, w, a: {"party_id": w.party, "code": "credit_limit", "value": "1000"}),
    Entry(customer_card.party_history, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(customer_import.import_file, P.CUSTOMERS_IMPORT, lambda s, w, a: {
        "path": _file(w, "customers.csv", "type,display_name\nparty,Imported Ivan\n")}),
    Entry(customer_search.search, P.CUSTOMERS_READ, lambda s, w, a: {"query": "Nord"}),
    Entry(customer_views.card_with_history, P.CUSTOMERS_READ, lambda s, w, a: {"party_id": w.party}),
    Entry(customer_views.branch_to, P.CUSTOMERS_READ,
          lambda s, w, a: {"structure": "organisation", "party_id": w.party}),
    Entry(customers.create_party, P.CUSTOMERS_WRITE, lambda s, w, a: {"values": {"display_name": "New"}}),
    Entry(customers.update_party, P.CUSTOMERS_WRITE, lambda s, w, a: {
        "party_id": new_party(s, w), "values": {"display_name": "Renamed"}, "expected_version": None}),
    Entry(customers.convert_lead, P.CUSTOMERS_WRITE, lambda s, w, a: {"party_id": new_party(s, w, is_lead=True)}),
    Entry(customers.merge, P.CUSTOMERS_MERGE,
          lambda s, w, a: {"survivor_id": new_party(s, w), "merged_id": new_party(s, w)}),
    Entry(demo_customers.seed_demo_customers, P.CUSTOMERS_IMPORT),
    Entry(leads.export_leads, P.CUSTOMERS_WRITE, lambda s, w, a: {"path": w.tmp / "leads.csv"}),
    Entry(structures.place, P.CUSTOMERS_WRITE, lambda s, w, a: _org_parent(s, w)),
    Entry(structures.move, P.CUSTOMERS_WRITE, lambda s, w, a: _placed(s, w)),
    Entry(structures.subtree, P.CUSTOMERS_READ, lambda s, w, a: {"structure": "organisation", "party_id": w.party}),
    Entry(structures.children, P.CUSTOMERS_READ, lambda s, w, a: {"structure": "organisation", "parent_id": None}),
    Entry(synthetic.generate, P.CUSTOMERS_IMPORT, lambda s, w, a: {"customers": 2}),
    Entry(synthetic_inquiries.generate, P.CUSTOMERS_IMPORT, lambda s, w, a: {"inquiries": 2}),
]

ADMIN_ENTRIES = [
    Entry(attribute_checks.options, P.DIRECTORY_READ, lambda s, w, a: {"form": attribute_forms.effective_attributes(
        session=s, actor=w.admin, topic="disputed_charge")}),
    Entry(attribute_checks.check_values, P.DIRECTORY_READ, lambda s, w, a: {
        "form": attribute_forms.effective_attributes(session=s, actor=w.admin, topic="disputed_charge"), "raw": {}}),
    Entry(attribute_checks.preview, P.DIRECTORY_READ, lambda s, w, a: {"topic": "disputed_charge", "raw": {}}),
    Entry(attribute_forms.effective_attributes, P.DIRECTORY_READ, lambda s, w, a: {"topic": "disputed_charge"}),
    Entry(list_queries.preview, P.DIRECTORY_WRITE,
          lambda s, w, a: {"code": "customer_subscribers", "customer_id": w.party}),
    Entry(audit.list_entries, P.AUDIT_READ),
    Entry(config_io.export_config, P.CONFIG_EXPORT),
    Entry(config_io.write_export, P.CONFIG_EXPORT, lambda s, w, a: {"path": w.tmp / "export.yaml"}),
    Entry(config_io.import_file, P.CONFIG_IMPORT,
          lambda s, w, a: {"path": _file(w, "config.yaml", "crmterm_config: 1\nchannels: []\n")}),
    Entry(config_io.import_document, P.CONFIG_IMPORT, lambda s, w, a: {
        "document": yaml_lines.load(_file(w, "config.yaml", "crmterm_config: 1\nchannels: []\n")), "file": "config.yaml"}),
    Entry(directory.list_entries, P.DIRECTORY_READ, lambda s, w, a: {"kind": "channels"}),
    Entry(directory.get_entry, P.DIRECTORY_READ, lambda s, w, a: {"kind": "channels", "key": "phone"}),
    Entry(directory.create_entry, P.DIRECTORY_WRITE,
          lambda s, w, a: {"kind": "channels", "values": {"code": "pigeon", "labels": "Pigeon post"}}),
    Entry(directory.update_entry, P.DIRECTORY_WRITE, lambda s, w, a: {
        "kind": "channels", "key": _created_channel(s, w), "values": {"labels": "Renamed"}, "expected_version": None}),
    Entry(directory.set_active, P.DIRECTORY_WRITE, lambda s, w, a: {
        "kind": "channels", "key": _created_channel(s, w), "active": False, "expected_version": None}),
    Entry(directory.delete_entry, P.DIRECTORY_WRITE, lambda s, w, a: {  # channels are only deactivated
        "kind": "queues", "key": directory.create_entry(session=s, actor=w.admin, kind="queues", values={
            "code": "gone", "labels": "Gone"}).key, "expected_version": None}),
    Entry(routes.validate_file, P.DIRECTORY_READ,
          lambda s, w, a: {"path": str(_file(w, "routes.yaml", "crmterm_config: 1\nroutes: []\n"))}),
    Entry(routes.show_route, P.DIRECTORY_READ, lambda s, w, a: {"code": "complaint"}),
    Entry(seed.seed_demo, P.CONFIG_IMPORT),
    Entry(topics.topic_tree, P.DIRECTORY_READ),
    Entry(topics.find_by_path, P.DIRECTORY_READ, lambda s, w, a: {"short_path": "12"}),
    Entry(topics.move_topic, P.DIRECTORY_WRITE,
          lambda s, w, a: {"code": "refund", "parent": "tariffs", "expected_version": None}),
    Entry(topics.shift_topic, P.DIRECTORY_WRITE, lambda s, w, a: {"code": "balance_inquiry", "step": 1}),
    Entry(topics.copy_topic, P.DIRECTORY_WRITE, lambda s, w, a: {"code": "refund", "new_code": "refund_copy"}),
    Entry(topics.templates_for, P.DIRECTORY_READ, lambda s, w, a: {"login": "agent"}),
    Entry(users.add_user, P.USERS_WRITE,
          lambda s, w, a: {"values": {"login": "newbie", "role": "agent"}, "password": None}),
    Entry(users.update_user, P.USERS_WRITE,
          lambda s, w, a: {"login": "agent2", "values": {"display_name": "Pavel P."}, "expected_version": None}),
    Entry(users.set_password, OWN_PASSWORD, lambda s, w, a: {"login": "agent2", "password": "n3w-Passw0rd!"}),
    Entry(users.list_users, P.USERS_READ),
    Entry(users.get_user, P.USERS_READ, lambda s, w, a: {"login": "agent"}),
    Entry(tokens.create_token, OTHERS_TOKEN, lambda s, w, a: {"login": "agent2", "name": "sync"}),
    Entry(tokens.list_tokens, OWN_TOKENS),
    Entry(tokens.revoke_token, OTHERS_TOKEN, lambda s, w, a: {"token_id": _token_of(s, w, "agent2")}),
]

def _token_of(session: Session, world: World, login: str) -> int:
    token = ApiToken(user_id=world.people[login].id, name="old", token_hash=tokens.hash_secret(login + "-old"),
                     created_by="admin")
    session.add(token)
    session.flush()
    return token.id


def _own_definition(session: Session, world: World, actor: Actor | None) -> dict:
    """A saved report of the caller's (the admin's for anonymous), written straight into the store."""
    owner = world.people[actor.login if actor else "admin"]
    session.add(ReportDefinition(user_id=owner.id, name="matrix", spec={"groups": ["queue"]}))
    session.flush()
    return {"name": "matrix"}


REPORT_ENTRIES = [
    Entry(report_builder.build_report, P.REPORTS_READ, lambda s, w, a: {
        "params": period(), "spec": report_builder.ReportSpec(groups=["queue", "week"], measures=["p50_take"])}),
    Entry(report_builder.grouping_choices, P.REPORTS_READ),
    Entry(report_definitions.list_definitions, P.REPORTS_READ),
    Entry(report_definitions.save_definition, P.REPORTS_READ, lambda s, w, a: {
        "name": "matrix", "spec": report_builder.ReportSpec(groups=["topic:1"])}),
    Entry(report_definitions.delete_definition, P.REPORTS_READ, _own_definition),
    Entry(report_definitions.run_definition, P.REPORTS_READ, lambda s, w, a: _own_definition(s, w, a) | {
        "params": period()}),
    Entry(reports.run, P.REPORTS_READ, lambda s, w, a: {"name": "topics", "params": period()}),
    Entry(reports_custom.custom_report, P.REPORTS_READ, _own_filter),
    Entry(reports_daily.daily_counts, P.REPORTS_READ, lambda s, w, a: {"params": period()}),
    Entry(reports_drill.drill_down, P.REPORTS_READ, lambda s, w, a: {"report_row_key": {
        "report": "topics", "start": period().start.isoformat(), "end": period().end.isoformat()}}),
    Entry(reports_operators.operators_report, P.REPORTS_READ, lambda s, w, a: {"params": period()}),
    Entry(reports_repeats.repeats_report, P.REPORTS_READ, lambda s, w, a: {"params": period()}),
    Entry(reports_sla.sla_report, P.REPORTS_READ, lambda s, w, a: {"params": period()}),
    Entry(reports_topics.topics_report, P.REPORTS_READ, lambda s, w, a: {"params": period()}),
]


