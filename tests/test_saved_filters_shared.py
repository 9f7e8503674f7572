"""Saved filters shared with a user group on both databases: who sees them, who may edit or delete them,
renaming, every parameter surviving a save, and a report run over a filter shared with the reader."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.reports import reports
from crmterm.services.reports.reports_scope import ReportParams
from crmterm.services.routing import queues, saved_filters
from crmterm.services.routing.inquiry_filter import AttributeCondition, InquiryFilter
from crmterm.services.routing.saved_filters import PRIVATE
from helpers import act, register_disputed_charge

EVERYTHING = InquiryFilter(queue="first_line", state="waiting", assignee="me", priority="high", topic="billing",
                           subtopics=True, customer=1, overdue=True, structure_node=1, structure="organisation",
                           created_from=datetime(2026, 1, 1, tzinfo=UTC), created_to=datetime(2026, 2, 1, tzinfo=UTC),
                           due_from=datetime(2026, 1, 5, tzinfo=UTC), due_to=datetime(2026, 3, 1, tzinfo=UTC),
                           channel="phone", place="cc_msk",
                           attributes=[AttributeCondition(code="amount", op=">=", value="1000")])


def _names(url, actor) -> list[tuple[str, str, bool]]:
    return [(f.name, f.owner, f.editable) for f in act(url, saved_filters.list_filters, actor)]


def test_every_parameter_survives_a_save(demo_url, people):
    act(demo_url, saved_filters.save_filter, people["agent"], name="all", where=EVERYTHING)
    assert act(demo_url, saved_filters.get_filter, people["agent"], name="all").where == EVERYTHING


def test_a_shared_filter_is_seen_by_the_group_and_edited_by_owner_and_supervisors(demo_url, people):
    agent, agent2, supervisor, auditor = (people[n] for n in ("agent", "agent2", "supervisor", "auditor"))
    act(demo_url, saved_filters.save_filter, agent2, name="Claims", where=InquiryFilter(channel="phone"),
        shared_with="l1")
    assert ("Claims", "agent2", False) in _names(demo_url, agent)  # agent is in l1 too: sees it, may not edit
    assert "Claims" not in [n for n, *_ in _names(demo_url, auditor)]  # in no group
    with pytest.raises(PermissionDenied):
        act(demo_url, saved_filters.edit_filter, agent, name="Claims", new_name="Mine now")
    with pytest.raises(PermissionDenied):
        act(demo_url, saved_filters.delete_filter, agent, name="Claims")
    edited = act(demo_url, saved_filters.edit_filter, supervisor, name="Claims", new_name="Phone claims",
                 where=InquiryFilter(channel="email"))  # supervisor is in l1: finds it by name
    assert (edited.name, edited.owner, edited.where.channel) == ("Phone claims", "agent2", "email")
    act(demo_url, saved_filters.edit_filter, agent2, name="Phone claims", shared_with=PRIVATE)
    assert "Phone claims" not in [n for n, *_ in _names(demo_url, agent)]
    act(demo_url, saved_filters.delete_filter, agent2, name="Phone claims")
    with pytest.raises(NotFound):
        act(demo_url, saved_filters.get_filter, agent2, name="Phone claims")


def test_sharing_needs_membership_and_a_known_group_and_names_stay_unique(demo_url, people):
    agent = people["agent"]
    with pytest.raises(PermissionDenied):  # agent is not in claims
        act(demo_url, saved_filters.save_filter, agent, name="x", where=InquiryFilter(), shared_with="claims")
    with pytest.raises(NotFound):
        act(demo_url, saved_filters.save_filter, agent, name="x", where=InquiryFilter(), shared_with="nobody")
    with pytest.raises(ValidationError) as refused:  # checked when saved, not when the tab opens
        act(demo_url, saved_filters.save_filter, agent, name="x",
            where=InquiryFilter(attributes=[AttributeCondition(code="amount", op="contains", value="1")]))
    assert refused.value.field == "attributes"
    for name in ("a", "b"):
        act(demo_url, saved_filters.save_filter, agent, name=name, where=InquiryFilter())
    with pytest.raises(Conflict):
        act(demo_url, saved_filters.edit_filter, agent, name="a", new_name="b")


def test_a_report_runs_over_a_filter_shared_with_its_reader(demo_url, people):
    where = InquiryFilter(state="open", channel="phone", topic="billing", subtopics=True)
    act(demo_url, saved_filters.save_filter, people["agent2"], name="Claims by phone", where=where, shared_with="l1")
    now = datetime.now(UTC)
    register_disputed_charge(demo_url, at=now)
    params = ReportParams(start=now - timedelta(days=4000), end=now + timedelta(days=1))
    table = act(demo_url, reports.run, people["supervisor"], name=reports.CUSTOM, params=params,
                saved_filter="Claims by phone", group_by="topic")
    listed = act(demo_url, queues.page, people["supervisor"], where=where, limit=1000).rows
    assert sum(row[1] for row in table.rows) == len(listed) > 0
    with pytest.raises(NotFound):  # the auditor reads reports but is in no group the filter is shared with
        act(demo_url, reports.run, people["auditor"], name=reports.CUSTOM, params=params,
            saved_filter="Claims by phone")
