"""Warning where it matters (issue 29, item 3) alive in the demo: the complaint route's first line sends a
complaint of a customer the churn model scores at 40 % or more to the experienced (VIP) line."""

from __future__ import annotations

from datetime import UTC, datetime

from helpers import AGENT
from sqlmodel import col, select

from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import ChurnScore, ClientCategory, Inquiry, Party, Queue
from crmterm.store.db import unit_of_work


def _complaint_queue(url: str, customer: int) -> str:
    draft = ContactDraft(at=datetime(2026, 11, 20, 9, 30, tzinfo=UTC), channel="phone", place="cc_msk",
                         customer=customer, inquiries=[{"topic": "disputed_charge", "priority": "high", "values": {
                             "amount": "100", "dispute_reason": "double_charge", "charge_date": "2026-11-20",
                             "approval_reference": "A-1"}}])
    with unit_of_work(url) as session:
        inquiry_id = register(session=session, actor=AGENT, draft=draft).inquiry_ids[0]
        return session.exec(select(Queue.code).join(Inquiry, col(Inquiry.queue_id) == col(Queue.id))
                            .where(Inquiry.id == inquiry_id)).one()


def test_a_complaint_of_a_customer_likely_to_leave_goes_to_the_experienced_line(demo_url):
    with unit_of_work(demo_url) as session:
        vip = select(ClientCategory.id).where(ClientCategory.code == "vip")
        not_vip = select(Party.id).where(col(Party.category_id).is_(None) | col(Party.category_id).not_in(vip))
        risky = session.exec(select(ChurnScore.party_id).where(ChurnScore.score >= 0.4, col(ChurnScore.party_id)
                                                                 .in_(not_vip))).first()
        calm = session.exec(select(ChurnScore.party_id).where(ChurnScore.score < 0.1, col(ChurnScore.party_id)
                                                                .in_(not_vip)).order_by(ChurnScore.party_id)).first()
    assert risky is not None and calm is not None  # the demo's story customers carry scores (churn_demo)
    assert _complaint_queue(demo_url, risky) == "vip_line"
    assert _complaint_queue(demo_url, calm) == "first_line"
