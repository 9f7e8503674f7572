"""Log-in by a one-time code or a PIN, log-out, the PIN page and the language switch."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from crmterm.api.portal import web
from crmterm.errors import CrmError, ValidationError
from crmterm.services.portal import access

router = APIRouter()


def _login_page(request: Request, *, login: str = "", sent: bool = False, message: str = "",
                status: int = 200) -> HTMLResponse:
    token = web.anon_token(request)
    page = web.render(request, "login.html.j2", status=status, login=login, sent=sent, message=message,
                      anon_csrf=token)
    return web.keep_anon_token(page, request, token)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request) -> HTMLResponse:
    return _login_page(request)


@router.post("/login/code", response_class=HTMLResponse)
def send_code(request: Request, login: str = Form(""), csrf: str = Form("")) -> HTMLResponse:
    web.check_anon_csrf(request, csrf)
    language, address, limits = web.language_of(request), web.address_of(request), web.login_limits(request)
    try:
        web.call(request, lambda session: access.request_code(session=session, typed=login, address=address,
                                                              language=language, limits=limits))
    except CrmError as error:
        return _login_page(request, login=login, message=str(error),
                           status=422 if isinstance(error, ValidationError) else 429)
    return _login_page(request, login=login, sent=True)


@router.post("/login", response_class=HTMLResponse)
def log_in(request: Request, login: str = Form(""), code: str = Form(""), pin: str = Form(""),
           csrf: str = Form("")) -> Response:
    web.check_anon_csrf(request, csrf)
    language, address, limits = web.language_of(request), web.address_of(request), web.login_limits(request)

    def work(session):
        if pin and not code:
            return access.log_in_with_pin(session=session, typed=login, pin=pin, address=address, language=language,
                                          limits=limits)
        return access.log_in_with_code(session=session, typed=login, code=code, address=address, language=language,
                                       limits=limits)

    try:
        secret, _customer = web.call(request, work)
    except CrmError as error:
        return _login_page(request, login=login, message=str(error), status=401)
    response = web.redirect(f"{web.PREFIX}/inquiries")
    web.set_session(response, request, secret)
    return response


@router.post("/logout")
def log_out(request: Request, csrf: str = Form("")) -> RedirectResponse:
    customer = web.require_customer(request)
    web.check_csrf(customer, csrf)
    secret = web.session_secret(request) or ""
    web.call(request, lambda session: access.log_out(session=session, secret=secret))
    response = web.redirect(f"{web.PREFIX}/")
    response.delete_cookie(web.COOKIE, path=web.PREFIX)
    return response


@router.get("/pin", response_class=HTMLResponse)
def pin_form(request: Request) -> HTMLResponse:
    return web.render(request, "pin.html.j2", customer=web.require_customer(request), saved=False, message="")


@router.post("/pin", response_class=HTMLResponse)
def set_pin(request: Request, pin: str = Form(""), csrf: str = Form("")) -> HTMLResponse:
    customer = web.require_customer(request)
    web.check_csrf(customer, csrf)
    try:
        web.call(request, lambda session: access.set_pin(session=session, customer=customer, pin=pin))
    except CrmError as error:
        return web.render(request, "pin.html.j2", status=422, customer=customer, saved=False, message=str(error))
    return web.render(request, "pin.html.j2", customer=customer, saved=True, message="")


@router.get("/language/{code}")
def choose_language(request: Request, code: str, back: str = "") -> RedirectResponse:
    """The choice is kept in a cookie; `back` is followed only inside the portal (no open redirect)."""
    target = back if back.startswith(web.PREFIX + "/") and "//" not in back and "\\" not in back else web.PREFIX + "/"
    response = web.redirect(target)
    if code in web.LANGUAGES:
        response.set_cookie(web.LANG_COOKIE, code, samesite="lax", path=web.PREFIX, max_age=365 * 86400)
        secret = web.session_secret(request)
        if secret:
            web.call(request, lambda session: access.set_language(session=session, secret=secret, language=code))
    return response
