"""Shared test helpers: actors, seeding, copying a database, waiting for the UI to settle."""

from __future__ import annotations

import sqlite3
from contextlib import closing, contextmanager

from crmterm.services.accounts.permissions import SYSTEM, Actor, Role
from crmterm.services.platform import seed
from crmterm.store.db import unit_of_work

ADMIN = Actor(login="admin", role=Role.ADMIN)
AGENT = Actor(login="agent", role=Role.AGENT)
AUDITOR = Actor(login="auditor", role=Role.AUDITOR)
SUPERVISOR = Actor(login="supervisor", role=Role.SUPERVISOR)


def seed_demo(url: str) -> None:
    with unit_of_work(url) as session:
        seed.seed_demo(session=session, actor=SYSTEM)


async def settle(pilot) -> None:
    """Let workers finish (a cancelled exclusive worker is fine: a newer one replaced it) and the UI refresh."""
    from textual.worker import WorkerCancelled, WorkerFailed

    quiet = 0
    for _round in range(20):  # until two rounds in a row found no worker (a worker may start the next one)
        await pilot.pause()
        await _keys_handed_out(pilot)
        running = [worker for worker in pilot.app.workers if not worker.is_finished]
        quiet = quiet + 1 if not running else 0
        if quiet >= 2:
            break
        for worker in running:
            try:
                await worker.wait()
            except (WorkerCancelled, WorkerFailed):
                pass
    await pilot.pause()


async def _keys_handed_out(pilot, timeout: float = 30.0) -> None:
    """Wait while the app's key gate (crmterm/widgets/key_gate.py) still has typed keys to hand out."""
    from time import monotonic

    gate, give_up = getattr(pilot.app, "key_gate", None), monotonic() + timeout
    while gate is not None and (gate.busy or gate.waiting) and pilot.app.is_running and monotonic() < give_up:
        await pilot.pause(0.01)


def notices(app) -> list:
    """The notifications the app raised so far, expired ones too (conftest keeps them)."""
    return list(app._notifications.__dict__.get("told", []))


async def settle_screen(pilot, rounds: int = 10) -> None:
    """Wait until two screenshots in a row are the same: on a loaded machine a scroll bar or a re-wrapped
    panel can still be one frame behind when the workers are done, and a snapshot must not catch that."""
    before = pilot.app.export_screenshot()
    for _round in range(rounds):
        await pilot.pause(0.05)
        now = pilot.app.export_screenshot()
        if now == before and not _tables_measuring(pilot):
            return
        before = now


def _tables_measuring(pilot) -> bool:
    """Whether a DataTable still has rows whose width it measures only when idle: until then its columns are
    as wide as their headings (a CI run caught the dispatch board so, every cell cut to its heading)."""
    from textual.widgets import DataTable

    return any(table._require_update_dimensions or table._updated_cells
               for table in pilot.app.screen.query(DataTable))


async def settle_until(pilot, condition, timeout: float = 15.0) -> None:
    """Settle, and go on settling until `condition()` holds (or `timeout` seconds passed): on a loaded machine
    a dialog's answer may start its worker only after settle saw two quiet rounds."""
    from time import monotonic

    give_up = monotonic() + timeout
    await settle(pilot)
    while not condition() and monotonic() < give_up:
        await pilot.pause(0.05)
        await settle(pilot)


async def burst(pilot, *keys: str) -> None:
    """The keys as a terminal hands over a fast typist's burst: all queued at once, none waiting for the one
    before to be handled (Pilot's press waits for idle after each key, which hides such races)."""
    import unicodedata

    from textual import events
    from textual.keys import REPLACED_KEYS, _character_to_key, _get_unicode_name_from_key

    for key in keys:
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        try:
            char: str | None = unicodedata.lookup(_get_unicode_name_from_key(REPLACED_KEYS.get(key, key)))
        except KeyError:
            char = key if len(key) == 1 else None
        pilot.app.post_message(events.Key(key, char))


async def press_and_settle(pilot, *keys: str) -> None:
    """Press the keys, then wait until the workers they started are done and the screen is drawn."""
    await pilot.press(*keys)
    await settle(pilot)


_EVENT_TRIGGER = "inquiry_event_append_only_update"


@contextmanager
def events_rewritable(url: str):
    """The history is append-only (a trigger refuses updates): a picture needs fixed event times, so a
    snapshot test's own SQLite copy drops the trigger while they are set and puts it back after."""
    path = url.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as connection:
        trigger = connection.execute("SELECT sql FROM sqlite_master WHERE name = ?", (_EVENT_TRIGGER,)).fetchone()[0]
        connection.execute(f"DROP TRIGGER {_EVENT_TRIGGER}")
        connection.commit()
    try:
        yield
    finally:
        with closing(sqlite3.connect(path)) as connection:
            connection.execute(trigger)
            connection.commit()


def register_disputed_charge(url: str, at=None) -> int:
    """One demo 'disputed charge' inquiry (high priority, every attribute filled) for customer 1; its id."""
    from datetime import UTC, datetime

    from crmterm.services.inquiries.registration import ContactDraft, register

    draft = ContactDraft(at=at or datetime(2026, 11, 20, 9, 30, tzinfo=UTC), channel="phone", place="cc_msk",
                         customer=1, inquiries=[{"topic": "disputed_charge", "priority": "high", "values": {
                             "amount": "100", "dispute_reason": "double_charge", "charge_date": "2026-11-20",
                             "approval_reference": "A-1"}}])
    with unit_of_work(url) as session:
        return register(session=session, actor=AGENT, draft=draft).inquiry_ids[0]


def act(url: str, call, actor, **kwargs):
    """One service call in its own unit of work, as a face makes it."""
    with unit_of_work(url) as session:
        return call(session=session, actor=actor, **kwargs)


def demo_people(url: str) -> dict[str, Actor]:
    """Every user of the demo by login, as the actor the services take."""
    from sqlmodel import select

    from crmterm.store import User

    with unit_of_work(url) as session:
        return {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id) for u in session.exec(select(User))}
