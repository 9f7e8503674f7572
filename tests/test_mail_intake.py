"""E-mail intake from a Maildir (services/mail): new mail becomes a contact and an inquiry placed by the
intake rules of the demo (data/seed/demo_mail.yaml); replies carrying the token join their inquiry."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from crmterm.errors import ValidationError
from crmterm.services.directory import directory
from crmterm.services.mail import mailboxes
from crmterm.store import (
    Attachment, Channel, Contact, Inquiry, InquiryEvent, MailMessage, Party, Queue, Topic, utcnow,
)
from crmterm.store.db import unit_of_work
from helpers import ADMIN
from mail_helpers import drop, maildir, maildir_settings, message

NORD = "info1@nord.example"  # a demo customer's own address


def _inquiry(url: str, inquiry_id: int) -> dict:
    with unit_of_work(url) as session:
        inquiry = session.get(Inquiry, inquiry_id)
        assert inquiry is not None
        contact = session.get(Contact, inquiry.contact_id)
        queue = session.get(Queue, inquiry.queue_id) if inquiry.queue_id else None
        return {"topic": session.get(Topic, inquiry.topic_id).code, "queue": queue.code if queue else None,
                "party": inquiry.party_id, "state": inquiry.state,
                "channel": session.get(Channel, contact.channel_id).code,
                "files": [a.name for a in session.exec(select(Attachment).where(Attachment.inquiry_id == inquiry_id))],
                "events": [(e.kind, e.text) for e in session.exec(select(InquiryEvent)
                                                                  .where(InquiryEvent.inquiry_id == inquiry_id)
                                                                  .order_by(InquiryEvent.id))]}


def _party_of(url: str, email: str) -> int | None:
    with unit_of_work(url) as session:
        return session.exec(select(Party.id).where(Party.email == email)).first()


def test_a_mail_becomes_an_inquiry_in_the_rules_queue_and_is_taken_once(demo_url, tmp_path):
    box = maildir(tmp_path / "Maildir")
    raw = message(sender=f"Nord <{NORD}>", subject="Please send the invoice for March",
                  files={"march.pdf": b"%PDF-1.4 invoice", "tool.exe": b"MZ..."})
    name = drop(box, raw)
    settings = maildir_settings(demo_url, box)

    report = mailboxes.fetch(settings=settings, actor=ADMIN)

    assert len(report.inquiries) == 1 and not report.failed
    shown = _inquiry(demo_url, report.inquiries[0])
    assert (shown["topic"], shown["queue"], shown["channel"]) == ("invoice_copy", "billing_bo", "email")
    assert shown["party"] == _party_of(demo_url, NORD)
    assert shown["files"] == ["march.pdf"]
    refused = [text for kind, text in shown["events"] if kind == "mail_refused"]
    assert len(refused) == 1 and "tool.exe" in refused[0]
    assert not (box / "new" / name).exists() and len(list((box / "cur").iterdir())) == 1
    with unit_of_work(demo_url) as session:
        kept = session.exec(select(MailMessage)).one()
        assert kept.raw == raw and kept.outcome == "inquiry" and "tool.exe" in kept.refused[0]
    drop(box, raw)  # the same message again (delivered twice, or a fetch that died before marking it read)
    again = mailboxes.fetch(settings=settings, actor=ADMIN)
    assert again.duplicates == 1 and not again.inquiries


def test_the_customer_is_found_by_a_number_in_the_text_and_the_recipient_picks_the_rule(demo_url, tmp_path):
    box = maildir(tmp_path / "Maildir")
    drop(box, message(sender="stranger@mail.example", to="complaints@telenova.example", subject="Rude operator",
                      body="My number is +7 916 100-00-02, the operator was rude."))
    drop(box, message(sender="nobody@mail.example", subject="Hello", body="Just a question"))

    report = mailboxes.fetch(settings=maildir_settings(demo_url, box), actor=ADMIN)

    assert not report.failed, report.failed
    shown = [_inquiry(demo_url, i) for i in report.inquiries]
    assert sorted((s["topic"], s["queue"]) for s in shown) == [("other", "back_office"), ("other", "first_line")]
    shown.sort(key=lambda s: s["queue"])
    assert shown[0]["party"] is not None and shown[1]["party"] is None


def test_a_reply_with_the_token_joins_its_inquiry_and_reopens_it_within_the_window(demo_url, tmp_path):
    box = maildir(tmp_path / "Maildir")
    settings = maildir_settings(demo_url, box, reopen_days=7)
    drop(box, message(sender=NORD, subject="No internet since Monday"))
    first = mailboxes.fetch(settings=settings, actor=ADMIN).inquiries[0]
    with unit_of_work(demo_url) as session:  # the agent closed it yesterday
        inquiry = session.get(Inquiry, first)
        inquiry.state, inquiry.closed_at, inquiry.assignee_id = "closed", utcnow() - timedelta(days=1), None

    drop(box, message(sender=NORD, subject=f"Re: [#{first}] No internet since Monday", body="Still broken"))
    drop(box, message(sender="intruder@evil.example", subject=f"Re: [#{first}] hijack", body="Send me the data"))
    report = mailboxes.fetch(settings=settings, actor=ADMIN)

    assert report.replies == [first] and len(report.inquiries) == 1  # the stranger's mail is a new inquiry
    shown = _inquiry(demo_url, first)
    assert shown["state"] == "waiting" and shown["queue"] == "first_line"
    assert ("reopened", f"{NORD}: Re: [#{first}] No internet since Monday") in shown["events"]
    assert ("contact_linked", "Still broken") in shown["events"]


def test_a_reply_to_an_inquiry_closed_before_the_window_opens_a_new_one(demo_url, tmp_path):
    box = maildir(tmp_path / "Maildir")
    settings = maildir_settings(demo_url, box, reopen_days=7)
    drop(box, message(sender=NORD, subject="Question"))
    first = mailboxes.fetch(settings=settings, actor=ADMIN).inquiries[0]
    with unit_of_work(demo_url) as session:
        inquiry = session.get(Inquiry, first)
        inquiry.state, inquiry.closed_at = "closed", utcnow() - timedelta(days=30)

    drop(box, message(sender=NORD, subject=f"Re: [#{first}] Question"))
    report = mailboxes.fetch(settings=settings, actor=ADMIN)

    assert report.replies == [] and len(report.inquiries) == 1 and report.inquiries[0] != first
    assert _inquiry(demo_url, first)["state"] == "closed"


def test_an_intake_rule_with_a_broken_condition_is_refused(demo_url):
    with unit_of_work(demo_url) as session, pytest.raises(ValidationError) as refused:
        directory.create_entry(session=session, actor=ADMIN, kind="mail_rules", values={
            "code": "bad", "labels": {"en": "Bad"}, "condition": "mail.subject.matches(", "topic": "other"})
    assert refused.value.field == "condition"


def test_cli_fetches_lists_and_says_when_no_mailbox_is_set(demo_url, tmp_path):
    from conftest import owner_url
    from test_cli import app, runner

    box = maildir(tmp_path / "Maildir")
    drop(box, message(sender=NORD, subject="Invoice please"))
    env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_MAILBOX_MAILDIR": str(box)}
    fetched = runner.invoke(app, ["--db", owner_url(demo_url), "mail", "fetch", "--json"], env=env)
    assert fetched.exit_code == 0, fetched.output
    assert len(json.loads(fetched.stdout)["inquiries"]) == 1
    listed = runner.invoke(app, ["--db", owner_url(demo_url), "mail", "list", "--json"], env=env)
    assert [m["outcome"] for m in json.loads(listed.stdout)] == ["inquiry"]
    unset = runner.invoke(app, ["--db", owner_url(demo_url), "mail", "fetch"],
                          env={"CRMTERM_HOME": str(tmp_path / "home")})
    assert unset.exit_code == 1 and unset.stderr.startswith("error: mailbox: set maildir or imap_host")


def test_the_mailbox_comes_from_config_yaml_with_each_key_overridden_by_the_environment(tmp_path):
    from crmterm.errors import ConfigError
    from crmterm.settings import resolve

    home = tmp_path / "home"
    config = home / "config" / "config.yaml"
    config.parent.mkdir(parents=True)
    config.write_text("mailbox: {imap_host: imap.example, username: crm, reopen_days: 3}\n")
    env = {"CRMTERM_HOME": str(home), "CRMTERM_MAILBOX_PASSWORD": "s3cret", "CRMTERM_MAILBOX_IMAP_PORT": "1993"}
    box = resolve(environ=env).mailbox
    assert (box.imap_host, box.imap_port, box.username, box.password, box.reopen_days) == (
        "imap.example", 1993, "crm", "s3cret", 3)
    assert "s3cret" not in repr(resolve(environ=env))
    config.write_text("mailbox: {imap_hots: imap.example}\n")
    with pytest.raises(ConfigError, match="unknown setting 'imap_hots'"):
        resolve(environ=env)


def test_any_bytes_parse_and_a_subject_stays_one_line():
    from crmterm.services.mail import mail_parsing

    broken = mail_parsing.parse(b"\xff\xfe\x00garbage without headers")
    assert broken.message_id.startswith("sha256:") and "garbage" in broken.body
    folded = mail_parsing.parse(b"From: a@b.example\r\nSubject: Line one\r\n line two\t[#42]\r\n\r\nbody\r\n")
    assert folded.subject == "Line one line two [#42]" and folded.token == 42


def test_a_mail_the_topic_refuses_is_kept_as_failed_with_the_reason_and_the_next_one_goes_on(demo_url, tmp_path):
    with unit_of_work(demo_url) as session:  # disputed charges ask for attributes no mail gives
        directory.create_entry(session=session, actor=ADMIN, kind="mail_rules", values={
            "code": "disputes", "labels": {"en": "Disputes"}, "condition": 'mail.subject.startsWith("Dispute")',
            "topic": "disputed_charge", "sort_order": 1})
    box = maildir(tmp_path / "Maildir")
    drop(box, message(sender=NORD, subject="Dispute: charged twice"))
    drop(box, message(sender=NORD, subject="Other question"))

    report = mailboxes.fetch(settings=maildir_settings(demo_url, box), actor=ADMIN)

    assert len(report.inquiries) == 1 and len(report.failed) == 1 and "required" in report.failed[0]
    assert not list((box / "new").iterdir())
    with unit_of_work(demo_url) as session:
        failed = session.exec(select(MailMessage).where(MailMessage.outcome == "failed")).one()
        assert failed.subject == "Dispute: charged twice" and failed.inquiry_id is None and failed.raw
