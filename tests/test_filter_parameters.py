"""Every InquiryFilter parameter of issue 31 item 4 on both databases: a row that matches and one that does not,
in the Queues list, the archive-free report path (saved filter conditions) and the refusals."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import col, select

from crmterm.errors import NotFound, ValidationError
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.inquiries.inquiry_actions import set_deadline
from crmterm.services.platform import archive, archive_read
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.reports.reports_scope import saved_filter_conditions
from crmterm.services.routing import queues
from crmterm.services.routing.inquiry_filter import AttributeCondition, InquiryFilter, parse_condition, period_bound
from crmterm.store import Inquiry, Party
from crmterm.store.db import unit_of_work
from helpers import act


def _register(url: str, actor, customer: int, channel: str, place: str, topic: str, values: dict) -> int:
    draft = ContactDraft.model_validate({"channel": channel, "place": place, "customer": customer,
                                         "inquiries": [{"topic": topic, "values": values}]})
    with unit_of_work(url) as session:
        return register(session=session, actor=actor, draft=draft).inquiry_ids[0]


@pytest.fixture
def two(demo_url, people):
    """A: a large disputed charge by phone in Moscow for a Nord warehouse (deep in the organisation);
    B: a mobile data problem by e-mail in Novosibirsk for a private customer. Both with deadlines."""
    start = datetime.now(UTC) - timedelta(seconds=1)
    with unit_of_work(demo_url) as session:
        nord = session.exec(select(Party.id).where(Party.display_name == "Группа «Норд»")).one()
        warehouse = session.exec(select(Party.id).where(Party.display_name == "Склад Химки")).one()
        private = session.exec(select(Party.id).where(Party.kind == "person").order_by(col(Party.id))).first()
    a = _register(demo_url, people["agent"], warehouse, "phone", "cc_msk", "disputed_charge", {
        "amount": "5000", "dispute_reason": "double_charge", "charge_date": "2026-11-20", "approval_reference": "A-1"})
    b = _register(demo_url, people["agent"], private, "email", "cc_nsk", "no_data", {
        "problem_since": "2026-11-25 10:00", "device_restarted": "yes"})
    soon = datetime.now(UTC) + timedelta(days=2)
    for inquiry, due in ((a, soon), (b, soon + timedelta(days=10))):
        act(demo_url, set_deadline, people["supervisor"], inquiry_id=inquiry, due_at=due, reason="test")
    return demo_url, people["supervisor"], {"a": a, "b": b, "nord": nord, "start": start, "soon": soon}


def _matched(url, actor, known, **params) -> set[str]:
    where = InquiryFilter(**({"created_from": known["start"]} | params))
    with unit_of_work(url) as session:
        rows = queues.page(session=session, actor=actor, where=where, limit=500).rows
        listed = {r.id for r in rows}
        reported = set(session.execute(select(col(Inquiry.id)).where(
            *saved_filter_conditions(session, actor.login, where, datetime.now(UTC)))).scalars())
    names = {name for name in ("a", "b") if known[name] in listed}
    assert names == {name for name in ("a", "b") if known[name] in reported}, "the report selects the same"
    return names


def test_each_parameter_matches_one_row_and_not_the_other(two):
    url, actor, k = two
    assert _matched(url, actor, k) == {"a", "b"}
    assert _matched(url, actor, k, topic="billing", subtopics=True) == {"a"}
    assert _matched(url, actor, k, topic="mobile_data", subtopics=True) == {"b"}
    assert _matched(url, actor, k, topic="billing") == set()  # without subtopics: the group itself only
    assert _matched(url, actor, k, structure_node=k["nord"]) == {"a"}
    assert _matched(url, actor, k, structure_node=k["nord"], structure="organisation") == {"a"}
    assert _matched(url, actor, k, created_from=k["start"] - timedelta(days=1), created_to=k["start"]) == set()
    assert _matched(url, actor, k, created_to=datetime.now(UTC) + timedelta(minutes=1)) == {"a", "b"}
    assert _matched(url, actor, k, due_from=k["soon"] + timedelta(days=1)) == {"b"}
    assert _matched(url, actor, k, due_to=k["soon"] + timedelta(days=1)) == {"a"}
    assert _matched(url, actor, k, channel="phone") == {"a"}
    assert _matched(url, actor, k, place="cc_nsk") == {"b"}


ATTRIBUTE_CASES = [
    ("amount >= 1000", {"a"}), ("amount < 1000", set()), ("amount > 999.5", {"a"}), ("amount = 5000.00", {"a"}),
    ("dispute_reason = double_charge", {"a"}), ("dispute_reason != double_charge", {"b"}),
    ("charge_date < 2026-11-21", {"a"}), ("charge_date > 20.11.2026", set()),
    ("problem_since >= 2026-11-25 10:00", {"b"}), ("problem_since < 2026-11-25 09:00", set()),
    ("device_restarted = yes", {"b"}), ("device_restarted = no", set()),
    ("approval_reference contains a-", {"a"}), ("approval_reference contains zz", set()),
]


def test_attribute_values_compare_by_their_kind(two):
    url, actor, k = two
    for condition, expected in ATTRIBUTE_CASES:
        assert _matched(url, actor, k, attributes=[parse_condition(condition)]) == expected, condition


REFUSED = [
    ({"attributes": [AttributeCondition(code="dispute_reason", op="<", value="x")]}, ValidationError, "attributes"),
    ({"attributes": [AttributeCondition(code="amount", op="contains", value="5")]}, ValidationError, "attributes"),
    ({"attributes": [AttributeCondition(code="amount", op=">=", value="lots")]}, ValidationError, "attributes"),
    ({"attributes": [AttributeCondition(code="no_such", value="1")]}, ValidationError, "attributes"),
    ({"channel": "pigeon"}, ValidationError, "channel"),
    ({"place": "moon"}, ValidationError, "place"),
    ({"topic": "no_such", "subtopics": True}, ValidationError, "topic"),
    ({"queue": "no_such"}, NotFound, None),
    ({"structure_node": 1, "structure": "no_such"}, ValidationError, "structure"),
    ({"created_from": datetime(2026, 3, 2, tzinfo=UTC), "created_to": datetime(2026, 3, 1, tzinfo=UTC)},
     ValidationError, "created_to"),
]


def test_a_filter_that_does_not_fit_is_refused_naming_the_field(demo_url, people):
    for params, error, field in REFUSED:
        with unit_of_work(demo_url) as session, pytest.raises(error) as raised:
            queues.page(session=session, actor=people["supervisor"], where=InquiryFilter(**params))
        assert field is None or raised.value.field == field, params


def test_typed_conditions_and_periods():
    assert parse_condition("amount>=1000") == AttributeCondition(code="amount", op=">=", value="1000")
    assert parse_condition("note contains a = b").op == "contains"
    end = period_bound("2026-03-31", "created_to", end=True)
    assert end is not None and end.date().isoformat() == "2026-04-01"  # the whole last day is included
    with pytest.raises(ValidationError):
        parse_condition("amount")


def test_archived_inquiries_are_filtered_by_the_same_parameters(two):
    url, actor, k = two
    admin = Actor(login="admin", role=Role.ADMIN, id=1)
    for inquiry in (k["a"], k["b"]):
        act(url, inquiry_actions.close, actor, inquiry_id=inquiry, resolution="done")
    _register(url, actor, 1, "phone", "cc_msk", "no_data", {"problem_since": "2026-11-25 10:00"})  # kept live
    act(url, archive.archive_batch, admin, before=datetime.now(UTC) + timedelta(days=1))

    def archived(**params) -> set[str]:
        where = InquiryFilter(state="closed", created_from=k["start"], **params)
        rows = act(url, archive_read.archived_page, actor, where=where, limit=500).rows
        return {name for name in ("a", "b") if k[name] in {r.id for r in rows}}
    assert archived() == {"a", "b"}
    assert archived(attributes=[parse_condition("amount >= 1000")]) == {"a"}
    assert archived(channel="email", topic="technical", subtopics=True) == {"b"}
    assert archived(structure_node=k["nord"]) == {"a"}
