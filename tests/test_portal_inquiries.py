"""My inquiries and new requests in the portal (issue 25 items 3, 4 and 6), on SQLite and PostgreSQL: a request
made in the portal waits in an agents' queue at once, the agent's public comment reaches the customer and the
internal note does not, errors come back at their fields with nothing lost, closed inquiries are rated (and
reported by topic and agent), and another customer's inquiry answers 404 on every page, writing nothing."""

from __future__ import annotations

import re
from datetime import date

import pytest
from helpers import act, demo_people, register_disputed_charge
from portal_support import SECRET, codes_sent, csrf_of, log_in, portal_client, text_of

from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.inquiries import inquiries, inquiry_actions
from crmterm.services.portal import demo, ratings
from crmterm.services.routing import queues
from crmterm.services.routing.queues import InquiryFilter

DISPUTE = {"text": "You charged me twice for November", "attr.amount": "120.50",
           "attr.dispute_reason": "double_charge", "attr.charge_date": "2026-11-01"}


@pytest.fixture(autouse=True)
def _signing_key(monkeypatch):
    monkeypatch.setenv("CRMTERM_PORTAL_SECRET", SECRET)


async def _request(client, fields: dict, files=None):
    form = await client.get("/portal/requests/new/disputed_charge")
    return await client.post("/portal/requests/new/disputed_charge", data={"csrf": csrf_of(form.text), **fields},
                             files=files)


async def test_a_request_waits_in_a_queue_and_only_public_comments_reach_the_customer(demo_url):
    people = demo_people(demo_url)
    async with portal_client(demo_url) as client:
        await log_in(client)
        offered = await client.get("/portal/requests/new")
        form = await client.get("/portal/requests/new/disputed_charge")
        sent = await _request(client, {**DISPUTE, "attr.approval_reference": "SELF-APPROVED"},
                              files={"files": ("bill.pdf", b"%PDF-1.4 bill")})
        inquiry_id = int(sent.headers["location"].rsplit("/", 1)[1])
        act(demo_url, inquiries.comment, people["agent"], inquiry_id=inquiry_id, text="Customer sounds angry")
        act(demo_url, inquiries.comment, people["agent"], inquiry_id=inquiry_id, text="We are checking it",
            public=True)
        page = await client.get(f"/portal/inquiries/{inquiry_id}")
        commented = await client.post(f"/portal/inquiries/{inquiry_id}/comment",
                                      data={"csrf": csrf_of(page.text), "text": "Thank you"})
        listed = await client.get("/portal/inquiries")
    assert re.findall(r"requests/new/(\w+)", offered.text) == ["disputed_charge", "invoice_copy"]
    assert "approval_reference" not in form.text  # marked internal on the offer
    assert sent.status_code == 303
    waiting = act(demo_url, queues.page, people["agent"], where=InquiryFilter(queue="first_line")).rows
    assert inquiry_id in [row.id for row in waiting]
    read = act(demo_url, inquiries.get_inquiry, people["agent"], inquiry_id=inquiry_id)
    assert read.contact.channel == "web" and read.state == "waiting" and read.attachments[0].name == "bill.pdf"
    assert "approval_reference" not in {v.code for v in read.values}  # internal: never taken from the form
    shown = text_of(page.text)
    assert "We are checking it" in shown and "Customer sounds angry" not in shown
    assert "agent" not in shown.replace("Agent", "")  # "support", not the agent's login
    assert "120.5" in shown and "Charged twice" in shown and "bill.pdf" in shown
    assert commented.status_code == 303
    assert [(e.actor, e.text, e.data.get("public")) for e in act(
        demo_url, inquiries.get_inquiry, people["agent"], inquiry_id=inquiry_id).events if e.kind == "commented"
    ][-1] == ("portal", "Thank you", True)
    assert f"/portal/inquiries/{inquiry_id}" in listed.text


