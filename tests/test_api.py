"""The HTTP API (issue 22 items 1–3) through httpx over ASGI, on SQLite and PostgreSQL: health, tokens (401 and
403 with the CLI's one-line message), customers (keyset search, card as of a date, create, edit → 409 on a
stale version), inquiries and queues, and every write audited with its token's name."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from api_support import client_for, token_for
from sqlmodel import select

from crmterm.settings import Settings
from crmterm.store import ApiToken, AuditLog
from crmterm.store.db import unit_of_work


async def test_health_checks_the_database_and_docs_need_no_token(demo_url):
    async with client_for(demo_url) as client:
        answer = await client.get("/health")
        docs = await client.get("/docs")
        schema = await client.get("/openapi.json")
    assert answer.status_code == 200
    assert answer.json() == {"status": "ok", "database": "ok"}
    assert docs.status_code == 200 and "swagger" in docs.text.lower()
    assert {"/customers", "/contacts", "/inquiries", "/queues", "/kb"} <= set(schema.json()["paths"])


async def test_requests_without_a_valid_token_are_401_with_one_line(demo_url):
    async with client_for(demo_url) as client:
        missing = await client.get("/customers", params={"q": "ab"})
        wrong = await client.get("/customers", params={"q": "ab"}, headers={"Authorization": "Bearer crm_nope"})
    assert missing.status_code == 401 and missing.headers["www-authenticate"] == "Bearer"
    assert missing.json() == {"detail": "no API token: send Authorization: Bearer TOKEN", "field": None}
    assert wrong.status_code == 401 and wrong.json()["detail"] == "invalid API token"


async def test_revoked_and_expired_tokens_are_refused(demo_url):
    token = token_for(demo_url, "agent", name="sync")
    with unit_of_work(demo_url) as session:
        row = session.exec(select(ApiToken).where(ApiToken.name == "sync")).one()
        row.expires_at = datetime.now(UTC) - timedelta(minutes=1)
        session.add(row)
    async with client_for(demo_url, token) as client:
        expired = await client.get("/queues")
    assert expired.status_code == 401 and expired.json()["detail"] == "API token sync has expired"
    with unit_of_work(demo_url) as session:
        row = session.exec(select(ApiToken).where(ApiToken.name == "sync")).one()
        row.expires_at, row.revoked_at = None, datetime.now(UTC)
        session.add(row)
    async with client_for(demo_url, token) as client:
        revoked = await client.get("/queues")
    assert revoked.status_code == 401 and revoked.json()["detail"] == "API token sync was revoked"


async def test_scope_and_role_are_refused_with_403(demo_url):
    reader = token_for(demo_url, "agent", scope="read")
    auditor = token_for(demo_url, "auditor", scope="write")
    async with client_for(demo_url, reader) as client:
        by_scope = await client.post("/customers", json={"display_name": "Olga"})
        allowed_read = await client.get("/customers", params={"q": "Olga"})
    async with client_for(demo_url, auditor) as client:
        by_role = await client.post("/customers", json={"display_name": "Olga"})
    assert by_scope.status_code == 403
    assert by_scope.json()["detail"] == "API token agent-read may only read (scope read)"
    assert allowed_read.status_code == 200
    assert by_role.status_code == 403 and by_role.json()["detail"] == "auditor may not do this (customers.write)"


async def test_customers_create_search_pages_card_and_audit(demo_url):
    token = token_for(demo_url, "agent", name="crm-sync")
    async with client_for(demo_url, token) as client:
        for n in range(3):
            made = await client.post("/customers", json={"display_name": f"Zoya Apitest {n}",
                                                         "phone": f"+7 916 555-00-0{n}"})
            assert made.status_code == 201, made.text
        first = await client.get("/customers", params={"q": "Apitest", "limit": 2})
        second = await client.get("/customers", params={"q": "Apitest", "limit": 2, "after": first.json()["next"]})
        card = await client.get(f"/customers/{made.json()['id']}", params={"as_of": "2020-01-01"})
    names = [hit["display_name"] for hit in first.json()["items"] + second.json()["items"]]
    assert sorted(names) == ["Zoya Apitest 0", "Zoya Apitest 1", "Zoya Apitest 2"]
    assert second.json()["next"] is None
    assert card.status_code == 200 and card.json()["party"]["display_name"] == "Zoya Apitest 2"
    with unit_of_work(demo_url) as session:
        audited = session.exec(select(AuditLog).where(AuditLog.source == "api")).all()
    assert len(audited) == 3
    assert {(a.actor, a.entity_key, a.after["token"]) for a in audited} == {("agent", "POST /customers", "crm-sync")}


async def test_an_edit_on_a_stale_version_is_409_naming_who_changed_it(demo_url):
    token = token_for(demo_url, "agent")
    async with client_for(demo_url, token) as client:
        made = (await client.post("/customers", json={"display_name": "Ivan Versioned"})).json()
        first = await client.patch(f"/customers/{made['id']}", json={"version": made["version"], "email": "i@v.ru"})
        stale = await client.patch(f"/customers/{made['id']}", json={"version": made["version"], "email": "x@v.ru"})
        missing = await client.get("/customers/999999")
    assert first.status_code == 200 and first.json()["version"] == made["version"] + 1
    assert stale.status_code == 409 and stale.json()["detail"].startswith("Changed by agent at ")
    assert missing.status_code == 404 and missing.json()["detail"] == "customer '999999' not found"


async def test_queues_and_inquiry_pages_as_the_cli_gives_them(demo_url):
    token = token_for(demo_url, "supervisor")
    async with client_for(demo_url, token) as client:
        queues = await client.get("/queues")
        page = await client.get("/inquiries", params={"state": "open", "limit": 5})
        bad_state = await client.get("/inquiries", params={"state": "sleeping"})
    assert queues.status_code == 200 and {"code", "waiting"} <= set(queues.json()[0])
    assert page.status_code == 200 and set(page.json()) == {"rows", "cursor"}
    assert bad_state.status_code == 422 and bad_state.json()["field"] == "state"


async def test_a_contact_registers_once_per_idempotency_key_and_never_takes_server_files(demo_url):
    token = token_for(demo_url, "agent")
    document = {"channel": "phone", "inquiries": [{"topic": "balance_inquiry", "text": "asked the balance"}]}
    async with client_for(demo_url, token) as client:
        first = await client.post("/contacts", json=document, headers={"Idempotency-Key": "call-77"})
        again = await client.post("/contacts", json=document, headers={"Idempotency-Key": "call-77"})
        files = await client.post("/contacts", json={"inquiries": [{"topic": "balance_inquiry",
                                                                     "files": ["/etc/passwd"]}]})
        shown = await client.get(f"/inquiries/{first.json()['inquiry_ids'][0]}")
    assert first.status_code == 201, first.text
    assert again.json()["replayed"] is True and again.json()["inquiry_ids"] == first.json()["inquiry_ids"]
    assert files.status_code == 422 and files.json()["field"] == "inquiries.1.files"
    assert shown.status_code == 200 and shown.json()["id"] == first.json()["inquiry_ids"][0]


async def test_topic_tree_form_and_kb_search(demo_url):
    token = token_for(demo_url, "agent", scope="read")
    async with client_for(demo_url, token) as client:
        tree = await client.get("/topics")
        form = await client.get("/topics/no_data/form", params={"attr": "problem_since=yesterday"})
        kb = await client.get("/kb", params={"q": "mobile data"})
        bad_sample = await client.get("/topics/no_data/form", params={"attr": "problem_since"})
    assert tree.status_code == 200 and any(node["code"] == "no_data" for node in tree.json())
    assert form.status_code == 200 and form.json()["topic"] == "no_data"
    assert "problem_since" in form.json()["errors"]
    assert kb.status_code == 200 and kb.json()[0]["slug"] == "mobile-data-settings"
    assert bad_sample.status_code == 422 and bad_sample.json()["field"] == "attr"


async def test_queue_work_take_close_reopen_as_each_role_may(demo_url):
    agent, supervisor = token_for(demo_url, "agent"), token_for(demo_url, "supervisor")
    document = {"channel": "phone", "inquiries": [{"topic": "no_data",
                                                   "values": {"problem_since": "2026-11-26 10:00"}}]}
    async with client_for(demo_url, agent) as client:
        inquiry = (await client.post("/contacts", json=document)).json()["inquiry_ids"][0]
        taken = await client.post(f"/inquiries/{inquiry}/take", json={})
        commented = await client.post(f"/inquiries/{inquiry}/comments", json={"text": "called back"})
        stale = await client.post(f"/inquiries/{inquiry}/take", json={"version": 1})
        started = await client.post(f"/inquiries/{inquiry}/start", json={})
        moved = await client.post(f"/inquiries/{inquiry}/move", json={"transition": "dispatch", "text": "on site"})
        nowhere = await client.post(f"/inquiries/{inquiry}/move", json={"transition": "teleport"})
    async with client_for(demo_url, supervisor) as client:
        closed = await client.post(f"/inquiries/{inquiry}/close", json={"resolution": "fixed"})
        reopened = await client.post(f"/inquiries/{inquiry}/reopen", json={"text": "not fixed"})
    async with client_for(demo_url, agent) as client:
        agent_reopen = await client.post(f"/inquiries/{inquiry}/close", json={"resolution": "x"})
    assert taken.status_code == 200, taken.text
    assert taken.json()["assignee"] == "agent"
    assert commented.status_code == 204
    assert stale.status_code in (409, 422)
    assert started.status_code == 200 and started.json()["state"] == "in_progress"
    assert moved.status_code == 200 and moved.json()["step"] == "field_service", moved.text
    assert nowhere.status_code == 409 and "allowed:" in nowhere.json()["detail"]  # waiting now: no move
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    assert reopened.status_code == 200 and reopened.json()["state"] == "waiting"
    assert agent_reopen.status_code in (403, 422)


async def test_create_an_inquiry_then_take_next_of_its_queue(demo_url):
    token = token_for(demo_url, "agent")
    async with client_for(demo_url, token) as client:
        made = await client.post("/inquiries", json={"topic": "3.1.1", "channel": "phone",
                                                     "values": {"problem_since": "2026-11-26 10:00"}})
        missing_value = await client.post("/inquiries", json={"topic": "no_data"})
        queue = (await client.get(f"/inquiries/{made.json()['inquiry_ids'][0]}")).json()["queue"]
        taken = await client.post(f"/queues/{queue}/take")
        unknown = await client.post("/queues/nowhere/take")
    assert made.status_code == 201, made.text
    assert missing_value.status_code == 422 and "problem_since" in missing_value.json()["detail"]
    assert taken.status_code == 200 and taken.json()["assignee"] == "agent"
    assert unknown.status_code in (403, 404)


async def test_health_says_503_when_the_database_does_not_answer(sqlite_url):
    client = client_for(sqlite_url)
    client._transport.app.state.settings = Settings(database_url="postgresql://nobody@127.0.0.1:1/none")
    async with client:
        answer = await client.get("/health")
    assert answer.status_code == 503 and answer.json() == {"status": "degraded", "database": "unavailable"}


async def test_a_request_records_the_tokens_last_use(demo_url):
    token = token_for(demo_url, "agent", name="watched")
    async with client_for(demo_url, token) as client:
        assert (await client.get("/queues")).status_code == 200
    with unit_of_work(demo_url) as session:
        row = session.exec(select(ApiToken).where(ApiToken.name == "watched")).one()
    assert row.last_used_at is not None and row.token_hash != token and len(row.token_hash) == 64
