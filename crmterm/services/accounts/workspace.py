"""The agent's own workspace (issue 31 item 6): which main tabs are shown and in what order, the columns of the
main lists, the order of the customer card's tabs and the Dashboard's tiles — one JSON document per user in
user_preference (key `workspace`), so it follows the user to any workstation and every role may keep one.

The catalogue below names every piece a layout may mention; the screens build them from these ids. What is
saved is only ever read through `effective`: an id no longer in the catalogue is dropped (an older crmterm's
layout, a hand-edited row), and a tab the user has no right to is never shown, whatever the layout says."""

from __future__ import annotations

import json

from pydantic import BaseModel, Field
from sqlmodel import Session, select

from crmterm.errors import NotFound, ValidationError
from crmterm.i18n import N_, _
from crmterm.services.accounts.permissions import Actor, Permission, require
from crmterm.services.accounts.preferences import own_id
from crmterm.store import User, UserPreference, utcnow
from crmterm.store.tables import upsert_insert

KEY = "workspace"

# Main tabs in their default order, with the permission each needs (None: everyone)
TABS: dict[str, tuple[str, Permission | None]] = {
    "register": (N_("Register"), Permission.INQUIRIES_WRITE),
    "work": (N_("My work"), Permission.INQUIRIES_WRITE),
    "home": (N_("Home"), None),
    "customers": (N_("Customers"), Permission.CUSTOMERS_READ),
    "queues": (N_("Queues"), Permission.INQUIRIES_READ),
    "reports": (N_("Reports"), Permission.REPORTS_READ),
    "topics": (N_("Topics"), Permission.ADMIN_SCREENS),
    "admin": (N_("Admin"), Permission.ADMIN_SCREENS),
    "dashboard": (N_("Dashboard"), None),
    "sales": (N_("Sales"), Permission.SALES_WORK),
}
# Offered but hidden until the user shows them (Customise workspace): 80 columns hold the other tabs' names,
# and the pipeline is also a screen of its own (Alt+S) for those who keep the tab hidden
HIDDEN_BY_DEFAULT = ("sales",)
# The main lists and their columns in default order (the ids are the screens' column keys)
LISTS: dict[str, tuple[str, dict[str, str]]] = {
    "queue": (N_("Queue list"), {
        "id": N_("#"), "priority": N_("Priority"), "due": N_("Deadline"), "sla": N_("SLA"), "topic": N_("Topic"),
        "customer": N_("Customer"), "state": N_("State"), "step": N_("Step"), "assignee": N_("Assignee")}),
    "customers": (N_("Customer search results"), {
        "id": "ID", "name": N_("Name"), "matched": N_("Matched"), "details": N_("Phone · contract · region")}),
    "work": (N_("My work"), {
        "kind": N_("Kind"), "id": "#", "what": N_("What"), "customer": N_("Customer"), "deadline": N_("Deadline")}),
}
# Columns a list cannot do without: the row's identity (the queue list's # also carries the sort arrow)
REQUIRED_COLUMNS = {"queue": ("id",), "customers": ("name",), "work": ("what",)}
CARD_TABS: dict[str, str] = {
    "details": N_("Details"), "structures": N_("Structures"), "contracts": N_("Contracts"),
    "persons": N_("Contact persons"), "discounts": N_("Discounts"), "history": N_("History"), "notes": N_("Notes"),
    "inquiries": N_("Inquiries"), "orders": N_("Orders"),
    "assets": N_("Equipment")}
# Dashboard tiles (services/work/dashboard computes each): the default shows them all
TILES: dict[str, str] = {
    "my_open": N_("My open inquiries"), "my_overdue": N_("My overdue inquiries"),
    "registered_today": N_("Registered today"), "queue_sizes": N_("My queues"),
    "my_week": N_("My registrations, last 7 days"), "breaches_today": N_("SLA breaches today")}
DEFAULT_TILES = ("my_open", "my_overdue", "registered_today", "queue_sizes", "my_week", "breaches_today")


class Layout(BaseModel):
    """Shown tabs in order; per list its shown columns in order; the card's tabs in order; the tiles shown.
    A tab neither shown nor hidden (new in crmterm, or a right the user has gained since) joins at the end."""

    tabs: list[str] = Field(default_factory=lambda: [tab for tab in TABS if tab not in HIDDEN_BY_DEFAULT])
    hidden_tabs: list[str] = Field(default_factory=lambda: list(HIDDEN_BY_DEFAULT))
    columns: dict[str, list[str]] = Field(default_factory=lambda: {k: list(c) for k, (_l, c) in LISTS.items()})
    card_tabs: list[str] = Field(default_factory=lambda: list(CARD_TABS))
    tiles: list[str] = Field(default_factory=lambda: list(DEFAULT_TILES))


class WorkspaceRead(BaseModel):
    login: str
    customised: bool  # False: the default layout (nothing saved)
    layout: Layout


def _known(saved: object, catalogue) -> list[str]:
    """The saved ids still in the catalogue, each once, in the saved order."""
    if not isinstance(saved, list):
        return []
    return list(dict.fromkeys(str(item) for item in saved if str(item) in catalogue))


