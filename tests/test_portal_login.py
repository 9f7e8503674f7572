"""Customers' log-in to the portal (issue 25 item 2), on SQLite and PostgreSQL: a one-time code through the
notification outbox or a PIN, the same answer whether a number exists, rate limits per number and per address,
signed http-only (Secure over HTTPS) session cookies, CSRF tokens on every form, log-out."""

from __future__ import annotations

import httpx
import pytest
from helpers import ADMIN, act
from portal_support import SECRET, codes_sent, csrf_of, log_in, portal_client, text_of
from sqlmodel import select

from crmterm.api import create_app
from crmterm.services.customers import erasure
from crmterm.services.portal import demo
from crmterm.settings import Settings
from crmterm.store import AuditLog, Party
from crmterm.store.db import unit_of_work


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch):
    monkeypatch.setenv("CRMTERM_PORTAL_SECRET", SECRET)


async def _ask_code(client, login: str):
    form = await client.get("/portal/login")
    return await client.post("/portal/login/code", data={"csrf": csrf_of(form.text), "login": login})


async def _enter(client, login: str, code: str):
    form = await client.get("/portal/login")
    return await client.post("/portal/login", data={"csrf": csrf_of(form.text), "login": login, "code": code})


async def test_a_code_from_the_outbox_logs_in_once_and_unknown_numbers_get_the_same_answer(demo_url):
    async with portal_client(demo_url) as client:
        known = await _ask_code(client, "8 (916) 555-00-01")  # any spelling of the number
        unknown = await _ask_code(client, "+7 916 555-99-99")
        [(address, code)] = codes_sent(demo_url)
        wrong = await _enter(client, demo.PHONE, "000000" if code != "000000" else "111111")
        stranger = await _enter(client, "+7 916 555-99-99", code)
        entered = await _enter(client, demo.PHONE, code)
        cookie = entered.headers["set-cookie"]
        mine = await client.get("/portal/inquiries")
    async with portal_client(demo_url) as other:
        again = await _enter(other, demo.PHONE, code)
    assert known.status_code == unknown.status_code == 200
    assert text_of(known.text).replace("8 (916) 555-00-01", "N") == text_of(unknown.text).replace(
        "+7 916 555-99-99", "N")
    assert address == "79165550001@sms.gateway.invalid"  # the e-mail-to-SMS gateway
    assert wrong.status_code == stranger.status_code == 401 and "Wrong number or code" in wrong.text
    assert text_of(wrong.text).count("Wrong number or code") == text_of(stranger.text).count("Wrong number or code")
    assert entered.status_code == 303 and entered.headers["location"] == "/portal/inquiries"
    assert "httponly" in cookie.lower() and "samesite=lax" in cookie.lower() and "secure" not in cookie.lower()
    assert mine.status_code == 200 and "Мария Соколова" in mine.text
    assert again.status_code == 401  # used once
    with unit_of_work(demo_url) as session:
        assert session.exec(select(AuditLog.after).where(AuditLog.action == "log_in")).all() == [{"by": "code"}]


async def test_pin_log_in_by_contract_the_cookie_is_secure_over_https_and_log_out_ends_it(demo_url):
    async with portal_client(demo_url, https=True) as client:
        entered = await log_in(client, login=demo.CONTRACT.lower())
        page = await client.get("/portal/inquiries")
        no_token = await client.post("/portal/logout", data={"csrf": "nope"})
        out = await client.post("/portal/logout", data={"csrf": csrf_of(page.text)})
        after = await client.get("/portal/inquiries")
    assert entered.status_code == 303 and "secure" in entered.headers["set-cookie"].lower()
    assert no_token.status_code == 403
    assert out.status_code == 303 and after.status_code == 303 and after.headers["location"] == "/portal/login"


