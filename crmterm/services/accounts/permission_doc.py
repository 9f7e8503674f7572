"""The permission map (services/accounts/permissions.py) rendered as a Markdown table for people:
docs/permissions.md and `crmterm user roles`. tests/test_role_matrix.py checks every service entry point
against the same map."""

from __future__ import annotations

from crmterm.i18n import N_, _
from crmterm.services.accounts.permissions import ROLE_LABELS, ROLE_PERMISSIONS, Permission, Role

DESCRIPTIONS: dict[Permission, str] = {
    Permission.DIRECTORY_READ: N_("Read dictionaries, places, channels, topics, templates and routes"),
    Permission.DIRECTORY_WRITE: N_("Change dictionaries, places, channels, topics, templates and routes"),
    Permission.USERS_READ: N_("See user accounts"),
    Permission.USERS_WRITE: N_("Create and change user accounts, roles and others' passwords"),
    Permission.CONFIG_EXPORT: N_("Export the whole configuration as YAML"),
    Permission.CONFIG_IMPORT: N_("Import configuration from YAML (and load the demo)"),
    Permission.AUDIT_READ: N_("Read the audit log of administrative changes"),
    Permission.ADMIN_SCREENS: N_("Open the administration screens"),
    Permission.CUSTOMERS_READ: N_("Find customers and read their cards, structures and history"),
    Permission.CUSTOMERS_WRITE: N_("Create and change customers, contracts, subscribers, contact persons, notes"),
    Permission.CUSTOMERS_MERGE: N_("Merge duplicate customers"),
    Permission.CUSTOMERS_IMPORT: N_("Import customers in bulk and generate synthetic data"),
    Permission.INQUIRIES_READ: N_("Read inquiries, queues' contents, system problems and own saved filters"),
    Permission.INQUIRIES_WRITE: N_("Register contacts and inquiries, take, work, comment and attach"),
    Permission.INQUIRIES_SUPERVISE: N_("Assign, transfer, reopen, cancel, change deadlines and priorities in any "
                                       "queue; run the SLA scan"),
    Permission.NOTIFICATIONS_ADMIN: N_("Deliver e-mail, see every notification, retry failed ones"),
    Permission.REPORTS_READ: N_("Run every report and read the inquiries behind its rows"),
    Permission.PROBLEMS_MANAGE: N_("Open, change and close system problems"),
    Permission.INQUIRIES_ARCHIVE: N_("Move old closed inquiries to the archive"),
    Permission.SCRIPTS_ADMIN: N_("Write, publish and import branching scripts (running one is inquiries.write)"),
    Permission.CUSTOMERS_ERASE: N_("Anonymise a customer's personal data (right to erasure)"),
    Permission.CUSTOMERS_BILLING: N_("Grant discounts and record payments by hand (customer add-discount, "
                                     "add-payment)"),
    Permission.DATABASE_ADMIN: N_("Back up and restore the embedded database; run `crmterm db upgrade`"),
    Permission.KB_EDIT: N_("Write and import knowledge-base drafts, see unapproved articles"),
    Permission.KB_APPROVE: N_("Approve, retire and publish knowledge-base articles"),
    Permission.WEBHOOKS_ADMIN: N_("Subscribe URLs to events (webhooks), deliver them, read the delivery log"),
    Permission.SALES_READ: N_("See every opportunity and quote (the whole sales pipeline)"),
    Permission.SALES_WORK: N_("Own opportunities and quotes: create, price, send, move along the pipeline"),
    Permission.SALES_SUPERVISE: N_("Change anyone's opportunities and quotes, give them to another owner"),
    Permission.BLACKLIST_WRITE: N_("Put customers, phone numbers and documents on the blacklist (fraud, "
                                   "non-payment) and lift them"),
    Permission.COLLECTIONS_WORK: N_("Record a customer's promised payment (amount and day) on a debt"),
    Permission.COLLECTIONS_MANAGE: N_("Import invoices from billing (receivables) and run the dunning scan"),
    Permission.SERVICE_WORK: N_("Raise work orders from inquiries; as a technician, see and work one's own orders"),
    Permission.SERVICE_DISPATCH: N_("See every work order, dispatch orders to technicians (the dispatch board)"),
    Permission.SERVICE_READ: N_("See the installed base, service contracts, warranties and customers' "
                                "entitlements"),
    Permission.SERVICE_WRITE: N_("Record installed equipment, write and import service contracts and warranty "
                                 "lengths"),
    Permission.CHURN_MANAGE: N_("Train and evaluate the churn model, score every customer's churn risk"),
    Permission.CAMPAIGN_MANAGE: N_("Create, build and close outbound campaigns; apply loyalty tiers to client "
                                   "categories"),
    Permission.CAMPAIGN_WORK: N_("Work campaign call lists: take the next call, record each attempt's outcome"),
    Permission.SYNC_USE: N_("Work offline on a laptop: pull one's customers and work, push what was done offline"),
}

