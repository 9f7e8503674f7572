"""An agent's Queues tab follows registrations made through the HTTP API: the TUI open on the queue a topic
routes to, a contact registered by an external system (`POST /contacts`, its own app and connection on the
same database) shows up in that list by itself within the live refresh time — SQLite's polled data version,
PostgreSQL's LISTEN/NOTIFY."""

from __future__ import annotations

import time

from api_support import client_for, token_for
from test_tui import SIZE
from test_tui_queues import DISPUTE, _counts, _queues

from crmterm.app import make_app
from crmterm.locations import locations
from crmterm.screens.common.live_watch import POLL_SECONDS
from crmterm.settings import Settings

# One poll of the watcher, then the list's reload: on a loaded machine (2 cores, two suites at once) give it room;
# the wait ends as soon as the row is there (how fast it comes is the bench's to measure).
LIVE_REFRESH_S = POLL_SECONDS + 20.0


async def test_a_contact_registered_through_the_api_appears_in_the_agents_open_queue(demo_url, tmp_path):
    settings = Settings(database_url=demo_url, where=locations({"CRMTERM_HOME": str(tmp_path / "home")}))
    async with make_app(settings).run_test(size=SIZE) as pilot:
        panel = await _queues(pilot, "agent")
        assert panel.list_code == "first_line" and not panel.table.shown  # where disputed charges are routed
        async with client_for(demo_url, token_for(demo_url, "agent2", name="telephony")) as api:
            answer = await api.post("/contacts", json={"channel": "phone", "place": "cc_msk", "customer": 1,
                                                       "inquiries": [DISPUTE]})
        assert answer.status_code == 201, answer.text
        (inquiry,) = answer.json()["inquiry_ids"]
        registered_at = time.monotonic()
        while inquiry not in panel.table.shown and time.monotonic() - registered_at < LIVE_REFRESH_S:
            await pilot.pause(0.05)  # the app runs meanwhile: its watcher polls, its list reloads
        waited = time.monotonic() - registered_at
        assert inquiry in panel.table.shown, f"not in the agent's list after {waited:.1f} s"
        assert panel.table.shown[inquiry].state == "waiting" and _counts(panel, "first_line") == (1, 0, 0)
