"""A dialog's service call from its thread worker, answered on the UI thread the one way dialogs answer.

A refused value (ValidationError) goes to the dialog, which names it under its field and stays open with the
input kept; any other refusal (permission, conflict, not found) is a notification; a result goes to
`on_done`. Errors that are not crmterm's propagate to the worker and the app's one failure handler
(CrmApp.show_failure), so background work never closes the app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from crmterm.errors import CrmError, ValidationError
from crmterm.widgets.host import CrmHost

T = TypeVar("T")


def call_service(app: CrmHost, service: Callable[..., T], *, on_done: Callable[[T], Any],
                 on_refused: Callable[[ValidationError], Any], **kwargs: Any) -> None:
    """Run from a `@work(thread=True)` worker: call `service` through the gateway, answer on the UI thread."""
    try:
        result = app.gateway.call(service, **kwargs)
    except ValidationError as error:
        app.call_from_thread(on_refused, error)
        return
    except CrmError as error:
        app.call_from_thread(app.notify, str(error), severity="error")
        return
    app.call_from_thread(on_done, result)
