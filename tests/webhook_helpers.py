"""What the webhook tests share: a real HTTP receiver on a local port, the CLI as a user, subscriptions made
through the service, the outbox read back, time moved on for retries, and the signature check a receiver
makes."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import update
from sqlmodel import col, select

from conftest import owner_url
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.integrations.subscriptions import add_subscription
from crmterm.store import User, WebhookOutbox, utcnow
from crmterm.store.db import unit_of_work
from helpers import ADMIN
from test_cli import app, runner

SECRET = "test-secret-0123456789"
DISPUTE = {"topic": "disputed_charge", "values": {"amount": "9000", "dispute_reason": "double_charge",
                                                   "charge_date": "2026-11-20", "approval_reference": "A-1"}}
CONTACT = {"channel": "phone", "place": "cc_msk", "inquiries": [DISPUTE]}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Receiver:
    """An HTTP server on a free port, not yet listening: `start()` it when the test wants it up. It answers
    every POST with `status` and keeps (headers with lower-case names, raw body)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}/hook"
        self.status = 200
        self.received: list[tuple[dict[str, str], bytes]] = []
        self._server: ThreadingHTTPServer | None = None

    def start(self) -> None:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append(({k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()


@pytest.fixture
def receiver():
    found = Receiver()
    yield found
    found.stop()


@pytest.fixture
def as_user(demo_url, tmp_path):
    # A first retry an hour away: "not due yet" must hold however slow a loaded machine runs the CLI calls
    # between two passes (the 10 s default was once passed); tests make a delivery due with due_now().
    config = tmp_path / "home" / "config"
    config.mkdir(parents=True, exist_ok=True)
    (config / "config.yaml").write_text("webhooks:\n  backoff_seconds: 3600\n", encoding="utf-8")

    def run(login: str | None, *args: str, input: str | None = None):
        env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": login, "CRMTERM_PASSWORD": login}
        where = owner_url(demo_url) if login is None else demo_url
        return runner.invoke(app, ["--db", where, *args], input=input, env=env)
    return run


def cli_json(result):
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def subscribe(url: str, kind: str, target: str) -> int:
    with unit_of_work(url) as session:
        return add_subscription(session=session, actor=ADMIN, kind=kind, url=target, secret=SECRET).id


def outbox_rows(url: str) -> list[WebhookOutbox]:
    with unit_of_work(url) as session:
        rows = session.exec(select(WebhookOutbox).order_by(col(WebhookOutbox.id))).all()
        session.expunge_all()
        return list(rows)


def due_now(url: str) -> None:
    """Time moves on: every pending delivery's next attempt is due."""
    with unit_of_work(url) as session:
        session.execute(update(WebhookOutbox).values(next_attempt_at=utcnow() - timedelta(seconds=1)))


def agent_of(url: str) -> Actor:
    with unit_of_work(url) as session:
        user = session.exec(select(User).where(User.login == "agent")).one()
        return Actor(login="agent", role=Role(user.role_code), id=user.id, display_name=user.display_name)


def verify(headers: dict[str, str], body: bytes, secret: str = SECRET) -> dict:
    """What a receiver does: recompute the signature over the raw body, then read it."""
    expected = "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["x-crmterm-signature"], expected)
    assert headers["content-type"] == "application/json"
    return json.loads(body)