async def test_errors_come_back_at_their_fields_with_everything_typed(demo_url):
    async with portal_client(demo_url) as client:
        await log_in(client)
        refused = await _request(client, {**DISPUTE, "attr.amount": "lots", "attr.approval_reference": "X"},
                                 files={"files": ("virus.exe", b"MZ")})
        mine = await client.get("/portal/inquiries")
    assert refused.status_code == 422
    assert re.search(r'id="e-amount">[^<]*number', refused.text)
    assert 'value="lots"' in refused.text and "You charged me twice for November" in refused.text
    assert re.search(r'id="e-files">[^<]*exe', refused.text)
    assert 'value="double_charge" selected' in refused.text
    assert "You have no inquiries yet." in mine.text


async def test_a_closed_inquiry_is_rated_and_reported_by_topic_and_agent(demo_url):
    people = demo_people(demo_url)
    async with portal_client(demo_url) as client:
        await log_in(client)
        inquiry_id = int((await _request(client, DISPUTE)).headers["location"].rsplit("/", 1)[1])
        page = await client.get(f"/portal/inquiries/{inquiry_id}")
        too_early = await client.post(f"/portal/inquiries/{inquiry_id}/rating",
                                      data={"csrf": csrf_of(page.text), "score": "5"})
        act(demo_url, inquiry_actions.close, people["supervisor"], inquiry_id=inquiry_id, resolution="refunded")
        rated = await client.post(f"/portal/inquiries/{inquiry_id}/rating",
                                  data={"csrf": csrf_of(page.text), "score": "4", "remark": "Quick enough"})
        shown = await client.get(f"/portal/inquiries/{inquiry_id}")
    assert too_early.status_code == 422 and "only a closed inquiry can be rated" in too_early.text
    assert rated.status_code == 303 and "Quick enough" in shown.text and 'value="4" required checked' in shown.text
    rated = act(demo_url, inquiries.get_inquiry, people["agent"], inquiry_id=inquiry_id).events[-1]
    assert (rated.kind, rated.text, rated.data) == ("rated", "Quick enough", {"score": 4})  # agents see it
    report = act(demo_url, ratings.report, people["supervisor"], date_from=date(2020, 1, 1), date_to=date(2100, 1, 1))
    assert [(r.topic, r.agent, r.ratings, r.average) for r in report] == [("disputed_charge", "supervisor", 1, 4.0)]


async def test_another_customers_inquiry_is_not_found_on_every_page(demo_url):
    people = demo_people(demo_url)
    theirs = register_disputed_charge(demo_url)  # customer 1's
    before = act(demo_url, inquiries.get_inquiry, people["agent"], inquiry_id=theirs)
    async with portal_client(demo_url) as client:
        await log_in(client)
        token = csrf_of((await client.get("/portal/pin")).text)
        answers = [
            await client.get(f"/portal/inquiries/{theirs}"),
            await client.post(f"/portal/inquiries/{theirs}/comment", data={"csrf": token, "text": "hi"}),
            await client.post(f"/portal/inquiries/{theirs}/files", data={"csrf": token},
                              files={"file": ("a.txt", b"x")}),
            await client.get(f"/portal/inquiries/{theirs}/files/1"),
            await client.post(f"/portal/inquiries/{theirs}/rating", data={"csrf": token, "score": "1"}),
            await client.get("/portal/inquiries/999999"),
        ]
        listed = await client.get("/portal/inquiries")
    assert [a.status_code for a in answers] == [404] * 6
    assert len({text_of(a.text).replace(str(theirs), "N").replace("999999", "N") for a in answers}) == 1
    assert f"/portal/inquiries/{theirs}" not in listed.text
    after = act(demo_url, inquiries.get_inquiry, people["agent"], inquiry_id=theirs)
    assert (len(after.events), len(after.attachments)) == (len(before.events), len(before.attachments))


