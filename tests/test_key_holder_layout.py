"""The type-ahead mix-in must not cost a form its container's CSS: Textual inherits default CSS along the
first DOMNode base only, so a KeyHolder that was itself a Widget left `class Form(KeyHolder, Vertical)`
without Vertical's layout and height, and an empty form drew its own name ("AttributeFormView#reg-form")."""

from __future__ import annotations

from textual.app import App, ComposeResult

from crmterm.widgets.attribute_form import AttributeFormView
from crmterm.widgets.entry_form import EntryForm


class _Host(App):
    def compose(self) -> ComposeResult:
        yield AttributeFormView(id="reg-form")
        yield EntryForm((), id="entry")


async def test_forms_keep_the_vertical_layout_and_an_empty_one_draws_nothing():
    async with _Host().run_test(size=(60, 10)) as pilot:
        for form in (pilot.app.query_one(AttributeFormView), pilot.app.query_one(EntryForm)):
            assert form.styles.layout is not None and form.styles.layout.name == "vertical"
            assert form.styles.overflow_y == "hidden"
        shown = pilot.app.export_screenshot()
        assert "AttributeFormView" not in shown and "EntryForm" not in shown
