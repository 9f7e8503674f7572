"""The portal's security review (issue 25), on SQLite and PostgreSQL: a company's subscriber does not log in as
the company, PIN guesses count per customer over all their numbers, a known number costs the same argon2 work
as an unknown one, sessions end with the account, and a number shared by two customers logs in as neither."""

from __future__ import annotations

import html

import pytest
from helpers import ADMIN, act
from portal_support import SECRET, codes_sent, csrf_of, log_in, portal_client, text_of
from sqlmodel import select

from crmterm.errors import AuthenticationFailed
from crmterm.services.customers import contracts, customers
from crmterm.services.portal import access, demo
from crmterm.store import Party, PortalSession
from crmterm.store.db import unit_of_work

NORD_SIM = "+7 916 100-00-01"  # a subscriber of NORD-001, the Nord group's (an organisation's) contract
UNKNOWN = "+7 916 555-99-99"


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch):
    monkeypatch.setenv("CRMTERM_PORTAL_SECRET", SECRET)


async def _ask_code(client, login: str):
    form = await client.get("/portal/login")
    return await client.post("/portal/login/code", data={"csrf": csrf_of(form.text), "login": login})


def _maria(url: str) -> int:
    with unit_of_work(url) as session:
        return session.exec(select(Party.id).where(Party.phone == demo.PHONE)).one()


async def test_a_companys_subscriber_gets_the_answer_of_an_unknown_number_and_no_code(demo_url):
    async with portal_client(demo_url) as client:
        employee = await _ask_code(client, NORD_SIM)
        unknown = await _ask_code(client, UNKNOWN)
        by_contract = await _ask_code(client, "NORD-001")
    assert employee.status_code == unknown.status_code == by_contract.status_code == 200
    assert text_of(employee.text).replace(NORD_SIM, "N") == text_of(unknown.text).replace(UNKNOWN, "N")
    sent = [address for address, _code in codes_sent(demo_url)]
    assert not any(address.startswith("7916100") for address in sent)  # never to an employee's SIM
    with unit_of_work(demo_url) as session:
        assert session.exec(select(PortalSession)).all() == []


async def test_wrong_pins_on_several_numbers_of_one_customer_lock_the_customer(demo_url):
    numbers = ["+7 916 555-00-02", "+7 916 555-00-03"]
    for number in numbers:
        act(demo_url, contracts.add_subscriber, ADMIN, contract=demo.CONTRACT, number=number)
    async with portal_client(demo_url) as client:
        for login in [demo.PHONE, demo.PHONE, numbers[0], numbers[0], numbers[1]]:  # two or one per number
            assert (await log_in(client, login=login, pin="9999")).status_code == 401
        right = await log_in(client, login=numbers[1])  # the right PIN, but the customer is locked
    assert right.status_code == 401 and "Too many attempts" in right.text


class _Counting:
    """The portal's argon2 hasher, counting its calls (the work an answer costs, without timing it)."""

    def __init__(self, real):
        self.real, self.calls = real, 0

    def hash(self, secret):
        self.calls += 1
        return self.real.hash(secret)

    def verify(self, stored, secret):
        self.calls += 1
        return self.real.verify(stored, secret)


def _argon2_calls(url: str, monkeypatch, call) -> int:
    access._dummy()  # computed once per process: not part of an answer
    counting = _Counting(access._hasher)
    monkeypatch.setattr(access, "_hasher", counting)
    with unit_of_work(url) as session:
        try:
            call(session)
        except AuthenticationFailed:
            pass
    monkeypatch.setattr(access, "_hasher", counting.real)
    return counting.calls


def test_known_and_unknown_numbers_cost_the_same_argon2_work(demo_url, monkeypatch):
    def ask(typed: str):
        return lambda session: access.request_code(session=session, typed=typed, address="10.0.0.5", language="en")

    def enter(typed: str):
        return lambda session: access.log_in_with_code(session=session, typed=typed, code="000000",
                                                       address="10.0.0.6", language="en")

    asked = [_argon2_calls(demo_url, monkeypatch, ask(typed)) for typed in (demo.PHONE, demo.PHONE, UNKNOWN)]
    entered = [_argon2_calls(demo_url, monkeypatch, enter(typed)) for typed in (demo.PHONE, UNKNOWN)]
    assert asked == [1, 1, 1]
    assert entered == [1, 1]  # two codes were asked for the known number: only the newest is checked


async def test_a_session_ends_when_the_customer_is_closed(demo_url):
    async with portal_client(demo_url) as client:
        await log_in(client)
        act(demo_url, customers.update_party, ADMIN, party_id=_maria(demo_url), expected_version=None,
            values={"display_name": "Мария Соколова", "kind": "person", "phone": demo.PHONE, "status": "closed"})
        ended = await client.get("/portal/inquiries")
    assert ended.status_code == 303 and ended.headers["location"] == "/portal/login"


async def test_a_number_of_two_customers_logs_in_as_neither(demo_url):
    act(demo_url, customers.create_party, ADMIN, values={"display_name": "Пётр Соколов", "phone": demo.PHONE})
    async with portal_client(demo_url) as client:
        pin = await log_in(client)
        code = await _ask_code(client, demo.PHONE)
    assert pin.status_code == 401 and "Wrong number or code" in pin.text
    assert code.status_code == 200 and codes_sent(demo_url) == []


async def test_ids_beyond_the_databases_range_and_bad_values_get_portal_pages(demo_url):
    huge = 2**31
    async with portal_client(demo_url) as client:
        await log_in(client)
        page = await client.get("/portal/inquiries")
        token = csrf_of(page.text)
        missing = await client.get("/portal/inquiries/999999")
        answers = [await client.get(f"/portal/inquiries/{huge}"), await client.get("/portal/inquiries/abc"),
                   await client.get(f"/portal/inquiries/1/files/{huge}"),
                   await client.post(f"/portal/inquiries/{huge}/comment", data={"csrf": token, "text": "hi"}),
                   await client.post(f"/portal/inquiries/{huge}/rating", data={"csrf": token, "score": "5"})]
        score = await client.post("/portal/inquiries/1/rating", data={"csrf": token, "score": "five"})
    assert missing.status_code == 404
    for answer in answers:
        assert answer.status_code == 404 and answer.headers["content-type"].startswith("text/html")
    assert "Inquiry '2147483648' not found" in html.unescape(answers[0].text)  # as a missing inquiry's page says
    assert score.status_code == 422 and score.headers["content-type"].startswith("text/html")
