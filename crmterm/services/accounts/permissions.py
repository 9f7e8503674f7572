"""Who may do what: one declared map from role to permissions, checked in services (never in screens)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from crmterm.errors import PermissionDenied
from crmterm.i18n import N_, _


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"
    AUDITOR = "auditor"


ROLE_LABELS = {Role.AGENT: N_("Agent"), Role.SUPERVISOR: N_("Supervisor"), Role.ADMIN: N_("Administrator"),
               Role.AUDITOR: N_("Auditor")}


class Permission(StrEnum):
    DIRECTORY_READ = "directory.read"
    DIRECTORY_WRITE = "directory.write"
    USERS_READ = "users.read"
    USERS_WRITE = "users.write"
    CONFIG_EXPORT = "config.export"
    CONFIG_IMPORT = "config.import"
    AUDIT_READ = "audit.read"
    ADMIN_SCREENS = "admin.screens"
    CUSTOMERS_READ = "customers.read"
    CUSTOMERS_WRITE = "customers.write"
    CUSTOMERS_MERGE = "customers.merge"
    CUSTOMERS_IMPORT = "customers.import"
    INQUIRIES_READ = "inquiries.read"
    INQUIRIES_WRITE = "inquiries.write"
    INQUIRIES_SUPERVISE = "inquiries.supervise"  # assign, transfer, reopen, cancel, deadlines, any queue
    NOTIFICATIONS_ADMIN = "notifications.admin"  # deliver e-mail, see every notification, retry failed ones
    REPORTS_READ = "reports.read"  # every report and the inquiries behind its rows
    PROBLEMS_MANAGE = "problems.manage"  # open, change and close system problems (everyone may read them)
    INQUIRIES_ARCHIVE = "inquiries.archive"  # move old closed inquiries to the archive
    SCRIPTS_ADMIN = "scripts.admin"  # write, publish and import branching scripts (running one is inquiries.write)
    CUSTOMERS_ERASE = "customers.erase"  # anonymise a customer's personal data (right to erasure)
    CUSTOMERS_BILLING = "customers.billing"  # grant discounts, record payments by hand (money: not agents)
    DATABASE_ADMIN = "database.admin"  # back up, restore and upgrade the database
    KB_EDIT = "kb.edit"  # write and import knowledge-base drafts, see unapproved articles
    KB_APPROVE = "kb.approve"  # approve, retire and publish knowledge-base articles
    WEBHOOKS_ADMIN = "webhooks.admin"  # subscribe URLs to events, deliver webhooks, read the delivery log
    SALES_READ = "sales.read"  # see every opportunity and quote (the whole pipeline)
    SALES_WORK = "sales.work"  # own opportunities and quotes: create, price, send, move along the pipeline
    SALES_SUPERVISE = "sales.supervise"  # change anyone's opportunities and quotes
    BLACKLIST_WRITE = "blacklist.write"  # put customers, numbers, documents on the blacklist and lift them
    COLLECTIONS_WORK = "collections.work"  # record customers' promised payments (debt collection calls)
    COLLECTIONS_MANAGE = "collections.manage"  # import invoices from billing, run the dunning scan
    SERVICE_WORK = "service.work"  # raise work orders from inquiries; work one's own as a technician
    SERVICE_DISPATCH = "service.dispatch"  # see every work order, dispatch them to technicians, the dispatch board
    SERVICE_READ = "service.read"  # installed base, service contracts, warranties, entitlement, QoS
    SERVICE_WRITE = "service.write"  # record assets, write service contracts and warranty lengths
    CHURN_MANAGE = "churn.manage"  # train, evaluate and run the churn model (reading a risk is customers.read)
    # retention (issue 29): campaigns and loyalty tiers are managed by supervisors; agents work the call lists
    CAMPAIGN_MANAGE = "campaign.manage"  # create, build and close campaigns; apply loyalty tiers
    CAMPAIGN_WORK = "campaign.work"  # take the next call of a campaign one works and record its outcome
    # offline work (issue 30): a laptop pulls what its user needs and pushes what they did offline
    SYNC_USE = "sync.use"


_EVERYONE = {Permission.DIRECTORY_READ, Permission.CUSTOMERS_READ, Permission.INQUIRIES_READ}
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: frozenset(_EVERYONE | {Permission.CUSTOMERS_WRITE, Permission.INQUIRIES_WRITE,
                                       Permission.SALES_WORK, Permission.COLLECTIONS_WORK,
                                       Permission.SERVICE_WORK, Permission.SERVICE_READ,
                                       Permission.CAMPAIGN_WORK, Permission.SYNC_USE}),
    Role.SUPERVISOR: frozenset(_EVERYONE | {Permission.USERS_READ, Permission.CUSTOMERS_WRITE,
                                            Permission.CUSTOMERS_MERGE, Permission.INQUIRIES_WRITE,
                                            Permission.INQUIRIES_SUPERVISE, Permission.REPORTS_READ,
                                            Permission.CUSTOMERS_BILLING,
                                            Permission.PROBLEMS_MANAGE, Permission.KB_EDIT,
                                            Permission.KB_APPROVE, Permission.SALES_READ,
                                            Permission.SALES_WORK, Permission.SALES_SUPERVISE,
                                            Permission.BLACKLIST_WRITE, Permission.COLLECTIONS_WORK,
                                            Permission.COLLECTIONS_MANAGE, Permission.SERVICE_WORK,
                                            Permission.SERVICE_DISPATCH, Permission.SERVICE_READ,
                                            Permission.SERVICE_WRITE, Permission.CHURN_MANAGE,
                                            Permission.CAMPAIGN_MANAGE, Permission.CAMPAIGN_WORK,
                                            Permission.SYNC_USE}),
    Role.ADMIN: frozenset(Permission),
    Role.AUDITOR: frozenset(_EVERYONE | {Permission.USERS_READ, Permission.CONFIG_EXPORT,
                                         Permission.AUDIT_READ, Permission.ADMIN_SCREENS, Permission.REPORTS_READ,
                                         Permission.SALES_READ, Permission.SERVICE_READ}),
}


@dataclass(frozen=True)
class Actor:
    """The authenticated user a service acts for (or the local system account of the CLI).

    `role` is the user's base preset (it also sets the database login's group); `granted` is the union of every
    role the user holds, themselves and through their groups (services/accounts/role_grants), or None: the
    base preset's built-in set (system accounts, tests). `supervised_queues`: queues a queue-scoped role lets
    the actor supervise (services/accounts/queue_access)."""

    login: str
    role: Role
    id: int | None = None
    display_name: str = ""
    granted: frozenset[Permission] | None = None
    supervised_queues: frozenset[str] = frozenset()
    roles: tuple[str, ...] = ()  # the codes of every role held, for display

    def can(self, permission: Permission) -> bool:
        return permission in (ROLE_PERMISSIONS[self.role] if self.granted is None else self.granted)


# What a role's permissions need of the database under per-user logins (store/role_groups): the auditor's group
# only reads; agents' and supervisors' write operational rows; writing configuration, users or roles, scripts,
# webhooks or the database itself needs the admin group. A configured role maps onto the least of these.
DATABASE_LEVELS = (Role.AUDITOR, Role.AGENT, Role.ADMIN)
READ_ONLY = frozenset({Permission.DIRECTORY_READ, Permission.USERS_READ, Permission.CONFIG_EXPORT,
                       Permission.AUDIT_READ, Permission.ADMIN_SCREENS, Permission.CUSTOMERS_READ,
                       Permission.INQUIRIES_READ, Permission.REPORTS_READ, Permission.SALES_READ,
                       Permission.SERVICE_READ})
CONFIGURING = frozenset({Permission.DIRECTORY_WRITE, Permission.USERS_WRITE, Permission.CONFIG_IMPORT,
                         Permission.SCRIPTS_ADMIN, Permission.WEBHOOKS_ADMIN, Permission.DATABASE_ADMIN})


def database_level(permissions: frozenset[Permission] | set[Permission]) -> Role:
    """The least privileged built-in group whose database grants cover `permissions`."""
    if permissions & CONFIGURING:
        return Role.ADMIN
    return Role.AUDITOR if permissions <= READ_ONLY else Role.AGENT


def level_rank(role: Role) -> int:
    """Agents and supervisors share one set of grants (store/role_groups WRITERS): the same rank."""
    return DATABASE_LEVELS.index(Role.AGENT if role is Role.SUPERVISOR else role)


# The CLI without --user acts as this account, and only on a connection that owns the schema (the SQLite file's
# owner, PostgreSQL's owner role: store/ownership), whose holder owns the data anyway; through the application
# role --user (or CRMTERM_USER) is required, attributing the work to a person and enforcing that person's role.
SYSTEM = Actor(login="system", role=Role.ADMIN, display_name="system")


def require(actor: Actor | None, permission: Permission) -> Actor:
    if actor is None or not actor.can(permission):
        who = actor.login if actor else _("anonymous")
        raise PermissionDenied(_("{who} may not do this ({permission})").format(who=who, permission=permission))
    return actor
