"""Figures for registration: one contact with one inquiry and five typed attributes (one a dictionary item,
one mandatory by rule), for a known customer, through the same service the screen and the CLI call.
Inside one transaction that is rolled back."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.services import customers, directory
from crmterm.services.bench_forms import percentile, timed
from crmterm.services.permissions import Actor
from crmterm.services.registration import ContactDraft, register

_ATTRIBUTES = [
    ("bench_reg_amount", "decimal", "false"), ("bench_reg_when", "date", "false"),
    ("bench_reg_count", "integer", "false"), ("bench_reg_flag", "bool", "false"),
    ("bench_reg_reason", "string", "inquiry.attrs.bench_reg_amount > 100"),
]


def _build(session: Session, actor: Actor) -> int:
    directory.create_entry(session=session, actor=actor, kind="topics", source="bench", values={
        "code": "bench_reg_topic", "labels": {"en": "Bench registration"}, "short_code": 990,
        "inquiry_type": "request"})
    for order, (code, kind, mandatory) in enumerate(_ATTRIBUTES):
        directory.create_entry(session=session, actor=actor, kind="attributes", source="bench", values={
            "code": code, "labels": {"en": code}, "topic": "bench_reg_topic", "type": kind,
            "mandatory": mandatory, "sort_order": order})
    party = customers.create_party(session=session, actor=actor, source="bench",
                                   values={"display_name": "Bench customer", "kind": "person"})
    session.flush()
    return party.id


def measure_registration(*, session: Session, actor: Actor, rounds: int = 300) -> dict[str, float]:
    party_id = _build(session, actor)
    draft = ContactDraft(customer=party_id, direction="in", text="bench", inquiries=[{
        "topic": "bench_reg_topic", "values": {"bench_reg_amount": "150.50", "bench_reg_when": "2026-11-27",
                                               "bench_reg_count": "3", "bench_reg_flag": "true",
                                               "bench_reg_reason": "bench"}}])
    register(session=session, actor=actor, draft=draft)  # warm caches (compiled rules, statements)
    timings = timed(lambda: register(session=session, actor=actor, draft=draft), rounds)
    session.rollback()
    return {"register_1_inquiry_5_attrs_p50_ms": percentile(timings, 50) * 1000,
            "register_1_inquiry_5_attrs_p95_ms": percentile(timings, 95) * 1000}