def clean(raw: object) -> Layout:
    """A layout from whatever was saved: unknown entries dropped, a missing or empty part its default."""
    data = raw if isinstance(raw, dict) else {}
    default = Layout()
    given_columns = data.get("columns")
    columns: dict = given_columns if isinstance(given_columns, dict) else {}
    shown_columns = {}
    for name, (_label, catalogue) in LISTS.items():
        kept = _known(columns.get(name), catalogue) or default.columns[name]
        shown_columns[name] = kept + [c for c in REQUIRED_COLUMNS[name] if c not in kept]
    card = _known(data.get("card_tabs"), CARD_TABS)
    saved_tabs, hidden = _known(data.get("tabs"), TABS), _known(data.get("hidden_tabs"), TABS)
    hidden += [tab for tab in HIDDEN_BY_DEFAULT if tab not in saved_tabs and tab not in hidden]
    tabs = [tab for tab in saved_tabs if tab not in hidden]
    tabs += [tab for tab in TABS if tab not in tabs and tab not in hidden]
    return Layout(tabs=tabs, hidden_tabs=hidden, columns=shown_columns,
                  card_tabs=card + [t for t in CARD_TABS if t not in card],  # the card always has every tab
                  tiles=_known(data.get("tiles"), TILES) if "tiles" in data else default.tiles)


def effective(actor: Actor, layout: Layout) -> Layout:
    """The layout as shown to `actor`: tabs without the right removed (Home when nothing else is left)."""
    tabs = [tab for tab in layout.tabs if TABS[tab][1] is None or actor.can(TABS[tab][1])]  # type: ignore[arg-type]
    return layout.model_copy(update={"tabs": tabs or ["home"]})


def _user(session: Session, actor: Actor, login: str | None, permission: Permission) -> tuple[int, str]:
    """The user whose workspace it is: the actor's own, or (with `permission`) another's."""
    if actor is None or login is None or login == actor.login:
        return own_id(actor), login or actor.login  # own_id refuses nobody first
    require(actor, permission)
    user_id = session.exec(select(User.id).where(User.login == login)).first()
    if user_id is None:
        raise NotFound(_("user"), login)
    return user_id, login


def get_workspace(*, session: Session, actor: Actor, login: str | None = None) -> WorkspaceRead:
    """The saved layout (or the default), as that user sees it; another user's needs users.read."""
    user_id, whose = _user(session, actor, login, Permission.USERS_READ)
    row = session.get(UserPreference, (user_id, KEY))
    raw = _parse(row.value) if row is not None else None
    layout = clean(raw)
    if whose == actor.login:
        layout = effective(actor, layout)
    return WorkspaceRead(login=whose, customised=row is not None, layout=layout)


def _parse(text: str) -> object:
    try:
        return json.loads(text)
    except ValueError:  # a damaged row is not worth a refused log-in: the default layout
        return None


def set_workspace(*, session: Session, actor: Actor, layout: Layout | dict) -> WorkspaceRead:
    """Save the actor's own layout; an unknown id is refused here (only a saved one is ignored when read)."""
    user_id = own_id(actor)
    given = layout.model_dump() if isinstance(layout, Layout) else layout
    _check(given)
    cleaned = clean(given)
    now = utcnow()
    value = cleaned.model_dump_json()
    # One statement for insert or update, as for the language: two quick saves must not break the key
    insert = upsert_insert(session)
    session.execute(insert(UserPreference).values(user_id=user_id, key=KEY, value=value, updated_at=now)
                    .on_conflict_do_update(index_elements=["user_id", "key"], set_={"value": value, "updated_at": now}))
    return WorkspaceRead(login=actor.login, customised=True, layout=effective(actor, cleaned))


def _check(given: dict) -> None:
    for part, catalogue in (("tabs", TABS), ("hidden_tabs", TABS), ("card_tabs", CARD_TABS), ("tiles", TILES)):
        _check_ids(part, given.get(part), catalogue)
    columns = given.get("columns") or {}
    if not isinstance(columns, dict):
        raise ValidationError("columns", _("columns must map a list to its columns"))
    for name, shown in columns.items():
        if name not in LISTS:
            raise ValidationError("columns", _("unknown list '{name}' (use one of: {known})").format(
                name=name, known=", ".join(LISTS)))
        _check_ids(f"columns.{name}", shown, LISTS[name][1])


def _check_ids(part: str, given: object, catalogue) -> None:
    if given is None:
        return
    if not isinstance(given, list):
        raise ValidationError(part, _("{part} must be a list").format(part=part))
    unknown = [str(item) for item in given if str(item) not in catalogue]
    if unknown:
        raise ValidationError(part, _("unknown {part}: {unknown} (use: {known})").format(
            part=part, unknown=", ".join(unknown), known=", ".join(catalogue)))


def reset_workspace(*, session: Session, actor: Actor, login: str | None = None) -> WorkspaceRead:
    """Back to the default layout; an admin (users.write) may reset another user's."""
    user_id, whose = _user(session, actor, login, Permission.USERS_WRITE)
    row = session.get(UserPreference, (user_id, KEY))
    if row is not None:
        session.delete(row)
    layout = effective(actor, Layout()) if whose == actor.login else Layout()
    return WorkspaceRead(login=whose, customised=False, layout=layout)
