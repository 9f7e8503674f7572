"""Collections (issue 28, items 3 and 7), on SQLite and PostgreSQL: receivables imported idempotently by
invoice number, aging buckets per customer and per payer node, the dunning scan starting one case per debtor
with a call task in the collections queue, promised payments kept or broken (flagged once, escalated), and the
aging and collections reports in every export format."""

from __future__ import annotations

import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from helpers import act
from sqlalchemy import delete
from sqlmodel import select

from crmterm.errors import PermissionDenied, ValidationError
from crmterm.services.collections import aging, collections_reports, dunning, promises, receivables
from crmterm.services.customers import structures
from crmterm.services.integrations import subscriptions
from crmterm.services.reports.exports import export_report
from crmterm.services.work import tasks
from crmterm.store import ChangeLog, Contract, Inquiry, InquiryEvent, PaymentPromise, Priority, Queue, Receivable
from crmterm.store.db import unit_of_work
from crmterm.store.webhooks import WebhookOutbox

def today() -> date:
    """Read at each use, not at import: a run that crosses midnight would otherwise promise for yesterday."""
    return date.today()


@pytest.fixture
def url(demo_url) -> str:
    """The demo without its receivables and promise: each test imports its own."""
    with unit_of_work(demo_url) as session:
        session.exec(delete(PaymentPromise))  # type: ignore[call-overload]
        session.exec(delete(Receivable))  # type: ignore[call-overload]
    return demo_url


def _payer(url: str, contract: str) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Contract.payer_party_id).where(Contract.number == contract)).one()


def _invoice(number: str, party: int, due: date, amount: str, paid: str = "0") -> dict:
    return {"number": number, "customer": str(party), "issued_on": (due - timedelta(days=20)).isoformat(),
            "due_on": due.isoformat(), "amount": amount, "paid": paid}


def _import(url: str, people: dict, *invoices: dict):
    return act(url, receivables.import_rows, people["supervisor"], rows=list(enumerate(invoices, start=1)))


def test_the_import_is_idempotent_by_invoice_number_and_a_bad_file_is_refused_whole(url, people, tmp_path):
    party = _payer(url, "C-00000016")
    lines = [_invoice("INV-1", party, date(2026, 3, 21), "650.00"), _invoice("INV-2", party, date(2026, 4, 21), "700")]
    path = tmp_path / "invoices.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    first = act(url, receivables.import_file, people["supervisor"], path=path)
    again = act(url, receivables.import_file, people["supervisor"], path=path)
    assert (first.created, again.created, again.unchanged) == (2, 0, 2)
    csv = tmp_path / "paid.csv"
    csv.write_text("number,customer,issued_on,due_on,amount,paid\n"
                   f"INV-2,{party},2026-04-01,2026-04-21,700,700\n", encoding="utf-8")
    assert act(url, receivables.import_file, people["supervisor"], path=csv).updated == 1
    assert [r.open_amount for r in act(url, receivables.of_customer, people["agent"], party_id=party)] == [
        Decimal("650.00"), Decimal("0.00")]
    csv.write_text("number,customer,issued_on,due_on,amount\nINV-3,%d,2026-05-01,2026-05-21,10\n"
                   "INV-4,%d,2026-05-01,not a day,10\n" % (party, party), encoding="utf-8")
    with pytest.raises(ValidationError, match="line 3: due_on"):
        act(url, receivables.import_file, people["supervisor"], path=csv)
    with pytest.raises(PermissionDenied):
        act(url, receivables.import_file, people["agent"], path=path)
    assert len(act(url, receivables.of_customer, people["agent"], party_id=party)) == 2  # INV-3 not half-imported


