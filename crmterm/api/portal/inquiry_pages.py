"""My inquiries: the list, one inquiry with its public timeline, a comment, a file, a rating."""

from __future__ import annotations

import os
from urllib.parse import quote

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from crmterm.api.portal import web
from crmterm.api.routes._shapes import Id
from crmterm.errors import CrmError
from crmterm.i18n import N_
from crmterm.services.inquiries import attachments
from crmterm.services.inquiries.inquiry_log import state_label
from crmterm.services.portal import my_inquiries, ratings
from crmterm.services.portal.identity import PortalCustomer

router = APIRouter()
SHOW_AGENTS_ENV = "CRMTERM_PORTAL_SHOW_AGENTS"  # "1": the timeline names the agent instead of "support"
KINDS = {"registered": N_("registered"), "closed": N_("closed"), "reopened": N_("reopened"),
         "cancelled": N_("cancelled"), "comment": N_("comment"), "file": N_("file added"), "service": N_("service run")}
WHO = {"customer": N_("you"), "support": N_("support")}


@router.get("/inquiries", response_class=HTMLResponse)
def inquiry_list(request: Request) -> HTMLResponse:
    customer = web.require_customer(request)
    found = web.call(request, lambda session: my_inquiries.list_mine(session=session, customer=customer))
    return web.render(request, "inquiries.html.j2", customer=customer, inquiries=found, state_label=state_label)


def _page(request: Request, customer: PortalCustomer, inquiry_id: int, *, message: str = "",
          status: int = 200) -> HTMLResponse:
    show_agents = os.environ.get(SHOW_AGENTS_ENV) == "1"
    found = web.call(request, lambda session: my_inquiries.show(session=session, customer=customer,
                                                                inquiry_id=inquiry_id, show_agents=show_agents))
    gettext = web.translator(web.language_of(request)).gettext
    return web.render(request, "inquiry.html.j2", status=status, customer=customer, inquiry=found,
                      kinds={kind: gettext(label) for kind, label in KINDS.items()},
                      who=lambda name: gettext(WHO[name]) if name in WHO else name, message=message)


@router.get("/inquiries/{inquiry_id}", response_class=HTMLResponse)
def inquiry(request: Request, inquiry_id: Id) -> HTMLResponse:
    return _page(request, web.require_customer(request), inquiry_id)


def _back(inquiry_id: int) -> RedirectResponse:
    return web.redirect(f"{web.PREFIX}/inquiries/{inquiry_id}")


@router.post("/inquiries/{inquiry_id}/comment", response_class=HTMLResponse)
def comment(request: Request, inquiry_id: Id, text: str = Form(""), csrf: str = Form("")) -> Response:
    customer = web.require_customer(request)
    web.check_csrf(customer, csrf)
    try:
        web.call(request, lambda session: my_inquiries.comment(session=session, customer=customer,
                                                               inquiry_id=inquiry_id, text=text))
    except CrmError as error:
        return _refused(request, customer, inquiry_id, error)
    return _back(inquiry_id)


def _refused(request: Request, customer: PortalCustomer, inquiry_id: int, error: CrmError) -> HTMLResponse:
    """The inquiry's page with the message, or the error page when the inquiry itself is not the customer's."""
    return _page(request, customer, inquiry_id, message=str(error), status=422)


@router.post("/inquiries/{inquiry_id}/files", response_class=HTMLResponse)
async def upload(request: Request, inquiry_id: Id, file: UploadFile = File(...), csrf: str = Form("")) -> Response:
    customer = await run_in_threadpool(web.require_customer, request)
    web.check_csrf(customer, csrf)
    data, name = await file.read(), file.filename or ""
    limits = attachments.limits_of(web.settings_of(request))

    def work(session):
        return my_inquiries.attach(session=session, customer=customer, inquiry_id=inquiry_id, name=name, data=data,
                                   limits=limits)

    try:
        await run_in_threadpool(web.call, request, work)
    except CrmError as error:
        return await run_in_threadpool(_refused, request, customer, inquiry_id, error)
    return _back(inquiry_id)


@router.get("/inquiries/{inquiry_id}/files/{attachment_id}")
def download(request: Request, inquiry_id: Id, attachment_id: Id) -> Response:
    customer = web.require_customer(request)
    name, data = web.call(request, lambda session: my_inquiries.file_content(
        session=session, customer=customer, inquiry_id=inquiry_id, attachment_id=attachment_id))
    return Response(data, media_type="application/octet-stream", headers={
        **web.SECURITY_HEADERS, "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"})


@router.post("/inquiries/{inquiry_id}/rating", response_class=HTMLResponse)
def rate(request: Request, inquiry_id: Id, score: int = Form(0), remark: str = Form(""),
         csrf: str = Form("")) -> Response:
    customer = web.require_customer(request)
    web.check_csrf(customer, csrf)
    try:
        web.call(request, lambda session: ratings.rate(session=session, customer=customer, inquiry_id=inquiry_id,
                                                       score=score, remark=remark))
    except CrmError as error:
        return _refused(request, customer, inquiry_id, error)
    return _back(inquiry_id)
