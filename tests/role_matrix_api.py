"""The role matrix's third caller, the HTTP API: every route of `crmterm serve`, the service entry point of the
matrix it calls (so the roles it must let through are the matrix's, never declared twice), and a builder that
prepares what the request needs and returns (path, request arguments). See role_matrix_calls.py for the world.

Unlike the service calls of the matrix, a request commits: a builder commits what it prepares (as the admin or
the supervisor) so the server's own transaction sees it, and makes a fresh inquiry per call."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from role_matrix_calls import World, new_party
from role_matrix_work import DISPUTE, closed, held, waiting
from sqlmodel import Session

from crmterm.services.accounts.permissions import Actor
from crmterm.store.db import unit_of_work

Request = tuple[str, dict[str, Any]]  # the concrete path, and httpx arguments (json=…, params=…)
Prepare = Callable[[Session, World, Actor | None], Request]


@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as the app declares it
    service: str  # the matrix entry (module.function) the route calls
    prepare: Prepare = lambda s, w, a: ("", {})  # noqa: E731 - "" stands for `path` itself

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    def request(self, world: World, actor: Actor | None) -> Request:
        with unit_of_work(world.url) as session:  # committed: the server reads it in its own transaction
            path, kwargs = self.prepare(session, world, actor)
        return path or self.path, kwargs


def _on(make: Callable[[Session, World, Actor | None], int], template: str, **kwargs: Any) -> Prepare:
    """A route on one inquiry (or customer) made for this call: `template` has `{id}`."""
    return lambda s, w, a: (template.format(id=make(s, w, a)), kwargs)


def _waiting(s: Session, w: World, a: Actor | None) -> int:
    return waiting(s, w)


def _closed(s: Session, w: World, a: Actor | None) -> int:
    return closed(s, w)


_CALLS = itertools.count(1)
CONTACT = {"channel": "phone", "place": "cc_msk", "inquiries": [{"topic": "disputed_charge", "values": DISPUTE}]}

API_ROUTES = [
    Route("GET", "/customers", "customer_search.search", lambda s, w, a: ("", {"params": {"q": "Nord"}})),
    Route("GET", "/customers/{party_id}", "customer_card.get_card", lambda s, w, a: (f"/customers/{w.party}", {})),
    Route("POST", "/customers", "customers.create_party", lambda s, w, a: ("", {"json": {"display_name": "Api"}})),
    Route("PATCH", "/customers/{party_id}", "customers.update_party",
          _on(lambda s, w, a: new_party(s, w), "/customers/{id}", json={"display_name": "Renamed"})),
    Route("POST", "/contacts", "external_events.register", lambda s, w, a: ("", {"json": CONTACT})),
    Route("GET", "/inquiries", "queues.page", lambda s, w, a: ("", {"params": {"queue": "first_line"}})),
    Route("POST", "/inquiries", "registration.register", lambda s, w, a: ("", {"json": {
        "topic": "disputed_charge", "channel": "phone", "place": "cc_msk", "values": DISPUTE}})),
    Route("GET", "/inquiries/{inquiry_id}", "archive_read.find_inquiry", _on(_waiting, "/inquiries/{id}")),
    Route("POST", "/inquiries/{inquiry_id}/comments", "inquiries.comment",
          _on(_waiting, "/inquiries/{id}/comments", json={"text": "called back"})),
    Route("POST", "/inquiries/{inquiry_id}/take", "inquiry_actions.take", _on(_waiting, "/inquiries/{id}/take",
                                                                               json={})),
    Route("POST", "/inquiries/{inquiry_id}/start", "inquiry_actions.start", _on(held, "/inquiries/{id}/start",
                                                                                 json={})),
    Route("POST", "/inquiries/{inquiry_id}/move", "inquiry_actions.move",
          _on(held, "/inquiries/{id}/move", json={"transition": "to_billing"})),
    Route("POST", "/inquiries/{inquiry_id}/close", "inquiry_actions.close",
          _on(held, "/inquiries/{id}/close", json={"resolution": "refunded"})),
    Route("POST", "/inquiries/{inquiry_id}/reopen", "inquiry_actions.reopen", _on(_closed, "/inquiries/{id}/reopen",
                                                                                   json={})),
    Route("GET", "/queues", "queues.my_queues"),
    Route("POST", "/calls", "incoming_calls.pop_call", lambda s, w, a: ("", {"json": {  # a call for oneself
        "number": "+79161000001", "agent_login": a.login if a else "agent", "call_id": f"matrix-{next(_CALLS)}"}})),
    Route("POST", "/queues/{queue}/take", "queues.take_next",
          lambda s, w, a: (waiting(s, w), ("/queues/first_line/take", {}))[1]),
    Route("GET", "/topics", "topics.topic_tree"),
    Route("GET", "/topics/{topic}/form", "attribute_checks.preview",
          lambda s, w, a: ("/topics/disputed_charge/form", {"params": {"attr": "amount=100"}})),
    Route("GET", "/kb", "kb_search.search", lambda s, w, a: ("", {"params": {"q": "roaming"}})),
]

# Routes outside the matrix: no token is asked for, so no role to check.
OPEN_ROUTES = {"GET /health": "monitoring asks it without a token"}