def test_aging_buckets_per_customer_and_per_payer_node(url, people):
    head = _payer(url, "NORD-001")
    child = next(node.party_id for node in act(url, structures.subtree, people["agent"], structure="organisation",
                                               party_id=head) if node.party_id != head)
    as_of = date(2026, 6, 30)
    _import(url, people, _invoice("A-0", child, as_of, "10"), _invoice("A-29", child, date(2026, 6, 1), "20"),
            _invoice("A-60", child, date(2026, 5, 1), "30"), _invoice("A-90", child, date(2026, 4, 1), "40"),
            _invoice("A-121", child, date(2026, 3, 1), "50", paid="25"),
            _invoice("A-PAID", child, date(2026, 2, 1), "99", paid="99"),
            _invoice("H-15", head, date(2026, 6, 15), "100"))
    mine = act(url, aging.customer_aging, people["agent"], party_id=child, as_of=as_of)
    assert [mine.current, mine.d1_30, mine.d31_60, mine.d61_90, mine.d90_plus] == [10, 20, 30, 40, 25]
    whole, rows = act(url, aging.node_aging, people["agent"], structure="organisation", party_id=head, as_of=as_of)
    assert (whole.d1_30, whole.overdue, whole.total) == (120, 215, 225)
    assert {row.party_id for row in rows} == {head, child}


def _case(url: str, party: int) -> Inquiry:
    with unit_of_work(url) as session:
        return session.exec(select(Inquiry).where(Inquiry.party_id == party)
                            .order_by(Inquiry.id.desc())).first()  # type: ignore[union-attr]


def test_the_scan_starts_one_case_per_debtor_with_a_call_task_in_the_collections_queue(url, people):
    debtor, later = _payer(url, "C-00000016"), _payer(url, "C-00000017")
    _import(url, people, _invoice("D-1", debtor, today() - timedelta(days=10), "800"),
            _invoice("L-1", later, today() + timedelta(days=5), "900"))
    with pytest.raises(PermissionDenied):
        act(url, dunning.scan, people["agent"])
    with unit_of_work(url) as session:  # the gateway that texts the reminder
        subscriptions.add_subscription(session=session, actor=people["admin"], kind="collections.reminder",
                                       url="https://sms.example/reminders")
    done = act(url, dunning.scan, people["supervisor"])
    assert len(done.started) == len(done.tasks) == done.reminders == 1
    with unit_of_work(url) as session:
        reminder = session.exec(select(WebhookOutbox.payload)).one()
    assert (reminder["event"], reminder["customer_id"], reminder["overdue"]) == ("collections.reminder", debtor,
                                                                                "800.00")
    case = _case(url, debtor)
    with unit_of_work(url) as session:
        queue = session.get(Queue, case.queue_id).code
        moves = session.exec(select(InquiryEvent.text).where(InquiryEvent.inquiry_id == case.id,
                                                             InquiryEvent.kind == "moved")).all()
    assert (case.id, case.step, queue, moves) == (done.started[0], "call", "collections", ["reminder → call"])
    work = act(url, tasks.tasks, people["agent"])  # the agent works the collections queue
    assert [(t.customer_id, t.inquiry_id) for t in work if t.id in done.tasks] == [(debtor, case.id)]
    assert act(url, dunning.scan, people["supervisor"]).started == []  # one open case per customer


