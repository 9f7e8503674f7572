"""What screens and widgets may ask of the running app, typed (issue 21 item 4).

`crmterm.app.CrmApp` sits above the screens (it composes them), so a screen cannot import it. `CrmHost` is
the part of it the screens and widgets use, declared here below them; CrmApp subclasses it. A screen or
widget that talks to the app derives from `CrmScreen`, `CrmModal` or `CrmWidget`, whose `app` is a
`CrmHost` for the type checker, so `self.app.gateway.call(service, ...)` is checked end to end. A mix-in
that uses screen methods derives from `ScreenPart`, which is `CrmScreen` to the checker and a plain object
at run time (Textual takes default CSS along a widget's first DOMNode base only, see type_ahead.KeyHolder).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeVar

from textual.app import App
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from crmterm.services.accounts.permissions import Actor
    from crmterm.services.platform.gateway import Gateway
    from crmterm.settings import Settings
    from crmterm.widgets.key_gate import KeyGate

ResultT = TypeVar("ResultT")


class CrmHost(App[Any]):
    """The app as screens see it. Only declarations: CrmApp (crmterm/app.py) gives the behaviour."""

    settings: Settings
    active_template: Any  # the contact template registration starts from (F12 switches); None for none
    database_ready: bool
    key_gate: KeyGate  # keys one at a time; held while the log-in opens the workspace
    workspace_layout: Any  # the user's own layout (services/accounts/workspace.Layout); None: the default

    @property
    def gateway(self) -> Gateway:
        """The screens' door to the services (it holds the logged-in actor)."""
        raise NotImplementedError

    @property
    def actor(self) -> Actor:
        """Who is logged in, for screens shown only after the log-in (the gateway's actor, never None there)."""
        raise NotImplementedError

    def logged_in(self, actor: Actor) -> None:
        raise NotImplementedError

    def show_failure(self, error: BaseException, worker_name: str = "") -> None:
        raise NotImplementedError


class CrmScreen(Screen[ResultT]):
    """A full screen of crmterm: `self.app` is the CrmHost."""

    if TYPE_CHECKING:
        app: CrmHost  # narrowed: always a CrmHost in crmterm


class CrmModal(ModalScreen[ResultT]):
    """A dialog of crmterm: `self.app` is the CrmHost."""

    if TYPE_CHECKING:
        app: CrmHost  # narrowed: always a CrmHost in crmterm


class CrmWidget(Widget):
    """A widget of crmterm that talks to the app: `self.app` is the CrmHost."""

    if TYPE_CHECKING:
        app: CrmHost  # narrowed: always a CrmHost in crmterm


if TYPE_CHECKING:
    ScreenPart = CrmScreen[Any]
    WidgetPart = CrmWidget
else:
    ScreenPart = object
    WidgetPart = object
