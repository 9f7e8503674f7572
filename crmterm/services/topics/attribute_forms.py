"""The attribute form of a topic: which attributes apply (inherited down the topic tree, with overrides),
in which groups, with which defaults and flags; and the check of values typed into it.

Used by the registration and inquiry screens, the CLI and the admin preview. One call is three indexed
queries (topic path by recursive CTE, attributes on the path, their groups); flags are CEL rules
evaluated per keystroke in microseconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import literal
from sqlalchemy import select as select_rows  # rows read by name (sqlmodel.select types them as bare tuples)
from sqlmodel import Session, col, select

from crmterm.errors import NotFound
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.topics.attribute_values import to_cel
from crmterm.store import AttributeDef, AttributeGroup, Dictionary, Priority, Topic, config_cache
from crmterm.workflow import rules

NO_GROUP = "_"


@dataclass(frozen=True)
class FieldDef:
    code: str
    type: str
    labels: dict
    default: str | None
    mandatory: str  # CEL text: "true", "false" or a rule
    hidden: str
    readonly: str
    sort_order: int
    defined_on: str  # topic code
    group: str = NO_GROUP
    pattern: str | None = None
    max_length: int | None = None
    dictionary: str | None = None
    query: str | None = None
    overridden_on: tuple[str, ...] = ()  # topics below `defined_on` whose overrides apply
    attribute_id: int = 0

    @property
    def label(self) -> str:
        return pick(self.labels, self.code)

    @property
    def conditional(self) -> bool:
        return any(flag not in rules.CONSTANTS for flag in (self.mandatory, self.hidden, self.readonly))


@dataclass(frozen=True)
class Flags:
    mandatory: bool
    hidden: bool
    readonly: bool


@dataclass
class GroupDef:
    code: str
    labels: dict
    collapsed: bool
    sort_order: int
    fields: list[FieldDef] = field(default_factory=list)

    @property
    def label(self) -> str:
        return pick(self.labels, _("Other")) if self.code != NO_GROUP else _("Other")


@dataclass
class AttributeForm:
    topic: str
    path: list[str]  # topic codes from the root down to `topic`
    inquiry_type: str
    default_priority: str | None
    groups: list[GroupDef]

    @property
    def fields(self) -> list[FieldDef]:
        return [f for g in self.groups for f in g.fields]

    def field(self, code: str) -> FieldDef | None:
        return next((f for f in self.fields if f.code == code), None)

    def flags(self, context: dict) -> dict[str, Flags]:
        """Each field's flags for this context; a hidden field is never mandatory (nobody could fill it)."""
        result = {}
        for f in self.fields:
            hidden = rules.holds(f.hidden, context)
            result[f.code] = Flags(mandatory=not hidden and rules.holds(f.mandatory, context), hidden=hidden,
                                   readonly=rules.holds(f.readonly, context))
        return result


def rule_context(form: AttributeForm, values: dict[str, Any], *, customer: dict | None = None,
                 contact: dict | None = None, operator: dict | None = None, now=None,
                 priority: str | None = None) -> dict:
    """The context of DESIGN.md §6 for rules on this form; empty values are left out (rules on them are false)."""
    from crmterm.store import utcnow

    attrs = {code: to_cel(value) for code, value in values.items() if value is not None}
    return {"inquiry": {"topic": form.topic, "topics": form.path, "type": form.inquiry_type,
                        "priority": priority or form.default_priority or "", "attrs": attrs},
            "customer": customer or {}, "contact": contact or {}, "operator": operator or {},
            "now": now or utcnow()}


def effective_attributes(*, session: Session, actor: Actor, topic: str, step: str | None = None) -> AttributeForm:
    """The form for `topic`. `step` is the route step (route steps may narrow what is shown: routes issue).
    Two queries: the topic path (recursive CTE) and the attributes on it joined with group and dictionary, once
    per configuration state (store/config_cache): the form is shared, callers must not change it."""
    require(actor, Permission.DIRECTORY_READ)
    return config_cache.cached(session, ("attribute_form", topic), lambda: _form(session, topic))