async def test_forged_cookies_and_forms_without_the_token_are_refused(demo_url):
    async with portal_client(demo_url) as client:
        await log_in(client)
        real = client.cookies.get("crm_portal")
        secret = real.split(".")[0]
        client.cookies.set("crm_portal", f"{secret}.{'0' * 64}", path="/portal")
        forged = await client.get("/portal/inquiries")
        form = await client.get("/portal/login")
        client.cookies.delete("crm_csrf", path="/portal")
        cross_site = await client.post("/portal/login", data={"csrf": csrf_of(form.text), "login": demo.PHONE,
                                                               "pin": demo.PIN})
    assert forged.status_code == 303 and forged.headers["location"] == "/portal/login"
    assert cross_site.status_code == 403


async def test_guesses_lock_the_number_and_the_address_has_a_higher_limit_of_its_own(demo_url):
    """Customers behind one NAT address share it: one customer's five wrong PINs lock their number, not the
    address; the address locks at its own limit (portal_address_attempts, 8 here)."""
    app = create_app(Settings(database_url=demo_url, portal_address_attempts=8))

    def client_at(address: str) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=(address, 40000)),
                                 base_url="http://crm")

    other = "+7 495 123-45-67"
    async with client_at("10.0.0.7") as client:
        for _attempt in range(5):
            await log_in(client, pin="9999")
        locked = await log_in(client)  # even the right PIN, while locked
        neighbour = await log_in(client, login=other, pin="1111")  # 6 failures from the address
        for _attempt in range(2):
            await log_in(client, login=other, pin="1111")  # 8: the address is locked now
        third = await log_in(client, login="WEB-0001", pin="2468")
    async with client_at("10.0.0.8") as elsewhere:
        same_number = await log_in(elsewhere)
        another = await log_in(elsewhere, login=other, pin="1111")
    assert locked.status_code == 401 and "Too many attempts" in locked.text
    assert neighbour.status_code == 401 and "Wrong number or code" in neighbour.text  # not locked out by them
    assert "Too many attempts" in third.text  # the address's own limit
    assert "Too many attempts" in same_number.text  # and the number, from anywhere
    assert another.status_code == 401 and "Wrong number or code" in another.text


async def test_pin_is_set_by_the_customer_and_checked(demo_url):
    async with portal_client(demo_url) as client:
        await log_in(client)
        form = await client.get("/portal/pin")
        short = await client.post("/portal/pin", data={"csrf": csrf_of(form.text), "pin": "12"})
        saved = await client.post("/portal/pin", data={"csrf": csrf_of(form.text), "pin": "97531"})
    async with portal_client(demo_url, address="10.0.0.9") as client:
        old = await log_in(client)
        new = await log_in(client, pin="97531")
    assert short.status_code == 422 and "4 to 8 digits" in short.text
    assert saved.status_code == 200 and old.status_code == 401 and new.status_code == 303


async def test_an_erased_customer_cannot_log_in_and_their_session_ends(demo_url):
    async with portal_client(demo_url) as client:
        await log_in(client)
        with unit_of_work(demo_url) as session:
            party_id = session.exec(select(Party.id).where(Party.phone == demo.PHONE)).one()
        act(demo_url, erasure.erase_customer, ADMIN, party_id=party_id)
        ended = await client.get("/portal/inquiries")
        by_contract = await log_in(client, login=demo.CONTRACT)
    assert ended.status_code == 303 and ended.headers["location"] == "/portal/login"
    assert by_contract.status_code == 401


def test_the_limits_are_read_from_config_yaml(tmp_path):
    from crmterm.settings import resolve

    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.yaml").write_text("portal_login_attempts: 3\nportal_address_attempts: 200\n",
                                                 encoding="utf-8")
    configured = resolve(environ={"CRMTERM_HOME": str(home)})
    default = resolve(environ={"CRMTERM_HOME": str(tmp_path / "other")})
    assert (configured.portal_login_attempts, configured.portal_address_attempts) == (3, 200)
    assert (default.portal_login_attempts, default.portal_address_attempts) == (5, 50)
