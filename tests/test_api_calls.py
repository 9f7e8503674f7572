"""Screen pop over HTTP (issue 22 item 5), `POST /calls` through httpx over ASGI on SQLite and PostgreSQL: 202
with the call and its caller recognised, a repeat replayed, and 401/403/404/422 with the one-line message."""

from __future__ import annotations

from api_support import client_for, token_for
from sqlmodel import select

from crmterm.store import AuditLog, IncomingCall
from crmterm.store.db import unit_of_work

CALL = {"number": "+7 916 100-00-01", "agent_login": "agent", "call_id": "pbx-1"}


async def test_a_call_is_accepted_with_its_caller_and_a_repeat_pops_nothing(demo_url):
    token = token_for(demo_url, "supervisor", name="pbx")
    async with client_for(demo_url, token) as client:
        first = await client.post("/calls", json=CALL)
        again = await client.post("/calls", json=CALL)
        unknown = await client.post("/calls", json={**CALL, "number": "+7 495 000-00-99", "call_id": "pbx-2"})
    assert first.status_code == 202, first.text
    body = first.json()
    assert body["number"] == "+79161000001" and body["agent_login"] == "agent" and body["replayed"] is False
    assert body["customer"]["id"] > 0 and body["customer"]["display_name"] and body["candidates"] == []
    assert again.status_code == 202 and again.json()["replayed"] is True and again.json()["id"] == body["id"]
    assert unknown.status_code == 202 and unknown.json()["customer"] is None and unknown.json()["candidates"] == []
    with unit_of_work(demo_url) as session:
        assert len(session.exec(select(IncomingCall)).all()) == 2
        audited = session.exec(select(AuditLog).where(AuditLog.source == "api")).all()
    assert audited, "every write through the API is audited"


async def test_an_agent_pops_for_themself_and_is_refused_for_others(demo_url):
    token = token_for(demo_url, "agent")
    async with client_for(demo_url, token) as client:
        mine = await client.post("/calls", json=CALL)
        other = await client.post("/calls", json={**CALL, "agent_login": "agent2"})
    assert mine.status_code == 202
    assert other.status_code == 403
    assert other.json() == {"detail": "agent may not do this (inquiries.supervise)", "field": None}


async def test_no_token_a_read_token_an_unknown_agent_and_a_bad_number(demo_url):
    reader = token_for(demo_url, "supervisor", scope="read")
    writer = token_for(demo_url, "supervisor")
    async with client_for(demo_url) as client:
        anonymous = await client.post("/calls", json=CALL)
    async with client_for(demo_url, reader) as client:
        read_only = await client.post("/calls", json=CALL)
    async with client_for(demo_url, writer) as client:
        ghost = await client.post("/calls", json={**CALL, "agent_login": "ghost"})
        bad = await client.post("/calls", json={**CALL, "number": "call me"})
        missing = await client.post("/calls", json={"number": "+7 916 100-00-01", "agent_login": "agent"})
        extra = await client.post("/calls", json={**CALL, "colour": "red"})
    assert anonymous.status_code == 401
    assert read_only.status_code == 403 and "may only read" in read_only.json()["detail"]
    assert ghost.status_code == 404 and ghost.json()["detail"] == "user 'ghost' not found"
    assert bad.status_code == 422 and bad.json()["field"] == "number"
    assert bad.json()["detail"].startswith("number: not a phone number: call me")
    assert missing.status_code == 422 and missing.json()["field"] == "body.call_id"
    assert extra.status_code == 422 and extra.json()["field"] == "body.colour"
