"""The breaches behind a quality-of-service row (issue 27, item 5; the QoS screen's Enter), on SQLite and
PostgreSQL: the covered inquiries that waited past a deadline, nothing else, and only for readers of reports."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from helpers import act
from sqlalchemy import update
from test_service_contracts import _home_customer, _register

from crmterm.errors import NotFound, PermissionDenied
from crmterm.services.reports import reports_qos as qos
from crmterm.services.service import service_contracts
from crmterm.services.service.service_contracts import ContractDraft
from crmterm.store import Inquiry
from crmterm.store.db import unit_of_work


def test_the_breaches_of_a_contract_are_its_late_inquiries(demo_url, people):
    party = _home_customer(demo_url)
    act(demo_url, service_contracts.add_contract, people["supervisor"], draft=ContractDraft(
        code="T-LATE", customer=party, topics=["home_internet"], response="10m", resolution="1h",
        valid_from=date.today() - timedelta(days=1)))
    late, _kept = _register(demo_url, party, people), _register(demo_url, party, people)
    uncovered = _register(demo_url, party, people, topic="no_data")
    with unit_of_work(demo_url) as session:  # the first one and an uncovered one waited past their deadlines
        for inquiry in (late, uncovered):
            session.execute(update(Inquiry).where(Inquiry.id == inquiry.id).values(
                react_due_at=inquiry.react_due_at - timedelta(hours=3), due_at=inquiry.due_at - timedelta(hours=3)))
    rows = act(demo_url, qos.qos_breaches, people["auditor"], contract="T-LATE")
    assert [(row.id, row.topic != "") for row in rows] == [(late.id, True)]
    assert act(demo_url, qos.qos_breaches, people["auditor"], contract="T-LATE",
               start=datetime.now(UTC) + timedelta(days=1)) == []  # a period after it
    with pytest.raises(PermissionDenied):
        act(demo_url, qos.qos_breaches, people["agent"], contract="T-LATE")
    with pytest.raises(NotFound):
        act(demo_url, qos.qos_breaches, people["auditor"], contract="NO-SUCH")
