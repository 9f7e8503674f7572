"""What the sync tests share: a server (a demo database behind the real API app, in-process), SQLite nodes
made from the migrated template, and the small service calls both sides make."""

from __future__ import annotations

from pathlib import Path

from api_support import token_for
from conftest import copy_demo
from fastapi.testclient import TestClient
from sqlmodel import select

from crmterm.api import create_app
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.sync import node, status
from crmterm.services.sync.client import sessions_for
from crmterm.services.sync.http_transport import HttpTransport
from crmterm.settings import Settings
from crmterm.store import User
from crmterm.store.db import unit_of_work

DISPUTE = {"amount": "100", "dispute_reason": "double_charge", "charge_date": "2026-11-20",
           "approval_reference": "A-1"}


def actors(url: str) -> dict[str, Actor]:
    with unit_of_work(url) as session:
        return {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id) for u in session.exec(select(User))}


def call(url: str, service, actor: Actor, **kwargs):
    with unit_of_work(url) as session:
        return service(session=session, actor=actor, **kwargs)


def draft(customer: int) -> ContactDraft:
    return ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", "customer": customer,
                                        "inquiries": [{"topic": "disputed_charge", "values": DISPUTE}]})


def held_inquiry(url: str, agent: Actor, customer: int) -> int:
    """An open dispute of `customer`, taken by `agent` (so it is in the agent's scope)."""
    inquiry = call(url, register, agent, draft=draft(customer)).inquiry_ids[0]
    call(url, inquiry_actions.take, agent, inquiry_id=inquiry)
    return inquiry


class Server:
    """The API app on `url`, reached through Starlette's TestClient (real routes, tokens and JSON)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.client = TestClient(create_app(Settings(database_url=url)))
        self.tokens: dict[str, str] = {}

    def transport(self, login: str) -> HttpTransport:
        if login not in self.tokens:
            self.tokens[login] = token_for(self.url, login, name=f"{login}-laptop")
        return HttpTransport("http://testserver", self.tokens[login], client=self.client)


def new_node(template: Path, path: Path) -> str:
    return copy_demo(template, path)


def init(server: Server, node_url: str, login: str, scope: str = "mine") -> node.SyncResult:
    transport = server.transport(login)
    return node.init_node(sessions_for(node_url), transport, server_url="http://testserver",
                          token=transport.headers["Authorization"].removeprefix("Bearer "), scope=scope,
                          row_limit=1000)


def sync(server: Server, node_url: str, login: str) -> node.SyncResult:
    return node.synchronise(sessions_for(node_url), server.transport(login))


def conflicts(node_url: str) -> list[status.ConflictView]:
    with unit_of_work(node_url) as session:
        return status.list_conflicts(session)
