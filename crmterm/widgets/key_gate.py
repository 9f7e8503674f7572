"""One key at a time: the next key is handed out only when the previous one is fully handled.

Textual hands each key to the focused widget's queue at once. A key the widget does not use (Tab) bubbles
up to the screen and the app, whose bindings then move the focus; Enter in a field posts Submitted, whose
handler on the screen moves the focus. Meanwhile the keys typed after it were already in the old field's
queue, so in a real terminal (where a burst of keys arrives in one read) "agent⇥agent" gave "agentagent" in
the login field. Pilot never showed it: it waits for idle after every key.

The gate holds the following keys until the previous one has travelled its whole way: a callback queued
behind it at the widget it went to, then at each parent up to the app, runs only once everything ahead of it
there (the key, the messages it caused, their bubbling) was handled. A handler that waits for a long time
(a dialog opened with push_screen_wait) does not hold the keyboard hostage: after MAX_WAIT seconds the next
key goes on, to whatever has the focus then.
"""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TYPE_CHECKING

from textual import events

if TYPE_CHECKING:
    from textual.app import App
    from textual.message_pump import MessagePump

MAX_WAIT = 2.0  # seconds for one key's whole way: far beyond any handler, even on a loaded machine
HOLD_LIMIT = 15.0  # seconds a hold may last when its end never comes (an unexpected failure)


class KeyGate:
    """Orders the keys of one app. The app calls `admit(event)` for every key from the terminal."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.busy = False  # a key is on its way, or a released one is queued
        self.waiting: deque[events.Key] = deque()
        self._released: events.Key | None = None  # the held key handed out again, through the app's queue
        self._task: asyncio.Task | None = None
        self._holding = False  # keys wait until the screen they are meant for stands (log-in → workspace)
        self._hold_timer: asyncio.TimerHandle | None = None

    def admit(self, event: events.Key) -> bool:
        """True: hand this key out now (the gate then follows it); False: it waits its turn."""
        if event is self._released:
            self._released = None
            return True  # its turn: `busy` was kept for it
        if self.busy or self.waiting or self._holding:
            self.waiting.append(event)
            return False
        self.busy = True
        return True

    def follow(self, target: MessagePump) -> None:
        """The admitted key went to `target` (or was handled by the app itself): open the gate when done."""
        self._task = asyncio.create_task(self._when_handled(target))

    async def _when_handled(self, target: MessagePump) -> None:
        try:
            await asyncio.wait_for(_handled_along(target, self.app), MAX_WAIT)
        except (TimeoutError, asyncio.TimeoutError):
            pass  # a long handler: let the next key go on rather than hold the keyboard
        finally:
            self.app.call_later(self._next)

    def put_back(self, keys: list[events.Key]) -> None:
        """Keys a widget held while its content was built: typed before any key still waiting, so first."""
        self.waiting.extendleft(events.Key(key.key, key.character) for key in reversed(keys))
        if not self.busy:
            self.busy = True
            self._next()

    def hold(self) -> None:
        """Keep every key from now on until `release` (the screen they are typed for is still coming)."""
        self._holding = True
        if self._hold_timer is not None:
            self._hold_timer.cancel()
        self._hold_timer = asyncio.get_running_loop().call_later(HOLD_LIMIT, self.release, False)

    def release(self, replay: bool = True) -> None:
        """Hand the kept keys out in order (or drop them: they were meant for a screen that did not come)."""
        if not self._holding:
            return
        self._holding = False
        if self._hold_timer is not None:
            self._hold_timer.cancel()
            self._hold_timer = None
        if not replay:
            self.waiting.clear()
        if not self.busy:
            self.busy = True
            self._next()

    def _next(self) -> None:
        if self._holding or not self.waiting:
            self.busy = False
            return
        self._released = self.waiting.popleft()
        self.app.post_message(self._released)  # `busy` stays, so no key typed meanwhile overtakes it


async def _handled_along(target: MessagePump, app: App) -> None:
    """Wait until `target` and then each of its parents has nothing left ahead of a callback."""
    node: MessagePump | None = target
    while node is not None:
        while await _round_trip(node) and node is not app and not node._message_queue.empty():
            pass  # the key caused more messages here (Submitted): they bubble on before we follow
        node = node._parent


async def _round_trip(node: MessagePump) -> bool:
    """Queue a callback behind what `node` has and wait for it; False when the node takes no more."""
    done = asyncio.Event()
    if not node.call_later(done.set):
        return False
    await done.wait()
    return True
