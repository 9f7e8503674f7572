"""Full "as of" on both databases: a customer's name, category and status changed at known days, the card as of
each day, fields not tracked then, a fixed number of queries, the CLI's card as of a day, and a report grouped by
the category a customer had when each inquiry was made beside the one it has now."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from helpers import ADMIN, AGENT
from sqlalchemy import event, update
from sqlmodel import col, select
from test_cli import cli_on

from crmterm.services.customers import customer_card, customers, history
from crmterm.services.customers.as_of import party_as_of
from crmterm.services.reports import reports
from crmterm.services.routing import saved_filters
from crmterm.services.routing.queues import InquiryFilter
from crmterm.store import ChangeLog, Contact, Inquiry, Party, Topic
from crmterm.store.db import unit_of_work
from crmterm.store.tables import saved_id

TODAY = datetime.now(UTC).date()
CREATED, RENAMED, CLOSED = (TODAY - timedelta(days=d) for d in (30, 20, 10))


def _call(url, service, actor=ADMIN, **kwargs):
    with unit_of_work(url) as session:
        return service(session=session, actor=actor, **kwargs)


def _noon(day: date) -> datetime:
    return datetime.combine(day, time(12), UTC)


def _logged(url, party_id: int, day: date, **changes: tuple) -> None:
    """Changes made at noon of `day` (field=(old, new)), as update_party logs them: a history written earlier
    (the change log is append-only, so a test cannot move today's entries into the past)."""
    with unit_of_work(url) as session:
        for field, (old, new) in changes.items():
            session.add(ChangeLog(entity="party", entity_id=party_id, field=field, old=history.dump_value(old),
                                  new=history.dump_value(new), at=_noon(day), by="admin", source="cli"))


@pytest.fixture
def renamed(demo_url):
    """Created 30 days ago as "Old Name" (b2c), renamed and made VIP 20 days ago, closed 10 days ago."""
    party_id = _call(demo_url, customers.create_party, values={
        "display_name": "New Name", "category": "vip", "status": "closed", "email": "old@example.com"}).id
    with unit_of_work(demo_url) as session:
        session.execute(update(Party).where(col(Party.id) == party_id).values(created_at=_noon(CREATED)))
    _logged(demo_url, party_id, RENAMED, display_name=("Old Name", "New Name"), category=("b2c", "vip"))
    _logged(demo_url, party_id, CLOSED, status=("active", "closed"))
    return demo_url, party_id


def _then(url, party_id, day):
    card = _call(url, customer_card.get_card, actor=AGENT, party_id=party_id, as_of=day)
    assert card.party.display_name == "New Name" and card.party.status == "closed"  # today's, for the form
    return card.then


def test_the_card_as_of_each_day_shows_what_was_true_then(renamed):
    url, party_id = renamed
    first = _then(url, party_id, CREATED + timedelta(days=1))
    assert [first.value(f) for f in ("display_name", "category", "status")] == ["Old Name", "b2c", "active"]
    name = first.field("display_name")
    assert name.known and name.changed and name.since == _noon(CREATED)  # since the customer was created
    assert first.field("category").shown == "Private (B2C)"
    middle = _then(url, party_id, RENAMED)  # a change made on the day counts on that day
    assert [middle.value(f) for f in ("display_name", "category", "status")] == ["New Name", "vip", "active"]
    assert middle.field("category").since == _noon(RENAMED)
    late = _then(url, party_id, CLOSED + timedelta(days=1))
    assert (late.value("status"), late.existed) == ("closed", True)
    assert not any(f.changed for f in late.fields)
    assert _then(url, party_id, TODAY) is None  # today's card is today's values


def test_before_the_customer_existed_the_card_says_so(renamed):
    url, party_id = renamed
    before = _then(url, party_id, CREATED - timedelta(days=5))
    assert before.existed is False and before.value("display_name") == "Old Name"  # the earliest known
    assert all(f.since is None for f in before.fields)


def test_a_field_tracked_only_since_today_is_not_shown_with_todays_value(renamed):
    url, party_id = renamed
    with unit_of_work(url) as session:
        fields = sorted(history.tracked(session, "party"))
        history.set_tracked(session, "party", [f for f in fields if f not in ("email", "phone")])
    with unit_of_work(url) as session:
        history.set_tracked(session, "party", [f for f in fields if f != "phone"])  # e-mail tracked anew
    then = _then(url, party_id, CLOSED)
    email, phone = then.field("email"), then.field("phone")
    assert not email.known and email.value is None and email.tracked_since is not None
    assert email.shown.startswith("not tracked before ")
    assert not phone.known and phone.shown == "not tracked"
    assert then.field("display_name").known  # tracked from the start: kept


def test_the_card_as_of_a_day_reads_a_fixed_number_of_statements(renamed):
    url, party_id = renamed
    emails = ["old@example.com", *(f"e{number}@example.com" for number in range(12))]
    for old, new in zip(emails, emails[1:], strict=False):  # a long history: no query per change or per field
        _logged(url, party_id, CLOSED + timedelta(days=1), email=(old, new))
    with unit_of_work(url) as session:
        session.execute(update(Party).where(col(Party.id) == party_id).values(email=emails[-1]))
    with unit_of_work(url) as session:
        party = session.get(Party, party_id)
        current, created = customers.read(session, party), party.created_at
        statements: list[str] = []

        def count(*args) -> None:
            statements.append(args[2])
        event.listen(session.get_bind(), "before_cursor_execute", count)
        try:
            then = party_as_of(session, current, created, CREATED + timedelta(days=1))
        finally:
            event.remove(session.get_bind(), "before_cursor_execute", count)
    assert then.value("email") == "old@example.com"
    assert len(statements) == 4, statements  # tracked fields, changes after, changes before, category labels


def test_a_merged_customers_history_does_not_pass_for_the_survivors(renamed):
    url, party_id = renamed
    other = _call(url, customers.create_party, values={"display_name": "Other"}).id
    _call(url, customers.update_party, party_id=other, values={"display_name": "Other Renamed"}, expected_version=None)
    _call(url, customers.merge, survivor_id=party_id, merged_id=other)  # its history moves to the survivor
    then = _then(url, party_id, RENAMED)
    assert then.value("display_name") == "New Name"  # not the merged customer's "Other"


def test_the_cli_shows_the_card_as_of_a_day(renamed, tmp_path):
    url, party_id = renamed
    cli = cli_on(url, tmp_path / "home")
    shown = cli("customer", "show", str(party_id), "--as-of", (CREATED + timedelta(days=1)).isoformat())
    assert shown.exit_code == 0, shown.output
    lines = shown.stdout.splitlines()
    assert lines[0].startswith(f"#{party_id} Old Name · as of ")
    assert any(line.strip().startswith("Client category: Private (B2C) (since ") for line in lines)
    assert any(line.strip() == "Status: Active" or line.strip().startswith("Status: Active (since") for line in lines)
    today = cli("customer", "show", str(party_id))
    assert today.stdout.splitlines()[0].startswith(f"#{party_id} New Name (")


def _inquiries_of(url, party_id: int, days: list[date]) -> list[int]:
    """Inquiries of the customer made at noon of each day (registered and waiting: open)."""
    with unit_of_work(url) as session:
        topic = session.exec(select(Topic.id).where(col(Topic.is_group).is_(False)).order_by(col(Topic.id))).first()
        contacts = [Contact(at=_noon(day), party_id=party_id) for day in days]
        session.add_all(contacts)
        session.flush()
        rows = [Inquiry(contact_id=c.id, party_id=party_id, topic_id=topic, type="request", state="registered",
                        created_at=c.at, updated_at=c.at) for c in contacts]
        session.add_all(rows)
        session.flush()
        return [saved_id(row) for row in rows]


def _drilled(url, key: dict) -> list[int]:
    with unit_of_work(url) as session:
        return sorted(row.id for row in reports.drill_down(session=session, actor=ADMIN, report_row_key=key).rows)


def test_a_report_groups_by_the_category_at_the_time_or_now(renamed):
    url, party_id = renamed
    before, *after = _inquiries_of(url, party_id, [CREATED + timedelta(days=2), RENAMED + timedelta(days=3),
                                                   CLOSED + timedelta(days=1)])
    with unit_of_work(url) as session:
        saved_filters.save_filter(session=session, actor=ADMIN, name="theirs",
                                  where=InquiryFilter(state="open", customer=party_id))
    params = reports.ReportParams(start=_noon(CREATED), end=_noon(TODAY + timedelta(days=1)))

    def grouped(by: str):
        with unit_of_work(url) as session:
            table = reports.run(session=session, actor=ADMIN, name="custom", params=params, saved_filter="theirs",
                                group_by=by)
        return {row[0]: (row[1], _drilled(url, key)) for row, key in zip(table.rows, table.drill, strict=True)}

    assert grouped("category") == {"VIP": (3, sorted([before, *after]))}
    assert grouped("category_then") == {"Private (B2C)": (1, [before]), "VIP": (2, sorted(after))}
