"""Outgoing webhooks on both databases: subscriptions from the CLI (admins only, one-line errors), outbox rows
written in the transaction of the change (inquiries created and moved, an SLA breach, a problem closed; none for
a rolled-back change), what per-user database logins may read, and the retry policy's settings. Delivery is in
test_webhook_delivery.py."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlmodel import select

from crmterm.services.inquiries import inquiry_actions
from crmterm.services.inquiries.problems import ProblemDraft, open_problem
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.integrations import delivery
from crmterm.settings import WebhookSettings
from crmterm.store import WebhookOutbox, utcnow
from crmterm.store.db import unit_of_work
from webhook_helpers import CONTACT, SECRET, agent_of, as_user, cli_json, outbox_rows, subscribe  # noqa: F401


def test_cli_adds_lists_and_removes_webhooks(as_user):
    added = cli_json(as_user("admin", "webhook", "add", "inquiry.created", "https://hooks.example/in", "--json"))
    assert added["kind"] == "inquiry.created" and len(added["secret"]) == 64
    given = cli_json(as_user("admin", "webhook", "add", "sla.breach", "http://hooks.example/sla", "--secret", SECRET,
                          "--json"))
    assert given["secret"] == SECRET
    listed = cli_json(as_user("admin", "webhook", "list", "--json"))
    assert [(w["id"], w["kind"]) for w in listed] == [(added["id"], "inquiry.created"), (given["id"], "sla.breach")]
    assert all("secret" not in w for w in listed)
    kept = as_user("admin", "webhook", "remove", str(added["id"]), input="n\n")
    assert kept.exit_code == 1 and kept.stderr.strip() == "error: nothing removed"
    assert cli_json(as_user("admin", "webhook", "remove", str(added["id"]), "--yes", "--json"))["id"] == added["id"]
    assert [w["id"] for w in cli_json(as_user("admin", "webhook", "list", "--json"))] == [given["id"]]


@pytest.mark.parametrize(("args", "message"), [
    (("add", "inquiry.created", "ftp://hooks.example/x"), "error: url: an http:// or https:// address is expected"),
    (("add", "inquiry.created", "http:///nohost"), "error: url: an http:// or https:// address is expected"),
    (("add", "inquiry.lost", "https://hooks.example/x"), "error: kind: one of: inquiry.created"),
    (("add", "inquiry.created", "https://hooks.example/x", "--secret", "short"), "error: secret: a secret is 16"),
    (("remove", "999", "--yes"), "error: Webhook '999' not found"),
])
def test_cli_errors_are_one_line(as_user, args, message):
    result = as_user("admin", "webhook", *args)
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.startswith(message) and len(result.stderr.strip().splitlines()) == 1


def test_only_admins_manage_and_deliver_webhooks(as_user):
    for args in (("add", "inquiry.created", "https://hooks.example/x"), ("list",), ("log",), ("deliver", "--once"),
                 ("remove", "1", "--yes")):
        result = as_user("supervisor", "webhook", *args)
        assert result.exit_code == 1 and result.stderr.startswith("error: supervisor may not do this"), args


def test_created_and_moved_inquiries_fill_the_outbox_in_their_transaction(demo_url, as_user):
    created = subscribe(demo_url, "inquiry.created", "https://hooks.example/created")
    moved = subscribe(demo_url, "inquiry.moved", "https://hooks.example/moved")
    subscribe(demo_url, "problem.opened", "https://hooks.example/problems")
    inquiry = cli_json(as_user("agent", "contact", "register", "-", "--json", input=json.dumps(CONTACT)))["inquiry_ids"][0]
    as_user("agent", "inquiry", "take", "--queue", "first_line")
    assert as_user("agent", "inquiry", "move", str(inquiry), "-T", "to_billing").exit_code == 0
    rows = outbox_rows(demo_url)
    assert [(r.subscription_id, r.kind) for r in rows] == [(created, "inquiry.created"), (moved, "inquiry.moved")]
    first, second = (r.payload for r in rows)
    assert first["event"] == "inquiry.created" and first["inquiry"]["id"] == inquiry
    assert {k: first["inquiry"][k] for k in ("topic", "state", "queue", "step")} == {
        "topic": "disputed_charge", "state": "waiting", "queue": "first_line", "step": first["inquiry"]["step"]}
    assert first["inquiry"]["step"] is not None
    assert (second["inquiry"]["queue"], second["inquiry"]["state"], second["data"]["log_event"]) == (
        "billing_bo", "waiting", "moved")
    shown = cli_json(as_user("agent", "inquiry", "show", str(inquiry), "--json"))
    assert {k: shown[k] for k in ("id", "topic", "state", "queue", "step")} == {
        k: second["inquiry"][k] for k in ("id", "topic", "state", "queue", "step")}  # the CLI's names and values


def test_a_rolled_back_change_publishes_nothing(demo_url):
    subscribe(demo_url, "inquiry.created", "https://hooks.example/created")
    with pytest.raises(RuntimeError), unit_of_work(demo_url) as session:
        agent = agent_of(demo_url)
        register(session=session, actor=agent, draft=ContactDraft.model_validate(CONTACT))
        assert len(session.exec(select(WebhookOutbox)).all()) == 1  # written with the inquiry…
        raise RuntimeError("the contact is abandoned")
    assert outbox_rows(demo_url) == []  # …and gone with it



def test_only_admins_database_logins_read_webhook_secrets(postgresql_url, pg_server):
    """Per-user logins (store/role_groups): an agent's login publishes (reads a subscription's id and kind,
    inserts into the outbox) but cannot read the secret, nor add a subscription behind the services' back."""
    import psycopg
    from sqlalchemy.engine import make_url

    subscription = subscribe(postgresql_url, "inquiry.created", "https://hooks.example/in")
    database = make_url(postgresql_url).database
    superuser = make_url(pg_server).set(drivername="postgresql", database=database)
    with psycopg.connect(superuser.render_as_string(hide_password=False), autocommit=True) as connection:
        for group in ("crmterm_agent", "crmterm_supervisor", "crmterm_auditor"):
            connection.execute(f'SET ROLE "{group}"')
            assert connection.execute("SELECT id, kind, removed_at FROM webhook_subscription").fetchall() == [
                (subscription, "inquiry.created", None)]
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                connection.execute("SELECT secret FROM webhook_subscription")
            connection.execute("RESET ROLE")
        connection.execute('SET ROLE "crmterm_agent"')
        connection.execute("INSERT INTO webhook_outbox (subscription_id, kind, payload, created_at, state, attempts,"
                           " next_attempt_at) VALUES (%s, 'inquiry.created', '{}', now(), 'pending', 0, now())",
                           (subscription,))
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            connection.execute("INSERT INTO webhook_subscription (kind, url, secret, created_at, created_by) "
                               "VALUES ('inquiry.created', 'https://evil.example', 'x', now(), 'agent')")
        connection.execute('RESET ROLE; SET ROLE "crmterm_admin"')
        assert connection.execute("SELECT secret FROM webhook_subscription").fetchone() == (SECRET,)


