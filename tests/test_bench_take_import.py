"""The take-next and customer-import figures of `crmterm bench` on both databases: every take of the service
and of the raw baseline is a committed unit of work with its 'taken' event, no inquiry is taken twice, and the
import is committed (its history rows stay) while its customers are removed afterwards."""

from __future__ import annotations

from sqlmodel import col, func, select
from test_external_events import new_inquiry
from test_workflow import people

from crmterm.bench import imports, take
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.store import ChangeLog, Inquiry, InquiryEvent, Party, Queue
from crmterm.store.db import unit_of_work


def test_take_figures_come_from_committed_takes_with_their_events(demo_url):
    new_inquiry(demo_url, people(demo_url)["agent"])  # the bench copies a real inquiry
    figures = take.measure_take_next(demo_url, workers=4, inquiries=120)
    assert figures["double_assigned"] == 0 and figures["take_next_workers"] == 4
    assert figures["take_next_per_s"] > 0 and figures["take_next_raw_per_s"] > 0
    with unit_of_work(demo_url) as session:
        queue_id = session.exec(select(Queue.id).where(Queue.code == take.QUEUE)).one()
        copies = session.exec(select(col(Inquiry.id)).where(col(Inquiry.queue_id) == queue_id)).all()
        events = session.exec(select(InquiryEvent.inquiry_id, InquiryEvent.data).where(
            col(InquiryEvent.inquiry_id).in_(copies), InquiryEvent.kind == "taken")).all()
        waiting = session.exec(select(func.count()).where(col(Inquiry.queue_id) == queue_id,
                                                          Inquiry.state == "waiting")).one()
    assert len(copies) == 240 and waiting == 0
    assert sorted(i for i, _data in events) == sorted(copies)  # service and raw: one event each
    assert [data for _i, data in events] == [{"next": True}] * len(copies)


def test_import_figure_comes_from_a_committed_import(demo_url):
    with unit_of_work(demo_url) as session:
        parties = session.exec(select(func.count()).select_from(Party)).one()
    figures = imports.measure_import(url=demo_url, actor=SYSTEM, count=300)
    assert figures["import_errors"] == 0 and figures["customers_import_per_s"] > 0
    with unit_of_work(demo_url) as session:
        assert session.exec(select(func.count()).select_from(Party)).one() == parties
        created = session.exec(select(func.count()).where(ChangeLog.entity == "party", ChangeLog.field == "created",
                                                          ChangeLog.source == "import")).one()
    assert created == 300
