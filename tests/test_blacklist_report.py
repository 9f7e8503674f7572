"""The blacklist activity report (issue 28, item 7), on SQLite and PostgreSQL: entries added and lifted in a
period per reason and per user, in every export format; reports.read only."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from helpers import act

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.billing import blacklist
from crmterm.services.reports.exports import FORMATS, write_report
from crmterm.services.reports.reports_blacklist import blacklist_report


def test_added_and_lifted_per_reason_and_user_in_every_format(demo_url, people, tmp_path):
    boss, admin = people["supervisor"], people["admin"]
    for number in ("+79165550001", "+79165550002"):
        act(demo_url, blacklist.add_entry, boss, kind="phone", value=number, reason="fraud")
    debtor = act(demo_url, blacklist.add_entry, boss, kind="document", value="DEBT-1", reason="non_payment")
    act(demo_url, blacklist.lift_entry, admin, entry_id=debtor.id)
    now = datetime.now(timezone.utc)
    start, end = now - timedelta(hours=1), now + timedelta(hours=1)
    table = act(demo_url, blacklist_report, people["auditor"], start=start, end=end)
    mine = [row for row in table.as_records() if row["user"] in ("supervisor", "admin")]
    assert [(r["reason"], r["user"], r["added"], r["lifted"]) for r in mine] == [
        ("fraud", "supervisor", 2, 0), ("non-payment", "admin", 0, 1), ("non-payment", "supervisor", 1, 0)]
    assert table.totals[2] == sum(r["added"] for r in table.as_records())
    later = act(demo_url, blacklist_report, admin, start=end, end=end + timedelta(days=1))
    assert later.rows == [] and later.totals[2:] == [0, 0]
    for fmt in FORMATS:
        write_report(table, fmt, tmp_path / f"blacklist.{fmt}")
        assert (tmp_path / f"blacklist.{fmt}").stat().st_size > 0
    records = json.loads((tmp_path / "blacklist.json").read_text(encoding="utf-8"))
    assert "supervisor" in json.dumps(records, ensure_ascii=False)
    assert "supervisor" in (tmp_path / "blacklist.csv").read_text(encoding="utf-8-sig")
    with pytest.raises(PermissionDenied):
        act(demo_url, blacklist_report, people["agent"], start=start, end=end)
    with pytest.raises(ValidationError):
        act(demo_url, blacklist_report, admin, start=end, end=start)