def test_an_sla_breach_and_a_closed_problem_publish_their_events(demo_url):
    from crmterm.services.inquiries.problem_close import close_problem
    from crmterm.services.inquiries.problem_links import link
    from crmterm.services.sla import sla_scan
    from helpers import SUPERVISOR

    for kind in ("sla.warning", "sla.breach", "problem.closed", "inquiry.closed"):
        subscribe(demo_url, kind, f"https://hooks.example/{kind}")
    agent = agent_of(demo_url)
    invoice = {"channel": "phone", "place": "cc_msk", "inquiries": [{"topic": "invoice_copy", "priority": "normal"}]}
    with unit_of_work(demo_url) as session:
        inquiry = register(session=session, actor=agent, draft=ContactDraft.model_validate(invoice)).inquiry_ids[0]
        inquiry_actions.take(session=session, actor=agent, inquiry_id=inquiry)
    with unit_of_work(demo_url) as session:  # days later: past the warning and the deadline, a breach
        sla_scan.scan(session=session, actor=SUPERVISOR, now=utcnow() + timedelta(days=3))
    with unit_of_work(demo_url) as session:
        problem = open_problem(session=session, actor=SUPERVISOR, draft=ProblemDraft(title="Billing is down"))
        link(session=session, actor=agent, problem_id=problem.id, inquiry_id=inquiry)
        close_problem(session=session, actor=SUPERVISOR, problem_id=problem.id, resolution="fixed")
    sent = [(r.kind, r.payload) for r in outbox_rows(demo_url)]
    assert [kind for kind, _payload in sent] == ["sla.breach", "problem.closed", "inquiry.closed"]
    breach, closed_problem, closed = (payload for _kind, payload in sent)
    assert breach["inquiry"]["id"] == inquiry and breach["data"]["clock"] == "resolve"
    assert (closed_problem["problem"]["id"], closed_problem["problem"]["state"]) == (problem.id, "closed")
    assert (closed["inquiry"]["id"], closed["inquiry"]["state"]) == (inquiry, "closed")


def test_the_retry_policy_comes_from_config_yaml(tmp_path):
    from crmterm.errors import ConfigError
    from crmterm.settings import resolve

    home = tmp_path / "home"
    home.mkdir()
    environ = {"CRMTERM_HOME": str(home)}
    assert resolve(environ=environ).webhooks == WebhookSettings()
    config = resolve(environ=environ).where.config_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text("webhooks:\n  max_attempts: 3\n  backoff_seconds: 5\n", encoding="utf-8")
    policy = resolve(environ=environ).webhooks
    assert (policy.max_attempts, policy.backoff_seconds, policy.timeout) == (3, 5, 5)
    assert [delivery.backoff(policy, n).total_seconds() for n in (1, 2, 3)] == [5, 10, 20]
    config.write_text("webhooks:\n  retries: 3\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="webhooks: unknown setting 'retries'"):
        resolve(environ=environ)