async def test_a_companys_contact_person_sees_the_companys_inquiries(demo_url):
    companys = register_disputed_charge(demo_url)  # customer 1: the Nord group, whose IT director logs in
    async with portal_client(demo_url) as client:
        await client.get("/portal/login")
        await client.post("/portal/login/code", data={"csrf": client.cookies.get("crm_csrf"),
                                                      "login": "+7 495 123-45-67"})
        [(_address, code)] = codes_sent(demo_url)
        await client.post("/portal/login", data={"csrf": client.cookies.get("crm_csrf"), "login": "+74951234567",
                                                 "code": code})
        page = await client.get(f"/portal/inquiries/{companys}")
    assert page.status_code == 200 and "Charged twice" in text_of(page.text)
    assert "Supervisor approval" not in page.text and "A-1" not in text_of(page.text)  # internal on the offer


CUSTOMER_PAGES = ["/portal/inquiries", "/portal/inquiries/1", "/portal/requests/new",
                  "/portal/requests/new/disputed_charge", "/portal/services", "/portal/pin"]
CUSTOMER_FORMS = ["/portal/inquiries/{id}/comment", "/portal/inquiries/{id}/rating",
                  "/portal/requests/new/invoice_copy", f"/portal/services/{demo.FUNCTION}", "/portal/pin",
                  "/portal/logout"]


async def test_customer_pages_need_a_session_and_every_form_its_token(demo_url):
    async with portal_client(demo_url) as client:
        anonymous = [await client.get(path) for path in CUSTOMER_PAGES]
        await log_in(client)
        inquiry_id = int((await _request(client, DISPUTE)).headers["location"].rsplit("/", 1)[1])
        before = act(demo_url, inquiries.get_inquiry, SYSTEM, inquiry_id=inquiry_id)
        forged = [await client.post(path.format(id=inquiry_id), data={"csrf": "forged", "text": "x", "score": "5",
                                                                      "pin": "1234"})
                  for path in CUSTOMER_FORMS]
        upload = await client.post(f"/portal/inquiries/{inquiry_id}/files", data={"csrf": "forged"},
                                   files={"file": ("a.txt", b"x")})
        not_offered = await client.get("/portal/requests/new/refund")
        still_in = await client.get("/portal/inquiries")
        css = await client.get("/portal/static/portal.css")
    assert [(a.status_code, a.headers["location"]) for a in anonymous] == [(303, "/portal/login")] * 6
    assert [f.status_code for f in forged] == [403] * 6 and upload.status_code == 403
    after = act(demo_url, inquiries.get_inquiry, SYSTEM, inquiry_id=inquiry_id)
    assert (len(after.events), after.attachments) == (len(before.events), [])
    assert not_offered.status_code == 404 and still_in.status_code == 200
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")


async def test_the_customer_adds_a_file_and_downloads_it_within_the_topics_limits(demo_url):
    async with portal_client(demo_url) as client:
        await log_in(client)
        inquiry_id = int((await _request(client, DISPUTE)).headers["location"].rsplit("/", 1)[1])
        page = await client.get(f"/portal/inquiries/{inquiry_id}")
        added = await client.post(f"/portal/inquiries/{inquiry_id}/files", data={"csrf": csrf_of(page.text)},
                                  files={"file": ("счёт.pdf", b"%PDF-1.4 mine")})
        refused = await client.post(f"/portal/inquiries/{inquiry_id}/files", data={"csrf": csrf_of(page.text)},
                                    files={"file": ("run.exe", b"MZ")})
        shown = await client.get(f"/portal/inquiries/{inquiry_id}")
        link = re.search(rf'href="(/portal/inquiries/{inquiry_id}/files/\d+)"', shown.text).group(1)
        downloaded = await client.get(link)
    assert added.status_code == 303 and "счёт.pdf" in shown.text
    assert refused.status_code == 422 and "not accepted" in text_of(refused.text)
    assert downloaded.content == b"%PDF-1.4 mine"
    assert downloaded.headers["content-disposition"] == "attachment; filename*=UTF-8''%D1%81%D1%87%D1%91%D1%82.pdf"
