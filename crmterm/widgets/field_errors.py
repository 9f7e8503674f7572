"""Messages under a form's fields (the `.field-error` Statics forms yield beneath their inputs): one way to
show one, scrolled into view, and to clear them all before the next try."""

from __future__ import annotations

from textual.widget import Widget
from textual.widgets import Static


def show_field_error(form: Widget, error_id: str, message: str) -> bool:
    """Put `message` in the Static `#error_id` of `form`; False when the form has none (the caller notifies)."""
    found = form.query(f"#{error_id}")
    if not found:
        return False
    error = found.first(Static)
    error.update(message)
    error.display = True
    form.call_after_refresh(error.scroll_visible)  # a long form: the message may be below the fold
    return True


def clear_field_errors(form: Widget) -> None:
    for error in form.query(".field-error").results(Static):
        error.update("")
        error.display = False
