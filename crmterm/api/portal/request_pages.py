"""A new request: the topics offered in self-service, the topic's form, sending it (with files)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.responses import Response

from crmterm.api.portal import web
from crmterm.services.inquiries import attachments
from crmterm.services.portal import offers, requests
from crmterm.services.portal.requests import RequestRefused

router = APIRouter()
ATTR = "attr."  # form fields of attributes are named attr.CODE


@router.get("/requests/new", response_class=HTMLResponse)
def topics(request: Request) -> HTMLResponse:
    customer = web.require_customer(request)
    offered = web.call(request, lambda session: offers.offered_topics(session))
    return web.render(request, "topics.html.j2", customer=customer, topics=offered)


@router.get("/requests/new/{topic}", response_class=HTMLResponse)
def request_form(request: Request, topic: str) -> HTMLResponse:
    customer = web.require_customer(request)
    shown = web.call(request, lambda session: requests.form(session=session, customer=customer, topic=topic))
    return web.render(request, "request.html.j2", customer=customer, form=shown)


@router.post("/requests/new/{topic}", response_class=HTMLResponse)
async def send(request: Request, topic: str) -> Response:
    customer = await run_in_threadpool(web.require_customer, request)
    sent = await request.form()
    web.check_csrf(customer, str(sent.get("csrf", "")))
    values = {key[len(ATTR):]: str(value) for key, value in sent.items() if key.startswith(ATTR)}
    files = [(item.filename or "", await item.read()) for item in sent.getlist("files")
             if isinstance(item, UploadFile) and item.filename]
    text = str(sent.get("text", ""))
    limits = attachments.limits_of(web.settings_of(request))

    def work(session):
        return requests.submit(session=session, customer=customer, topic=topic, text=text, values=values,
                               files=files, limits=limits)

    try:
        inquiry_id = await run_in_threadpool(web.call, request, work)
    except RequestRefused as refused:
        return web.render(request, "request.html.j2", status=422, customer=customer, form=refused.form)
    return web.redirect(f"{web.PREFIX}/inquiries/{inquiry_id}")
