"""What every portal page shares: templates, the language, the signed session cookie, the CSRF check, and
running a service in one transaction with domain errors turned into an HTML page.

The session cookie is `<secret>.<HMAC-SHA256>`: the secret finds the session row (by its hash), the signature
(key: CRMTERM_PORTAL_SECRET, else the file `portal_secret` in the config directory, made on first use with
mode 0600) refuses forged cookies before the database is asked. It is http-only, SameSite=Lax, and Secure
whenever the page came over HTTPS (serve the portal behind TLS). Every form carries the session's CSRF token.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

import jinja2
from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse

from crmterm.errors import AuthenticationFailed, Conflict, CrmError, NotFound, PermissionDenied
from crmterm.i18n import fmt_date, fmt_datetime, language_for_request, translator
from crmterm.locations import ensure, locations
from crmterm.services.platform.transactions import in_transaction
from crmterm.services.portal import access
from crmterm.services.portal.identity import PortalCustomer
from crmterm.settings import LANGUAGES, Settings

T = TypeVar("T")
PREFIX = "/portal"
COOKIE = "crm_portal"
LANG_COOKIE = "crm_lang"
SECRET_ENV = "CRMTERM_PORTAL_SECRET"
SECURITY_HEADERS = {"Content-Security-Policy": "default-src 'self'; form-action 'self'; frame-ancestors 'none'",
                    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
                    "Cache-Control": "no-store"}


class LoginNeeded(Exception):
    """A page for logged-in customers was asked without a live session: the log-in page answers."""


@lru_cache(maxsize=1)
def templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("crmterm", "templates"), autoescape=True,
                              undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)


def settings_of(request: Request) -> Settings:
    return request.app.state.settings


def signing_key(settings: Settings) -> bytes:
    """CRMTERM_PORTAL_SECRET, else the config directory's portal_secret (made on first use, readable by the
    owner only): every worker of `crmterm serve` signs with the same key."""
    configured = os.environ.get(SECRET_ENV)
    if configured:
        return configured.encode()
    return _key_file((settings.where or locations()).config / "portal_secret")


@lru_cache(maxsize=4)
def _key_file(path: Path) -> bytes:
    if not path.is_file():
        ensure(path.parent)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    return path.read_text().strip().encode()


def _signature(settings: Settings, secret: str) -> str:
    return hmac.new(signing_key(settings), secret.encode(), hashlib.sha256).hexdigest()


def session_secret(request: Request) -> str | None:
    """The session secret of a cookie with a right signature, else None."""
    secret, _dot, signature = (request.cookies.get(COOKIE) or "").partition(".")
    if not secret or not hmac.compare_digest(signature, _signature(settings_of(request), secret)):
        return None
    return secret


def set_session(response: HTMLResponse | RedirectResponse, request: Request, secret: str) -> None:
    response.set_cookie(COOKIE, f"{secret}.{_signature(settings_of(request), secret)}", httponly=True,
                        secure=request.url.scheme == "https", samesite="lax", path=PREFIX,
                        max_age=access.SESSION_HOURS * 3600)


def language_of(request: Request) -> str:
    """The customer's choice (cookie), else the browser's first language we have, else the server's."""
    chosen = request.cookies.get(LANG_COOKIE)
    if chosen in LANGUAGES:
        return chosen
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return settings_of(request).language


def call(request: Request, work: Callable[[Any], T]) -> T:
    """`work(session)` in one transaction, in the page's language (service messages are translated by it) for
    this request only: customers in other languages are served at the same time."""
    with language_for_request(language_of(request)):
        return in_transaction(settings_of(request).database_url, work)


def customer_of(request: Request) -> PortalCustomer | None:
    secret = session_secret(request)
    if secret is None:
        return None
    return call(request, lambda session: access.customer_of(session=session, secret=secret))


def require_customer(request: Request) -> PortalCustomer:
    found = customer_of(request)
    if found is None:
        raise LoginNeeded()
    return found


def check_csrf(customer: PortalCustomer, token: str) -> None:
    if not hmac.compare_digest(customer.csrf.encode(), (token or "").encode()):
        raise PermissionDenied("CSRF")


def address_of(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def login_limits(request: Request) -> access.Limits:
    """Log-in attempts before a lock: per number, and (higher: a NAT address is many customers') per address."""
    settings = settings_of(request)
    return access.Limits(attempts=settings.portal_login_attempts, address_attempts=settings.portal_address_attempts)


def render(request: Request, name: str, *, status: int = 200, customer: PortalCustomer | None = None,
           **context: Any) -> HTMLResponse:
    language = language_of(request)
    gettext = translator(language).gettext
    with language_for_request(language):  # dates and labels picked while rendering
        page = templates().get_template(f"portal/{name}").render(
            _=gettext, lang=language, languages=LANGUAGES, customer=customer,
            csrf=customer.csrf if customer else "", prefix=PREFIX, date=fmt_date, datetime=fmt_datetime,
            **{"path": request.url.path, **context})  # `path`: where the language links come back to
    return HTMLResponse(page, status_code=status, headers=SECURITY_HEADERS)


def error_page(request: Request, error: CrmError) -> HTMLResponse:
    status = 404 if isinstance(error, NotFound) else 403 if isinstance(error, PermissionDenied) else \
        409 if isinstance(error, Conflict) else 401 if isinstance(error, AuthenticationFailed) else 422
    return render(request, "error.html.j2", status=status, customer=None, message=str(error), status_code=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303, headers=SECURITY_HEADERS)


ANON_COOKIE = "crm_csrf"  # forms shown before log-in: the token in the form must equal this cookie's


def anon_token(request: Request) -> str:
    return request.cookies.get(ANON_COOKIE) or secrets.token_urlsafe(24)


def keep_anon_token(response: HTMLResponse, request: Request, token: str) -> HTMLResponse:
    if request.cookies.get(ANON_COOKIE) != token:
        response.set_cookie(ANON_COOKIE, token, httponly=True, secure=request.url.scheme == "https",
                            samesite="strict", path=PREFIX)
    return response


def check_anon_csrf(request: Request, token: str) -> None:
    cookie = request.cookies.get(ANON_COOKIE) or ""
    if not cookie or not hmac.compare_digest(cookie.encode(), (token or "").encode()):
        raise PermissionDenied("CSRF")
