"""Registration: one contact with one inquiry and five typed attributes (one a dictionary item, one
mandatory by rule), routed into its first step's queue with its events, for a known customer — through the
service the screen and the CLI call, and as the same rows inserted raw. Inside one transaction that is
rolled back, so nothing stays behind."""

from __future__ import annotations

import time

from sqlmodel import Session, col, select

from crmterm.bench.timing import marks, percentile, raw_cursor, timed
from crmterm.services.accounts.permissions import Actor
from crmterm.services.customers import customers
from crmterm.services.directory import directory
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.store import AttributeDef, Inquiry, utcnow

_ATTRIBUTES = [
    ("bench_reg_amount", "decimal", "false"), ("bench_reg_when", "date", "false"),
    ("bench_reg_count", "integer", "false"), ("bench_reg_flag", "bool", "false"),
    ("bench_reg_reason", "string", "inquiry.attrs.bench_reg_amount > 100"),
]
_VALUES = {"bench_reg_amount": "150.50", "bench_reg_when": "2026-11-27", "bench_reg_count": "3",
           "bench_reg_flag": "true", "bench_reg_reason": "bench"}


def _build(session: Session, actor: Actor) -> int:
    directory.create_entry(session=session, actor=actor, kind="topics", source="bench", values={
        "code": "bench_reg_topic", "labels": {"en": "Bench registration"}, "short_code": 990,
        "inquiry_type": "request"})
    for order, (code, kind, mandatory) in enumerate(_ATTRIBUTES):
        directory.create_entry(session=session, actor=actor, kind="attributes", source="bench", values={
            "code": code, "labels": {"en": code}, "topic": "bench_reg_topic", "type": kind,
            "mandatory": mandatory, "sort_order": order})
    queue = directory.list_entries(session=session, actor=actor, kind="queues", limit=1)
    if queue:  # routed like every request: into its first step's queue
        directory.create_entry(session=session, actor=actor, kind="routes", source="bench", values={
            "code": "bench_reg_route", "labels": {"en": "Bench"}, "topics": ["bench_reg_topic"],
            "steps": [{"code": "work", "queue": queue[0].key}, {"code": "done", "final": True}],
            "transitions": [{"code": "done", "from": "work", "to": "done"}]})
    party = customers.create_party(session=session, actor=actor, source="bench",
                                   values={"display_name": "Bench customer", "kind": "person"})
    session.flush()
    return party.id


def measure_registration(*, session: Session, actor: Actor, rounds: int = 300) -> dict[str, float]:
    party_id = _build(session, actor)
    draft = ContactDraft(customer=party_id, direction="in", text="bench", inquiries=[{
        "topic": "bench_reg_topic", "values": _VALUES}])
    first = register(session=session, actor=actor, draft=draft)  # warm caches (compiled rules, statements)
    timings = timed(lambda: register(session=session, actor=actor, draft=draft), rounds)
    model = session.get(Inquiry, first.inquiry_ids[0])
    assert model is not None, "the inquiry just registered"
    raw = _raw_rate(session, model, rounds)
    session.rollback()
    return {"register_1_inquiry_5_attrs_p50_ms": percentile(timings, 50) * 1000,
            "register_1_inquiry_5_attrs_p95_ms": percentile(timings, 95) * 1000,
            "register_per_s": rounds / sum(timings), "register_raw_per_s": raw}


def _raw_rate(session: Session, model: Inquiry, rounds: int) -> float:
    """The same rows as a registration writes (contact, inquiry with its route fields, five values, the
    created and routed events), inserted through the driver with nothing checked."""
    ids = dict(session.exec(select(AttributeDef.code, AttributeDef.id)
                            .where(col(AttributeDef.code).in_(list(_VALUES)))).all())
    pairs = [(ids[code], value) for code, value in _VALUES.items()]
    now = utcnow().strftime("%Y-%m-%d %H:%M:%S.%f")
    contact_sql = marks(session, "INSERT INTO contact (at, direction, party_id, caller, text) "
                                 "VALUES (?, 'in', ?, '', 'bench') RETURNING id")
    inquiry_sql = marks(session, "INSERT INTO inquiry (contact_id, party_id, topic_id, type, priority_id, state, "
                                 "text, priority_rank, route_revision_id, step, queue_id, due_at, resolution, version, "
                                 "created_at, updated_at, updated_by) VALUES (?, ?, ?, 'request', ?, 'waiting', '', ?, "
                                 "?, ?, ?, ?, '', 1, ?, ?, 'bench') RETURNING id")
    value_sql = marks(session, "INSERT INTO inquiry_value (inquiry_id, attribute_id, value) VALUES (?, ?, ?)")
    event_sql = marks(session, "INSERT INTO inquiry_event (inquiry_id, at, actor, kind, contact_id, text, data) "
                               "VALUES (?, ?, 'bench', ?, ?, '', '{}')")
    with raw_cursor(session) as cursor:
        started = time.perf_counter()
        for _round in range(rounds):
            cursor.execute(contact_sql, (now, model.party_id))
            contact = cursor.fetchone()[0]
            cursor.execute(inquiry_sql, (contact, model.party_id, model.topic_id, model.priority_id,
                                         model.priority_rank, model.route_revision_id, model.step, model.queue_id,
                                         now, now, now))
            inquiry = cursor.fetchone()[0]
            cursor.executemany(value_sql, [(inquiry, a, v) for a, v in pairs])
            cursor.executemany(event_sql, [(inquiry, now, "created", contact), (inquiry, now, "routed", None)])
        return rounds / (time.perf_counter() - started)
