"""The knowledge-base bench probe at a small scale on both databases: it builds its synthetic articles once
(a second run reuses them) and reports the median and p95 of ranked searches. Timings are not asserted."""

from __future__ import annotations

import random

from crmterm.bench import kb


def test_kb_probe_builds_once_and_reports_its_figures(db_url):
    first = kb.measure(db_url, 300, 200, random.Random(1))
    assert (first["kb_articles"], first["kb_articles_built"]) == (300, 300)
    assert 0 < first["kb_search_median_ms"] <= first["kb_search_p95_ms"]
    again = kb.measure(db_url, 300, 200, random.Random(1))
    assert (again["kb_articles"], again["kb_articles_built"]) == (300, 0)
