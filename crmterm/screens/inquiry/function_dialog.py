"""Run a business function on an inquiry (command palette → "Run a business function…"): pick one of the
installed functions, give the inquiry number (filled in when an inquiry is open) and the function's typed
parameters, each as its type asks (text, a yes/no switch, a choice). The service types and checks the
values; what it refuses is named under its field and the dialog stays open."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from crmterm.errors import CrmError, ValidationError
from crmterm.i18n import N_, _
from crmterm.services.inquiries import functions
from crmterm.services.inquiries.functions import FunctionRead, FunctionRun, ParamRead
from crmterm.widgets.host import CrmModal
from crmterm.widgets.service_call import call_service

_PLACEHOLDERS = {"integer": "123", "decimal": "1250.50", "date": "2026-12-31", "datetime": "2026-12-31 18:00"}


class FunctionDialog(CrmModal[FunctionRun | None]):
    CSS_PATH = "function_dialog.tcss"
    BINDINGS = [Binding("escape", "dismiss(None)", N_("Cancel"), id="function.cancel"),
                Binding("ctrl+s", "run", N_("Run"), id="function.run")]

    def __init__(self, inquiry_id: int | None = None) -> None:
        super().__init__()
        self.inquiry_id = inquiry_id
        self.available: dict[str, FunctionRead] = {}

    def compose(self) -> ComposeResult:
        with Vertical(id="function-box"):
            yield Label(_("Run a business function"), classes="dialog-title")
            yield Label(_("Function"), classes="field-label")
            yield Select([], id="function-name", prompt=_("Function"), compact=True)
            yield Static("", id="e-function", classes="field-error", markup=False)
            yield Label(_("Inquiry number"), classes="field-label")
            yield Input("" if self.inquiry_id is None else str(self.inquiry_id), id="function-inquiry",
                        type="integer", compact=True)
            yield Static("", id="e-inquiry", classes="field-error", markup=False)
            yield VerticalScroll(id="function-params")
            with Horizontal(id="function-buttons"):
                yield Button(_("Run"), id="function-run", variant="primary")
                yield Button(_("Cancel"), id="function-cancel")
            yield Label(_("Ctrl+S runs, Escape cancels"), classes="hint")

    def on_mount(self) -> None:
        self.load_functions()

    @work(thread=True, exclusive=True, group="functions")
    def load_functions(self) -> None:
        try:
            found = self.app.gateway.call(functions.available)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self.show_functions, found)

    def show_functions(self, found: list[FunctionRead]) -> None:
        self.available = {f.name: f for f in found}
        select = self.query_one("#function-name", Select)
        select.set_options([(f.label, f.name) for f in found])
        if found:
            select.value = found[0].name
        else:
            self._error("function", _("no business functions are installed"))
        select.focus()

    @on(Select.Changed, "#function-name")
    async def function_chosen(self, event: Select.Changed) -> None:
        chosen = self.available.get(event.value) if isinstance(event.value, str) else None
        box = self.query_one("#function-params", VerticalScroll)
        await box.remove_children()
        if chosen is not None:
            await box.mount_all([widget for param in chosen.params for widget in _field(param)])

    @on(Button.Pressed, "#function-cancel")
    def cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#function-run")
    def action_run(self) -> None:
        for box in self.query(".field-error"):
            box.display = False
        name = self.query_one("#function-name", Select).value
        if not isinstance(name, str):
            self._error("function", _("choose a function"))
            return
        inquiry = self.query_one("#function-inquiry", Input).value.strip()
        if not inquiry.isdecimal():
            self._error("inquiry", _("give the inquiry's number"))
            return
        self.run_function(name, int(inquiry), self.values(self.available[name]))

    def values(self, chosen: FunctionRead) -> dict:
        found: dict[str, object] = {}
        for param in chosen.params:
            widget = self.query_one(f"#p-{param.name}")
            if isinstance(widget, Checkbox):
                found[param.name] = widget.value
            elif isinstance(widget, Select):
                found[param.name] = widget.value if isinstance(widget.value, str) else None
            elif isinstance(widget, Input):
                found[param.name] = widget.value
        return found

    @work(thread=True, exclusive=True, group="functions-run")
    def run_function(self, name: str, inquiry_id: int, params: dict) -> None:
        call_service(self.app, functions.run, on_done=self._done, on_refused=self._refused, name=name,
                     inquiry_id=inquiry_id, params=params)

    def _refused(self, error: ValidationError) -> None:
        name = self.query_one("#function-name", Select).value
        params = {p.name for p in self.available[name].params} if isinstance(name, str) else set()
        if error.field in params:
            self._error(f"p-{error.field}", error.detail)
        else:
            self.app.notify(str(error), severity="error")

    def _done(self, done: FunctionRun) -> None:
        label = self.available[done.name].label if done.name in self.available else done.name
        self.app.notify(f"#{done.inquiry_id} · {label}" + (f": {done.result}" if done.result else ""))
        self.dismiss(done)

    def _error(self, key: str, message: str) -> None:
        box = self.query_one(f"#e-{key}", Static)
        box.update(message)
        box.display = True


def _field(param: ParamRead):
    """Label, input and error line of one parameter, by its type."""
    yield Label(param.label + (" *" if param.required else ""), classes="field-label", markup=False)
    if param.type == "bool":
        yield Checkbox(param.label, value=(param.default or "").lower() in ("true", "yes", "1"),
                       id=f"p-{param.name}", compact=True)
    elif param.type == "choice":
        yield Select([(choice, choice) for choice in param.choices], id=f"p-{param.name}",
                     value=param.default if param.default in param.choices else Select.NULL,
                     allow_blank=not param.required or param.default is None, compact=True)
    else:
        yield Input(param.default or "", id=f"p-{param.name}", placeholder=_PLACEHOLDERS.get(param.type, ""),
                    compact=True)
    yield Static("", id=f"e-p-{param.name}", classes="field-error", markup=False)
