"""The public knowledge base: search, an article, "did this help?" (no log-in)."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from crmterm.api.portal import web
from crmterm.services.portal import public_kb

router = APIRouter()


@router.get("/", response_class=HTMLResponse)
def search(request: Request, q: str = "") -> HTMLResponse:
    language = web.language_of(request)
    query = q.strip()[:200]
    hits = web.call(request, lambda session: public_kb.search(session=session, query=query) if query
                    else public_kb.most_used(session=session, lang=language))
    return web.render(request, "kb_search.html.j2", customer=web.customer_of(request), query=query, hits=hits)


def _article(request: Request, slug: str, lang: str | None, thanked: bool) -> HTMLResponse:
    language = lang if lang in web.LANGUAGES else web.language_of(request)
    article = web.call(request, lambda session: public_kb.read(session=session, slug=slug, lang=language))
    token = web.anon_token(request)
    page = web.render(request, "article.html.j2", customer=web.customer_of(request), article=article,
                      body=Markup(article.body_html), anon_csrf=token, thanked=thanked)  # noqa: S704 - raw HTML off
    return web.keep_anon_token(page, request, token)


@router.get("/kb/{slug}", response_class=HTMLResponse)
def article(request: Request, slug: str, lang: str | None = None) -> HTMLResponse:
    return _article(request, slug, lang, thanked=False)


@router.post("/kb/{slug}/helpful", response_class=HTMLResponse)
def helpful(request: Request, slug: str, answer: str = Form(""), csrf: str = Form(""),
            lang: str = Form("")) -> HTMLResponse:
    web.check_anon_csrf(request, csrf)
    if answer == "yes":
        web.call(request, lambda session: public_kb.helped(session=session, slug=slug))
    return _article(request, slug, lang or None, thanked=True)