# The checks that are more than one permission (each has explicit tests in tests/test_role_matrix.py).
RULES = (
    N_("Anonymous callers are refused everything."),
    N_("Agents see, list and take only inquiries of queues they are members of (by login or user group); "
       "supervisors, administrators and a queue's administrators work every queue they supervise."),
    N_("Starting, returning, moving, closing an inquiry and editing its attributes need the inquiry to be held "
       "by the caller; supervisors may act on any."),
    N_("Assigning, transferring, reopening, cancelling, deadlines and priorities need inquiries.supervise or "
       "being an administrator of the inquiry's queue."),
    N_("Auditors read everything (reports, audit log, configuration export, every queue's contents) and change "
       "nothing but their own saved filters, notification read marks and the use counts of knowledge-base "
       "articles they open or mark helpful."),
    N_("Everyone reads approved knowledge-base articles; drafts and articles in review need kb.edit. Attaching "
       "an article to an inquiry needs inquiries.write."),
    N_("Everyone may change their own password; other users' passwords need users.write."),
    N_("Screen pop (POST /calls) for oneself needs inquiries.write; for another agent also inquiries.supervise "
       "(supervisors and administrators, or the telephony system's token of one)."),
    N_("Money is not agents' work: granting a discount and recording a payment need customers.billing "
       "(supervisors and administrators); agents see both on the customer's card."),
    N_("`crmterm db upgrade` needs database.admin, or no --user on the connection that owns the schema (the "
       "system account). An embedded SQLite file is also migrated when any user first opens it with a newer "
       "crmterm, which cannot work on an older schema; a PostgreSQL server is migrated only by db upgrade."),
    N_("Without --user the command line acts as the system account, and only on a connection that owns the "
       "schema (the SQLite file's owner, PostgreSQL's owner role); with the application role every command "
       "needs a user. An empty login is a usage error."),
    N_("The role is checked before the target is looked up or the input validated: a refused caller learns "
       "nothing about whether the customer, inquiry or file exists."),
    N_("Callbacks and tasks (inquiries.write) go to oneself or to a queue one works; to another agent needs "
       "inquiries.supervise. Keeping, cancelling or rescheduling one needs being its agent, working its queue, "
       "having created it, or inquiries.supervise; the overdue-callback scan, like the SLA scan, "
       "inquiries.supervise."),
    N_("Sales agents (sales.work) see and change only the opportunities and quotes they own; sales.read shows "
       "every one, sales.supervise changes every one. A manual discount on a quote item stays within the "
       "largest limit of the roles one holds (config section discount_limits; without one: none for "
       "sales.work, any for sales.supervise)."),
    N_("Everyone who reads customers sees blacklist warnings; a quote for a blacklisted customer (or one whose "
       "phone number is blacklisted) needs sales.supervise."),
    N_("Technicians (service.work) list, open, start, record on and complete only the work orders dispatched to "
       "them; service.dispatch sees and changes every one."),
)

_ROLES = (Role.AGENT, Role.SUPERVISOR, Role.ADMIN, Role.AUDITOR)


def description(permission: Permission) -> str:
    return _(DESCRIPTIONS[permission]) if permission in DESCRIPTIONS else ""


def render_markdown() -> str:
    """The permission × role table with each permission's meaning, then the rules beyond the table."""
    lines = [
        "# " + _("Roles and permissions"), "",
        _("Generated from crmterm/services/accounts/permissions.py by `{command}`; do not edit by hand.").format(
            command="crmterm --lang en user roles --markdown > docs/permissions.md"), "",
        "| " + " | ".join([_("Permission"), _("Meaning"), *(_(ROLE_LABELS[r]) for r in _ROLES)]) + " |",
        "|---|---|" + ":-:|" * len(_ROLES),
    ]
    for permission in Permission:
        marks = ["✓" if permission in ROLE_PERMISSIONS[role] else "—" for role in _ROLES]
        lines.append("| " + " | ".join([f"`{permission.value}`", description(permission), *marks]) + " |")
    lines += ["", "## " + _("Rules beyond the table"), ""]
    lines += ["- " + _(rule) for rule in RULES]
    return "\n".join(lines) + "\n"


def rows() -> list[dict]:
    """The same map as rows for a terminal table: permission, meaning, and one ✓/— column per role."""
    return [{"permission": p.value, "meaning": description(p),
             **{r.value: permission_mark(p, r) for r in _ROLES}} for p in Permission]


def permission_mark(permission: Permission, role: Role) -> bool:
    return permission in ROLE_PERMISSIONS[role]