def _form(session: Session, topic: str) -> AttributeForm:
    path = topic_path(session, topic)
    codes = [row.code for row in path]
    depth = {code: i for i, code in enumerate(codes)}
    groups: dict[str, GroupDef] = {}
    for row in session.execute(_ATTRIBUTES.where(col(AttributeDef.topic_id).in_([r.id for r in path]))):
        resolved = _resolve(row, codes, depth)
        if resolved is None:
            continue
        key = row.group_code or NO_GROUP
        if key not in groups:
            groups[key] = GroupDef(key, row.group_labels or {}, bool(row.group_collapsed),
                                   row.group_sort if row.group_code else 1_000_000)
        groups[key].fields.append(resolved)
    for group in groups.values():
        group.fields.sort(key=lambda f: (f.sort_order, depth[f.defined_on], f.code))
    target = path[-1]
    return AttributeForm(topic=target.code, path=codes, inquiry_type=target.inquiry_type,
                         default_priority=target.priority,
                         groups=sorted(groups.values(), key=lambda g: (g.sort_order, g.code)))


_ATTRIBUTES = (
    select_rows(col(AttributeDef.id), col(AttributeDef.code), col(AttributeDef.type), col(AttributeDef.labels),
                col(AttributeDef.default), col(AttributeDef.mandatory), col(AttributeDef.hidden),
                col(AttributeDef.readonly), col(AttributeDef.sort_order), col(AttributeDef.pattern),
                col(AttributeDef.max_length), col(AttributeDef.query), col(AttributeDef.overrides),
                col(Topic.code).label("defined_on"),
                col(AttributeGroup.code).label("group_code"), col(AttributeGroup.labels).label("group_labels"),
                col(AttributeGroup.collapsed).label("group_collapsed"),
                col(AttributeGroup.sort_order).label("group_sort"), col(Dictionary.code).label("dictionary"))
    .join(Topic, col(Topic.id) == col(AttributeDef.topic_id))
    .outerjoin(AttributeGroup, col(AttributeGroup.id) == col(AttributeDef.group_id))
    .outerjoin(Dictionary, col(Dictionary.id) == col(AttributeDef.dictionary_id))
    .where(col(AttributeDef.active).is_(True))
)


def topic_path(session: Session, code: str) -> list:
    """The topic and its groups, root first (id, code, inquiry type, default priority code)."""
    start = select(Topic.id, Topic.parent_id, literal(0).label("depth")).where(Topic.code == code)
    chain = start.cte("chain", recursive=True)
    chain = chain.union_all(select(Topic.id, Topic.parent_id, chain.c.depth + 1)
                            .join(chain, col(Topic.id) == chain.c.parent_id).where(chain.c.depth < 64))
    rows = session.execute(select_rows(col(Topic.id), col(Topic.code), col(Topic.inquiry_type),
                                       col(Priority.code).label("priority"))
                           .join(chain, col(Topic.id) == chain.c.id)
                           .outerjoin(Priority, col(Priority.id) == col(Topic.default_priority_id))
                           .order_by(chain.c.depth.desc())).all()
    if not rows:
        raise NotFound(_("Topic"), code)
    return list(rows)


def _resolve(row, path: list[str], depth: dict[str, int]) -> FieldDef | None:
    resolved = FieldDef(
        code=row.code, type=row.type, labels=row.labels, default=row.default, mandatory=row.mandatory,
        hidden=row.hidden, readonly=row.readonly, sort_order=row.sort_order, defined_on=row.defined_on,
        group=row.group_code or NO_GROUP, pattern=row.pattern, max_length=row.max_length,
        dictionary=row.dictionary, query=row.query, attribute_id=row.id)
    if not row.overrides:
        return resolved
    active, applied = True, []
    for topic in path[depth[row.defined_on] + 1:]:  # top-down: the lowest override wins
        change = row.overrides.get(topic)
        if change:
            active = change.get("active", active)
            resolved = replace(resolved, **{k: v for k, v in change.items() if k != "active"})
            applied.append(topic)
    return replace(resolved, overridden_on=tuple(applied)) if active else None