def test_two_scans_at_once_start_one_case_per_debtor(url, people):
    """Cron and a supervisor scanning at the same moment: the second waits for the first and finds its case."""
    import threading

    debtor = _payer(url, "C-00000016")
    _import(url, people, _invoice("D-2", debtor, today() - timedelta(days=10), "800"))
    start, started, failed = threading.Barrier(2), [], []

    def scan() -> None:
        start.wait()
        try:
            started.extend(act(url, dunning.scan, people["supervisor"]).started)
        except Exception as error:  # noqa: BLE001 - collected and shown by the assertion below
            failed.append(error)

    threads = [threading.Thread(target=scan) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    with unit_of_work(url) as session:
        from crmterm.services.collections import cases as dunning_cases

        cases = session.exec(select(Inquiry.id).where(Inquiry.party_id == debtor, Inquiry.state != "closed",
                                                      Inquiry.topic_id == dunning_cases.topic_id(session))).all()
    assert failed == [] and len(started) == 1 and list(cases) == started


def test_a_broken_promise_is_flagged_once_and_escalated_and_a_kept_one_settles_the_case(url, people):
    breaker, payer = _payer(url, "C-00000016"), _payer(url, "C-00000017")
    owed = [_invoice("B-1", breaker, today() - timedelta(days=40), "500"),
            _invoice("P-1", payer, today() - timedelta(days=40), "300")]
    _import(url, people, *owed)
    act(url, dunning.scan, people["supervisor"])
    with pytest.raises(PermissionDenied):
        act(url, promises.record_promise, people["auditor"], party_id=breaker, amount="500",
            promised_on=today() + timedelta(days=2))
    broken = act(url, promises.record_promise, people["agent"], party_id=breaker, amount="500",
                 promised_on=today() + timedelta(days=2))
    act(url, promises.record_promise, people["agent"], party_id=payer, amount="300", promised_on=today())
    assert (broken.inquiry_id, _case(url, breaker).step) == (_case(url, breaker).id, "promise")
    cases = {_case(url, breaker).id, _case(url, payer).id}
    assert [t.id for t in act(url, tasks.tasks, people["agent"]) if t.inquiry_id in cases] == []  # calls done
    _import(url, people, {**owed[1], "paid": "300"})  # billing reports the payment
    scanned = act(url, dunning.scan, people["supervisor"], as_of=today() + timedelta(days=3))
    assert (scanned.broken, len(scanned.kept), scanned.settled) == ([broken.id], 1, [_case(url, payer).id])
    case = _case(url, breaker)
    with unit_of_work(url) as session:
        priority = session.get(Priority, case.priority_id).code
        noted = session.exec(select(ChangeLog.new).where(ChangeLog.entity_id == breaker,
                                                         ChangeLog.field == "promised_payment")).all()
    assert (case.step, priority, _case(url, payer).state) == ("suspension", "high", "closed")
    assert any("Promise broken" in text for text in noted)
    assert act(url, dunning.scan, people["supervisor"], as_of=today() + timedelta(days=4)).broken == []  # once
    assert [p.state for p in act(url, promises.list_promises, people["agent"], party_id=breaker)] == ["broken"]


def test_the_reports_export_in_every_format(url, people, tmp_path):
    party = _payer(url, "C-00000016")
    _import(url, people, _invoice("R-1", party, today() - timedelta(days=45), "1000"))
    act(url, promises.record_promise, people["agent"], party_id=party, amount="400", promised_on=today())
    aged = act(url, collections_reports.aging_report, people["auditor"])
    effect = act(url, collections_reports.collections_report, people["auditor"], start=today(),
                 end=today() + timedelta(days=1))
    assert aged.as_records()[0]["d31_60"] == 1000.0 and aged.totals[-1] == 1000.0
    assert effect.as_records() == [{"agent": "agent", "promises": 1, "promised": 400.0, "paid": 0.0, "kept": 0,
                                    "broken": 0, "open": 1, "paid_share": 0.0}]
    for fmt in ("xlsx", "html", "rtf", "csv", "json"):
        for table in (aged, effect):
            out = tmp_path / f"{table.name}.{fmt}"
            act(url, export_report, people["auditor"], table=table, fmt=fmt, out=out, source="test")
            assert out.stat().st_size > 0


def test_the_command_line_imports_scans_records_a_promise_and_reports(url, tmp_path):
    from conftest import owner_url
    from test_cli import app, runner

    party = _payer(url, "C-00000016")
    invoices = tmp_path / "invoices.csv"
    invoices.write_text("number,customer,issued_on,due_on,amount\n"
                        f"CLI-1,{party},{today() - timedelta(days=30)},{today() - timedelta(days=9)},1250.50\n",
                        encoding="utf-8")
    env = {"CRMTERM_HOME": str(tmp_path / "home")}

    def run(*words: str):
        return runner.invoke(app, ["--db", owner_url(url), *words], env=env)

    imported = run("collections", "import", str(invoices))
    assert imported.exit_code == 0 and "1 new" in imported.stdout, imported.output
    scanned = run("collections", "scan", "--json")
    assert scanned.exit_code == 0 and len(json.loads(scanned.stdout)["started"]) == 1, scanned.output
    promised = run("collections", "promise", str(party), "--amount", "1250.50", "--date",
                   (today() + timedelta(days=7)).isoformat(), "--json")
    assert promised.exit_code == 0 and json.loads(promised.stdout)[0]["state"] == "open", promised.output
    report = run("report", "aging", "--format", "csv", "--out", "-")
    assert report.exit_code == 0 and "1250.5" in report.stdout, report.output
    refused = run("collections", "promise", str(party), "--amount", "-5", "--date", today().isoformat())
    assert refused.exit_code == 1 and refused.stderr.startswith("error: amount"), refused.output
