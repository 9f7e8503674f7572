"""Figures for topic forms and rules: effective attribute resolution on a chain of bench topics six deep
with 50 attributes (each resolution drawn among the chain's topics, 9 to 50 attributes, each its own
read-only unit of work, as the Register tab's worker opens one), flag evaluation for drawn values and single
rule evaluations. Reading a form writes nothing, so nothing is committed but the bench topics themselves:
created on the first run (committed, so each unit of work sees them) and found on the next ones."""

from __future__ import annotations

import itertools
import random

from sqlmodel import Session, select

from crmterm.bench.timing import percentile, timed
from crmterm.services.accounts.permissions import Actor
from crmterm.services.directory import directory
from crmterm.services.topics import attribute_forms
from crmterm.services.topics.attribute_forms import AttributeForm
from crmterm.store import Topic
from crmterm.store.db import unit_of_work
from crmterm.workflow import rules

DEPTH, ATTRIBUTES = 6, 50


def _build(url: str, actor: Actor) -> list[str]:
    """The chain's topics, top first (built unless a previous run left them)."""
    codes = [f"bench_level_{level}" for level in range(DEPTH)]
    with unit_of_work(url) as session:
        if session.exec(select(Topic.id).where(Topic.code == codes[-1])).first() is None:
            _create(session, actor)
    return codes


def _create(session: Session, actor: Actor) -> None:
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


def _resolve(url: str, actor: Actor, topic: str) -> AttributeForm:
    with unit_of_work(url) as session:
        return attribute_forms.effective_attributes(session=session, actor=actor, topic=topic)


def measure_forms(url: str, *, actor: Actor, rounds: int = 300, rng: random.Random) -> dict[str, float]:
    topics = _build(url, actor)
    form = _resolve(url, actor, topics[-1])
    assert len(form.fields) == ATTRIBUTES and len(form.path) == DEPTH
    resolve = timed(lambda: _resolve(url, actor, rng.choice(topics)), rounds)
    contexts = [attribute_forms.rule_context(form, {"bench_attr_0": rng.randrange(100)}) for _n in range(rounds)]
    drawn = iter(contexts)
    flags = timed(lambda: form.flags(next(drawn)), rounds)
    rule = "inquiry.attrs.bench_attr_0 > 10 && inquiry.type == 'consultation'"
    rules.holds(rule, contexts[0])
    cycled = itertools.cycle(contexts)
    single = timed(lambda: rules.holds(rule, next(cycled)), rounds * 10)
    ms = {"topic_form_p50_ms": (resolve, 50), "topic_form_p95_ms": (resolve, 95), "form_flags_p95_ms": (flags, 95)}
    us = {"rule_eval_p50_us": (single, 50), "rule_eval_p95_us": (single, 95)}
    return {"topic_form_depth": DEPTH, "topic_form_attributes": ATTRIBUTES,
            **{name: percentile(values, q) * 1000 for name, (values, q) in ms.items()},
            **{name: percentile(values, q) * 1e6 for name, (values, q) in us.items()}}
