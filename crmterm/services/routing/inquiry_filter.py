"""What an inquiry list, a saved filter tab, a group operation or a custom report selects: the filter's
parameters and how a user types them.

Parameters beyond the queue tab's first ones: the topic with its subtopics, a customer with everything below it
in the structures, created and deadline periods ([from, to): from included, to not), the registering contact's
channel and place, and attribute values compared by the attribute's kind. The SQL is built in filter_sql."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from crmterm.errors import ValidationError
from crmterm.i18n import _
from crmterm.moments import as_typed, typed_moment

Operator = Literal["=", "!=", "<", "<=", ">", ">=", "contains"]
OPERATORS: tuple[str, ...] = ("=", "!=", "<", "<=", ">", ">=", "contains")
_ORDERED = ("=", "!=", "<", "<=", ">", ">=")
OPERATORS_BY_KIND: dict[str, tuple[str, ...]] = {  # attribute kind (topics/attribute_values.TYPES) -> operators
    "integer": _ORDERED, "decimal": _ORDERED, "date": _ORDERED, "datetime": _ORDERED,
    "string": ("=", "!=", "contains"), "text": ("=", "!=", "contains"),
    "bool": ("=", "!="), "dictionary": ("=", "!="), "query": ("=", "!="), "customer_ref": ("=", "!=")}


class AttributeCondition(BaseModel):
    """`code op value`, e.g. amount >= 1000. `!=` also matches inquiries without a value (not set is not equal);
    the other operators need a value. `contains` ignores case (ASCII letters only on SQLite)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str
    op: Operator = "="
    value: str

    def __str__(self) -> str:
        return f"{self.code} {self.op} {self.value}"


class InquiryFilter(BaseModel):
    queue: str | None = None
    state: str = "open"  # one of queues.STATE_FILTERS
    assignee: str | None = None  # login, or "me"
    priority: str | None = None
    topic: str | None = None  # topic code: exactly, or with `subtopics` the topic or group and all below it
    customer: int | None = None
    overdue: bool = False
    subtopics: bool = False
    structure_node: int | None = None  # a customer and every customer below it in `structure` (None: in any)
    structure: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    due_from: datetime | None = None  # a deadline in [due_from, due_to); inquiries without one never match
    due_to: datetime | None = None
    channel: str | None = None  # of the contact that registered the inquiry
    place: str | None = None
    attributes: list[AttributeCondition] = Field(default_factory=list)


def parse_condition(text: str) -> AttributeCondition:
    """`amount>=1000`, `dispute_reason = double_charge`, `comment contains late` as typed on a command line."""
    for op in ("contains", "!=", "<=", ">=", "=", "<", ">"):  # two-character operators before their prefixes
        code, found, value = text.partition(f" {op} " if op == "contains" else op)
        if found and code.strip() and value.strip():
            return AttributeCondition(code=code.strip(), op=op, value=value.strip())
    raise ValidationError("attributes", _("expected CODE OPERATOR VALUE (operators: {ops}), got '{text}'").format(
        ops=", ".join(OPERATORS), text=text))


def period_bound(text: str, field: str, *, end: bool) -> datetime | None:
    """A period's bound as typed: a date means its local midnight; as the end of a period, the midnight after
    it, so "to 2026-03-31" includes that day. Empty text: no bound."""
    text = text.strip()
    if not text:
        return None
    moment = typed_moment(text, field, _("expected a date like 2026-03-31 or a date and time 2026-03-31T18:00"))
    bare_day = len(text) == 10 and _is_day(text)
    return moment + timedelta(days=1) if end and bare_day else moment


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def check_periods(where: InquiryFilter) -> None:
    for start, end, field in ((where.created_from, where.created_to, "created_to"),
                              (where.due_from, where.due_to, "due_to")):
        if start is not None and end is not None and end <= start:
            raise ValidationError(field, _("the period ends before it starts"))
    if where.subtopics and not where.topic:
        raise ValidationError("topic", _("subtopics of which topic? Give a topic"))
    if where.structure and where.structure_node is None:
        raise ValidationError("structure_node", _("give the customer whose structure below to take"))


TEXT_FIELDS = ("queue", "assignee", "priority", "topic", "structure", "channel", "place")
NUMBER_FIELDS = ("customer", "structure_node")
PERIOD_FIELDS = ("created_from", "created_to", "due_from", "due_to")
FLAG_FIELDS = ("subtopics", "overdue")
CONDITION_SEPARATOR = ";"


def from_form(values: dict) -> InquiryFilter:
    """A filter from a form's text fields (the TUI's filter editor): empty text is no condition, periods as
    period_bound reads them, conditions separated by ';'. ValidationError names the field that is wrong."""
    fields: dict = {"state": values.get("state") or "open"}
    for key in TEXT_FIELDS:
        fields[key] = str(values.get(key) or "").strip() or None
    for key in NUMBER_FIELDS:
        text = str(values.get(key) or "").strip()
        if text and not text.isdecimal():
            raise ValidationError(key, _("expected a customer number"))
        fields[key] = int(text) if text else None
    for key in PERIOD_FIELDS:
        fields[key] = period_bound(str(values.get(key) or ""), key, end=key.endswith("_to"))
    for key in FLAG_FIELDS:
        fields[key] = bool(values.get(key))
    conditions = str(values.get("attributes") or "").split(CONDITION_SEPARATOR)
    fields["attributes"] = [parse_condition(text.strip()) for text in conditions if text.strip()]
    where = InquiryFilter(**fields)
    check_periods(where)
    return where


def to_form(where: InquiryFilter) -> dict:
    """The filter as the editor's text fields (what from_form reads back)."""
    values: dict = {key: getattr(where, key) or "" for key in (*TEXT_FIELDS, "state")}
    values |= {key: "" if getattr(where, key) is None else str(getattr(where, key)) for key in NUMBER_FIELDS}
    values |= {key: as_typed(getattr(where, key)) for key in PERIOD_FIELDS}
    values |= {key: getattr(where, key) for key in FLAG_FIELDS}
    values["attributes"] = f"{CONDITION_SEPARATOR} ".join(str(c) for c in where.attributes)
    return values
