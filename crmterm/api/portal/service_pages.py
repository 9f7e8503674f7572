"""Self-service operations: the functions offered, and running one on the customer's own data."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse

from crmterm.api.portal import web
from crmterm.errors import CrmError, NotFound
from crmterm.services.portal import operations
from crmterm.services.portal.identity import PortalCustomer

router = APIRouter()


def _page(request: Request, customer: PortalCustomer, *, result: str = "", message: str = "",
          status: int = 200) -> HTMLResponse:
    offered = web.call(request, lambda session: operations.offered(session=session, customer=customer))
    return web.render(request, "services.html.j2", status=status, customer=customer, services=offered,
                      result=result, message=message)


@router.get("/services", response_class=HTMLResponse)
def services(request: Request) -> HTMLResponse:
    return _page(request, web.require_customer(request))


@router.post("/services/{name}", response_class=HTMLResponse)
def run(request: Request, name: str, csrf: str = Form("")) -> HTMLResponse:
    customer = web.require_customer(request)
    web.check_csrf(customer, csrf)
    try:
        result = web.call(request, lambda session: operations.run(session=session, customer=customer, name=name))
    except NotFound:
        raise  # the error page: not a service of this portal
    except CrmError as error:
        return _page(request, customer, message=str(error), status=422)
    return _page(request, customer, result=result)
