"""The sections of a configuration document: how each reads, validates, compares, applies and exports."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.services.accounts import roles, users
from crmterm.services.accounts.permissions import Actor, Permission, Role, require
from crmterm.services.directory import directory, registry
from crmterm.services.directory.flat_section import FlatSection
from crmterm.services.directory.flat_section import entry as _entry
from crmterm.services.directory.kinds import Kind
from crmterm.services.directory.validation import RefExists
from crmterm.services.directory.yaml_lines import LineDict


@dataclass
class PlanEntry:
    values: LineDict
    clean: dict | None = None


@dataclass
class Plan:
    entries: dict[str, list[PlanEntry]] = field(default_factory=dict)
    codes: dict[str, set[str]] = field(default_factory=dict)  # codes each directory area gets from the file

    def add(self, section: str, values: LineDict) -> None:
        self.entries.setdefault(section, []).append(PlanEntry(values))
        for name in ("code", "login"):  # users are referred to by login
            if name in values:
                self.codes.setdefault(section, set()).add(str(values[name]))


class DirectorySection(FlatSection):
    """A directory area as a flat list of entries."""

    def __init__(self, kind: Kind, top_level: bool = True) -> None:
        self.kind, self.name, self.top_level = kind, kind.name, top_level


    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        return directory.clean(session, self.kind, dict(values), ref_exists)

    def key(self, clean: dict) -> str:
        return directory.entry_key(self.kind, clean)

    def current(self, session: Session, key: str) -> dict:
        return directory.get_entry(session=session, actor=_READER, kind=self.name, key=key).values

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        directory.create_entry(session=session, actor=actor, kind=self.name, values=clean, source=source,
                               ref_exists=ref_exists)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        directory.update_entry(session=session, actor=actor, kind=self.name, key=key, values=clean,
                               expected_version=None, source=source, ref_exists=ref_exists)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        entries = directory.list_entries(session=session, actor=actor, kind=self.name, limit=directory.MAX_ROWS)
        return [e.values for e in entries]


class DictionarySection(DirectorySection):
    """Dictionaries with their items nested under `items:` (easier to read and edit than two lists)."""

    ITEMS = "dictionary_items"

    def read(self, plan: Plan, body: list, line: int, file: str | None) -> None:
        for item in body:
            values = _entry(item, self.name, line, file)
            items = values.pop("items", None) or []
            plan.add(self.name, values)
            for child in items:
                child = _entry(child, self.ITEMS, values.line, file)
                child.setdefault("dictionary", values.get("code"))
                plan.add(self.ITEMS, child)
                plan.codes[self.ITEMS].add(f"{child['dictionary']}/{child.get('code')}")

    def export(self, session: Session, actor: Actor) -> list[dict]:
        items = directory.list_entries(session=session, actor=actor, kind=self.ITEMS, limit=directory.MAX_ROWS)
        by_parent: dict[str, list[dict]] = {}
        for item in items:
            values = {k: v for k, v in item.values.items() if k != "dictionary"}
            by_parent.setdefault(item.values["dictionary"], []).append(values)
        return [{**d, "items": by_parent.get(d["code"], [])} for d in super().export(session, actor)]


class UsersSection(FlatSection):
    """User accounts without passwords; a user created by import sets a password with `crmterm user passwd`."""

    name = "users"
    top_level = True


    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        unknown = set(values) - {"login", "display_name", "role", "email", "language", "active", "groups", "roles"}
        if unknown:
            raise ValidationError(sorted(unknown)[0], _("unknown field"))
        try:
            Role(values.get("role", ""))  # no role is refused like an unknown one
        except ValueError:
            raise ValidationError("role", _("unknown role '{r}'").format(r=values.get("role"))) from None
        for group in values.get("groups") or []:
            if not ref_exists("user_groups", str(group)):
                raise ValidationError("groups", _("unknown reference '{code}'").format(code=group))
        for role in values.get("roles") or []:
            if not ref_exists("roles", str(role)):
                raise ValidationError("roles", _("unknown reference '{code}'").format(code=role))
        return users.clean_document(values)

    def key(self, clean: dict) -> str:
        return clean["login"]

    def current(self, session: Session, key: str) -> dict:
        return users.snapshot_of(session, key)

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        users.add_user(session=session, actor=actor, values=clean, password=None, source=source)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        users.update_user(session=session, actor=actor, login=key, values=clean, expected_version=None,
                          source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        require(actor, Permission.USERS_READ)
        return list(users.all_snapshots(session).values())


class RolesSection(FlatSection):
    """Roles as permission sets (presets included: an edited preset travels with the file). A role not in the
    file is left alone, as for every section. Roles come before users (who hold them), so before queues (which
    name users): the queues of a queue-scoped role must already be in the database."""

    name = "roles"
    top_level = True

    def clean(self, session: Session, values: dict, ref_exists: RefExists) -> dict:
        unknown = set(values) - {"code", "labels", "permissions", "queues"}
        if unknown:
            raise ValidationError(sorted(unknown)[0], _("unknown field"))
        return roles.clean_document(session, values)

    def key(self, clean: dict) -> str:
        return clean["code"]

    def current(self, session: Session, key: str) -> dict:
        return roles.snapshot(roles.get_row(session, key))

    def create(self, session: Session, actor: Actor, clean: dict, source: str, ref_exists=None) -> None:
        roles.add_role(session=session, actor=actor, values=clean, source=source)

    def update(self, session: Session, actor: Actor, key: str, clean: dict, source: str,
               ref_exists=None) -> None:
        roles.update_role(session=session, actor=actor, code=key, values=clean, source=source)

    def export(self, session: Session, actor: Actor) -> list[dict]:
        require(actor, Permission.USERS_READ)
        return roles.all_snapshots(session)


class TopicsSection(DirectorySection):
    """Exported parents first (depth first, in sort order), so the file imports top-down; on import a
    parent further down the file is still created before its children."""

    def read(self, plan: Plan, body: list, line: int, file: str | None) -> None:
        super().read(plan, body, line, file)
        entries = plan.entries.get(self.name, [])
        by_code = {str(e.values.get("code")): e for e in entries}
        ordered: list[PlanEntry] = []

        def place(entry: PlanEntry, path: tuple = ()) -> None:
            parent = by_code.get(str(entry.values.get("parent")))
            if parent is not None and parent not in ordered and entry not in path:
                place(parent, (*path, entry))
            if entry not in ordered:
                ordered.append(entry)

        for entry in entries:
            place(entry)
        plan.entries[self.name] = ordered

    def export(self, session: Session, actor: Actor) -> list[dict]:
        entries = super().export(session, actor)
        children: dict[str | None, list[dict]] = {}
        for values in sorted(entries, key=lambda v: (v["sort_order"], v["short_code"], v["code"])):
            children.setdefault(values["parent"], []).append(values)
        ordered: list[dict] = []

        def walk(parent: str | None) -> None:
            for values in children.get(parent, []):
                ordered.append(values)
                walk(values["code"])

        walk(None)
        return ordered


_READER = Actor(login="config", role=Role.AUDITOR)


def _section(kind: Kind):
    if kind.name == "dictionaries":
        return DictionarySection(kind)
    return DirectorySection(kind, top_level=kind.name != "dictionary_items")  # items nest under dictionaries


def _group(name: str) -> list:
    return [_section(k) for k in registry.kinds_of(name).values() if k.name != "topics"]


# In dependency order: topics and templates refer to users, so they come late; regulations refer to topics
# and calendars, routes to calendars. The domains' areas and sections come from the registry (each domain
# registers them from its package's __init__, crmterm/services/__init__.py imports them all first).
SECTIONS: list = [*_group("directory"), RolesSection(), UsersSection(), registry.section("tracked_fields"),
                  TopicsSection(registry.KINDS["topics"]), *_group("topics"), *_group("sla"), *_group("routes"),
                  *_group("escalations"),  # they name queues
                  *_group("automation"),  # rules name routes' transitions
                  *_group("knowledge"),  # responses name topics
                  registry.section("scripts"),  # scripts name topics, priorities, queues
                  *_group("mail"),  # intake rules name topics, queues and priorities
                  registry.section("portal_topics"), registry.section("portal_functions"),  # they name topics
                  # the catalogue before the price lists naming its products; the limits name roles
                  *(registry.section(name) for name in ("products", "price_lists", "sales_processes",
                                                        "discount_limits")),
                  registry.section("order_types"),  # they name topics
                  registry.section("activity_plans"),  # they name sales processes and their stages
                  registry.section("technicians"),  # they name users, calendars and skills
                  registry.section("loyalty_tiers")]  # they name client categories
Section = DirectorySection | RolesSection | UsersSection
