"""Figures for topic forms and rules: effective attribute resolution on a deep topic with many attributes,
flag evaluation and single rule evaluations. Runs inside one transaction that is rolled back, so it can be
pointed at any database without leaving data behind."""

from __future__ import annotations

from sqlmodel import Session

from crmterm.bench.timing import percentile, timed
from crmterm.services.accounts.permissions import Actor
from crmterm.services.directory import directory
from crmterm.services.topics import attribute_forms
from crmterm.workflow import rules

DEPTH, ATTRIBUTES = 6, 50


def _build(session: Session, actor: Actor) -> str:
    parent = None
    for level in range(DEPTH):
        code = f"bench_level_{level}"
        directory.create_entry(session=session, actor=actor, kind="topics", source="bench", values={
            "code": code, "labels": {"en": f"Bench level {level}"}, "parent": parent, "short_code": 900 + level,
            "is_group": level < DEPTH - 1})
        parent = code
    for n in range(ATTRIBUTES):
        topic = f"bench_level_{n % DEPTH}"
        rule = f"inquiry.attrs.bench_attr_0 > {n}" if n % 5 == 0 and n else "false"
        overrides = {f"bench_level_{DEPTH - 1}": {"hidden": "false"}} if n % 7 == 0 and n % DEPTH < DEPTH - 1 else {}
        directory.create_entry(session=session, actor=actor, kind="attributes", source="bench", values={
            "code": f"bench_attr_{n}", "labels": {"en": f"Bench attribute {n}"}, "topic": topic,
            "type": "decimal" if n == 0 else "string", "mandatory": rule, "overrides": overrides})
    session.flush()
    return f"bench_level_{DEPTH - 1}"  # the deepest topic


def measure_forms(*, session: Session, actor: Actor, rounds: int = 300) -> dict[str, float]:
    topic = _build(session, actor)
    form = attribute_forms.effective_attributes(session=session, actor=actor, topic=topic)
    assert len(form.fields) == ATTRIBUTES and len(form.path) == DEPTH
    resolve = timed(lambda: attribute_forms.effective_attributes(session=session, actor=actor, topic=topic),
                     rounds)
    context = attribute_forms.rule_context(form, {"bench_attr_0": 25})
    flags = timed(lambda: form.flags(context), rounds)
    rule = "inquiry.attrs.bench_attr_0 > 10 && inquiry.type == 'consultation'"
    rules.holds(rule, context)
    single = timed(lambda: rules.holds(rule, context), rounds * 10)
    session.rollback()
    ms = {"topic_form_p50_ms": (resolve, 50), "topic_form_p95_ms": (resolve, 95), "form_flags_p95_ms": (flags, 95)}
    us = {"rule_eval_p50_us": (single, 50), "rule_eval_p95_us": (single, 95)}
    return {"topic_form_depth": DEPTH, "topic_form_attributes": ATTRIBUTES,
            **{name: percentile(values, q) * 1000 for name, (values, q) in ms.items()},
            **{name: percentile(values, q) * 1e6 for name, (values, q) in us.items()}}
