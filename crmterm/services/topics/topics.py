"""The topic tree as admins and agents see it: nodes in tree order with numeric paths (3.1.4), lookup by
path, moving, reordering and copying (with the attributes defined on the topic)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlmodel import Session, col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import _, pick
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.directory import directory
from crmterm.services.topics.topic_checks import MAX_SHORT_CODE
from crmterm.store import AttributeDef, Topic


@dataclass(frozen=True)
class TopicNode:
    code: str
    labels: dict
    parent: str | None
    short_path: str  # numeric codes from the root, e.g. "3.1.4"
    depth: int
    is_group: bool
    inquiry_type: str
    active: bool
    sort_order: int
    version: int
    children: int

    @property
    def label(self) -> str:
        return pick(self.labels, self.code)


def topic_tree(*, session: Session, actor: Actor, active_only: bool = False) -> list[TopicNode]:
    """Every topic in tree order (siblings by sort order, then numeric code); configuration-sized."""
    require(actor, Permission.DIRECTORY_READ)
    rows = session.exec(select(Topic).order_by(col(Topic.sort_order), col(Topic.short_code), Topic.code)).all()
    code_of = {t.id: t.code for t in rows}
    children: dict[int | None, list[Topic]] = {}
    for topic in rows:
        children.setdefault(topic.parent_id, []).append(topic)
    found: list[TopicNode] = []

    def walk(parent_id: int | None, prefix: str, depth: int) -> None:
        for t in children.get(parent_id, []):
            if active_only and not t.active:
                continue  # an inactive group hides its branch from agents
            path = f"{prefix}{t.short_code}"
            found.append(TopicNode(t.code, t.labels, code_of.get(t.parent_id), path, depth, t.is_group,
                                   t.inquiry_type, t.active, t.sort_order, t.version,
                                   len(children.get(t.id, []))))
            walk(t.id, f"{path}.", depth + 1)

    walk(None, "", 0)
    return found


_PATH = re.compile(r"^\d+(\.\d+)*$")


def path_spellings(text: str) -> list[list[int]]:
    """The numeric paths an agent may mean: "3.1.4" as typed, and "314" also as 3.1.4 (every level one
    digit, the fastest to type) — the literal reading first. Empty when `text` is not digits and dots."""
    key = text.strip().rstrip(".")
    if not _PATH.match(key):
        return []
    parts = [int(p) for p in key.split(".")]
    return [parts, [int(d) for d in key]] if len(parts) == 1 and len(key) > 1 else [parts]


class TopicIndex:
    """Topics looked up by what an agent types: a numeric path in either spelling, or a code."""

    def __init__(self, nodes: list[TopicNode]) -> None:
        self.nodes = nodes
        self.by_path = {n.short_path: n for n in nodes}
        self.by_code = {n.code: n for n in nodes}

    def find(self, text: str) -> TopicNode | None:
        for spelling in path_spellings(text):
            node = self.by_path.get(".".join(map(str, spelling)))
            if node is not None:
                return node
        return self.by_code.get(text.strip())


def find_by_path(*, session: Session, actor: Actor, short_path: str) -> TopicNode:
    """The topic an agent typed as digits: "3.1.4" (or "314" when every level is a single digit)."""
    found = TopicIndex(topic_tree(session=session, actor=actor, active_only=True)).find(short_path)
    if found is None:
        raise NotFound(_("Topic"), short_path)
    return found


def next_short_code(*, session: Session, parent: str | None) -> int:
    parent_id = _id_of(session, parent) if parent else None
    taken = set(session.exec(select(Topic.short_code).where(Topic.parent_id == parent_id)).all())
    free = next((n for n in range(1, MAX_SHORT_CODE + 1) if n not in taken), None)
    if free is None:
        raise ValidationError("short_code", _("no numeric code left on this level"))
    return free


def move_topic(*, session: Session, actor: Actor, code: str, parent: str | None, expected_version: int | None,
               source: str = "tui") -> None:
    """Put a topic (with its branch) under another group; it keeps its numeric code unless that is taken."""
    require(actor, Permission.DIRECTORY_WRITE)  # before the topic is looked up
    current = directory.get_entry(session=session, actor=actor, kind="topics", key=code)
    short = current.values["short_code"]
    parent_id = _id_of(session, parent) if parent else None
    taken = set(session.exec(select(Topic.short_code).where(Topic.parent_id == parent_id,
                                                            Topic.code != code)).all())
    if short in taken:
        short = next_short_code(session=session, parent=parent)
    directory.update_entry(session=session, actor=actor, kind="topics", key=code,
                           values={"parent": parent, "short_code": short}, expected_version=expected_version,
                           source=source)


def shift_topic(*, session: Session, actor: Actor, code: str, step: int, source: str = "tui") -> None:
    """Move a topic one place up (-1) or down (+1) among its siblings by swapping sort orders."""
    require(actor, Permission.DIRECTORY_WRITE)  # before the topic is looked up
    nodes = topic_tree(session=session, actor=actor)
    me = next((n for n in nodes if n.code == code), None)
    if me is None:
        raise NotFound(_("Topic"), code)
    siblings = [n for n in nodes if n.parent == me.parent]
    index = siblings.index(me) + step
    if not 0 <= index < len(siblings):
        return
    other = siblings[index]
    for position, node in enumerate(siblings):  # renumber the level so equal sort orders cannot stick
        order = (position + step if node is me else position - step if node is other else position) * 10
        if order != node.sort_order:
            directory.update_entry(session=session, actor=actor, kind="topics", key=node.code,
                                   values={"sort_order": order}, expected_version=None, source=source)


def copy_topic(*, session: Session, actor: Actor, code: str, new_code: str, source: str = "tui") -> str:
    """A sibling copy of a topic and of the attributes defined on it (attribute codes get the new topic's
    code as a suffix: codes are unique across the tree). Sub-topics are not copied."""
    require(actor, Permission.DIRECTORY_WRITE)  # before the topic is looked up
    original = directory.get_entry(session=session, actor=actor, kind="topics", key=code).values
    suffix = _("copy")
    copy = {**original, "code": new_code,
            "short_code": next_short_code(session=session, parent=original["parent"]),
            "labels": {lang: f"{text} ({suffix})" for lang, text in original["labels"].items()}}
    directory.create_entry(session=session, actor=actor, kind="topics", values=copy, source=source)
    topic_id = _id_of(session, code)
    for attribute_code in session.exec(select(AttributeDef.code).where(AttributeDef.topic_id == topic_id)).all():
        values = directory.get_entry(session=session, actor=actor, kind="attributes", key=attribute_code).values
        directory.create_entry(session=session, actor=actor, kind="attributes", source=source,
                               values={**values, "code": f"{attribute_code}_{new_code}"[:64], "topic": new_code,
                                       "overrides": {}})
    return new_code


def _id_of(session: Session, code: str) -> int:
    found = session.exec(select(Topic.id).where(Topic.code == code)).first()
    if found is None:
        raise NotFound(_("Topic"), code)
    return found


@dataclass(frozen=True)
class TemplateChoice:
    code: str
    short_code: int
    labels: dict
    values: dict  # the template as a document (codes), as config as code shows it

    @property
    def label(self) -> str:
        return pick(self.labels, self.code)


def templates_for(*, session: Session, actor: Actor, login: str) -> list[TemplateChoice]:
    """Active templates assigned to a user directly or through one of the user's groups, by numeric code."""
    require(actor, Permission.DIRECTORY_READ)
    from crmterm.store import User

    user = session.exec(select(User).where(User.login == login)).first()
    if user is None:
        raise NotFound(_("User"), login)
    groups = set(user.groups)
    found = [TemplateChoice(e.values["code"], e.values["short_code"], e.values["labels"], e.values)
             for e in directory.list_entries(session=session, actor=actor, kind="templates", active_only=True)
             if login in e.values["users"] or groups & set(e.values["user_groups"])]
    return sorted(found, key=lambda t: t.short_code)
