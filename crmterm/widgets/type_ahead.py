"""Type-ahead: agents type ahead of the screen, so focus moves on the key that causes it, and keys typed
while a form is still being built are held and replayed into it once it stands, in the order typed.

`focus_now` moves the focus at once (Widget.focus waits for the app's queue, so keys already queued would
land in the field being left). `KeyHolder` is a mix-in for a container that a worker's answer rebuilds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.timer import Timer
from textual.widget import Widget

HOLD_LIMIT = 15.0  # seconds: far beyond a slow answer, short enough not to leave the keyboard dead


def focus_now(widget: Widget) -> None:
    """Focus `widget` before the next key is handed out (not after the keys already queued)."""
    widget.screen.set_focus(widget)


def user_is_in(container: Widget) -> bool:
    """True when the focus is inside `container`: a worker's answer must not take it elsewhere."""
    focused = container.app.focused
    return focused is not None and (focused is container or container in focused.ancestors)


# Textual takes a widget's default CSS along its first DOMNode base only: were KeyHolder a Widget, a
# `class Form(KeyHolder, Vertical)` would lose Vertical's layout and height (and, empty, draw its own name).
# So it is a plain mix-in at run time; type checkers see the Widget it is always mixed into.
if TYPE_CHECKING:
    _MixIn = Widget
else:
    _MixIn = object


class KeyHolder(_MixIn):
    """Holds the keys the app hands it while `holding`, then replays them where `release_keys` focuses.
    Mix it in before the container class: `class Form(KeyHolder, Vertical)`."""

    _holding = False
    _give_up: Timer | None = None
    _held: list[events.Key]  # set by hold_keys; read only while holding

    def hold_keys(self) -> None:
        """Take the focus until the content is built (called by the key that asked for the content)."""
        if not self._holding:  # asked again before the first answer: the keys held so far stay
            self._held = []
        self._holding, self.can_focus = True, True
        focus_now(self)
        if self._give_up is not None:
            self._give_up.stop()
        # Should no answer ever come (an unexpected failure), the keyboard is not held hostage.
        self._give_up = self.set_timer(HOLD_LIMIT, lambda: self.release_keys(None, replay=False))

    @property
    def holding(self) -> bool:
        return self._holding

    def _forward_event(self, event: events.Event) -> None:
        # The app hands the focused widget each key in order, synchronously: held here, none can overtake.
        if self._holding and isinstance(event, events.Key):
            self._held.append(event)
            return
        super()._forward_event(event)

    def release_keys(self, target: Widget | None, replay: bool = True) -> None:
        """Focus `target` (when the user is still waiting here) and replay the held keys from there
        (not when the content could not be built: they were meant for it, not for `target`)."""
        if not self._holding:
            return
        if self._give_up is not None:
            self._give_up.stop()
            self._give_up = None
        waiting_here = self.app.focused is self
        held, self._held, self._holding, self.can_focus = self._held, [], False, False
        if not waiting_here:
            return  # the user went elsewhere (a click): nothing was typed here, leave the focus alone
        if target is not None:
            focus_now(target)
        else:
            self.screen.focus_next()
        if replay:
            _replay(self, held)


    def release_keys_to_focus(self) -> None:
        """The content was built and focused itself (or the user went elsewhere): the held keys are handed
        out from wherever the focus is now, as if typed now."""
        if not self._holding:
            return
        if self._give_up is not None:
            self._give_up.stop()
            self._give_up = None
        held, self._held, self._holding, self.can_focus = self._held, [], False, False
        _replay(self, held)


def _replay(widget: Widget, keys: list[events.Key]) -> None:
    """The held keys go back to the head of the app's key gate (widgets/key_gate.py), before any key typed
    since, and are handed out one at a time from where the focus is now, as if typed now."""
    gate = getattr(widget.app, "key_gate", None)
    if gate is not None:
        gate.put_back(keys)
        return
    for key in keys:  # an app without a gate (none in crmterm): in order through its queue
        widget.app.post_message(events.Key(key.key, key.character))
