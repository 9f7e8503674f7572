"""Roles (issue 31, item 2): the roles on the left — the four presets first — and the selected role's form on
the right: names, the queues a queue-scoped role supervises, the users given it, and a checklist of the
permission catalogue grouped by area (Space ticks). Ctrl+S saves, Ctrl+N starts a new role, Alt+D removes one
nobody holds, Escape closes. Opened from the Admin tab's list and the palette (Alt+O); the services check every
change (users.write) and audit it."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, SelectionList, Static
from textual.widgets.option_list import Option
from textual.widgets.selection_list import Selection

from crmterm.errors import CrmError
from crmterm.i18n import N_, _, pick
from crmterm.screens.common.dialogs import ConfirmScreen
from crmterm.services.accounts import role_assignments, roles
from crmterm.services.accounts.permission_doc import DESCRIPTIONS
from crmterm.services.accounts.permissions import Permission
from crmterm.services.accounts.roles import RoleRead
from crmterm.text import visible
from crmterm.widgets.chrome import TranslatedFooter
from crmterm.widgets.host import CrmScreen


def permission_choices() -> list[Selection[str]]:
    """The catalogue grouped by area (the part before the dot, in bold), each with what it allows."""
    choices: list[Selection[str]] = []
    for permission in sorted(Permission, key=lambda p: p.value):
        area, _dot, what = permission.value.partition(".")
        prompt = Text.assemble((area, "bold"), f".{what}  ", (_(DESCRIPTIONS[permission]), "dim"))
        choices.append(Selection(prompt, permission.value))
    return choices


_FIELDS = (("code", N_("Code"), N_("lower-case letters, digits, _")), ("name-en", N_("Name (en)"), ""),
           ("name-ru", N_("Name (ru)"), ""),
           ("queues", N_("Queues"), N_("only these queues it supervises (comma-separated)")),
           ("users", N_("Given to"), N_("logins, comma-separated")))


def _codes(text: str) -> list[str]:
    return sorted({part.strip() for part in text.replace(";", ",").split(",") if part.strip()})


class RoleAdminScreen(CrmScreen[None]):
    CSS_PATH = "role_admin.tcss"
    BINDINGS = [
        Binding("escape", "close", N_("Back"), id="roles_admin.close"),
        Binding("ctrl+s", "save", N_("Save"), id="roles_admin.save"),
        Binding("ctrl+n", "new", N_("New role"), id="roles_admin.new"),
        Binding("alt+d", "remove", N_("Remove role"), id="roles_admin.remove", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.found: dict[str, RoleRead] = {}
        self.current: RoleRead | None = None  # None: the form is for a new role

    def compose(self) -> ComposeResult:
        yield Static(_("Roles"), id="ra-title")
        with Horizontal(id="ra-body"):
            yield OptionList(id="ra-list")
            with Vertical(id="ra-form"):
                yield Static("", id="ra-about", markup=False)
                for field, label, hint in _FIELDS:
                    with Horizontal(classes="ra-row"):
                        yield Label(_(label), classes="ra-label")
                        yield Input(id=f"ra-{field}", placeholder=_(hint), compact=True)
                yield Label(_("Permissions (Space ticks)"), classes="ra-section")
                yield SelectionList[str](*permission_choices(), id="ra-permissions", compact=True)
        yield TranslatedFooter()

    def on_mount(self) -> None:
        self.query_one("#ra-list", OptionList).focus()
        self.load()

    @work(thread=True, exclusive=True, group="roles-load")
    def load(self, select: str | None = None) -> None:
        try:
            found = self.app.gateway.call(roles.list_roles)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error")
            return
        self.app.call_from_thread(self._listed, found, select)

    def _listed(self, found: list[RoleRead], select: str | None) -> None:
        self.found = {r.code: r for r in found}
        listing = self.query_one("#ra-list", OptionList)
        listing.clear_options()
        listing.add_options([Option(visible(self._line(r)), id=r.code) for r in found])
        codes = list(self.found)
        if codes:
            listing.highlighted = codes.index(select) if select in self.found else 0

    @staticmethod
    def _line(role: RoleRead) -> str:
        mark = "◆ " if role.preset else "  "
        return f"{mark}{pick(role.labels, role.code)}"

    @on(OptionList.OptionHighlighted, "#ra-list")
    def highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id in self.found:
            self.show(self.found[event.option.id])

    def show(self, role: RoleRead | None) -> None:
        self.current = role
        values = {"code": role.code if role else "", "name-en": role.labels.get("en", "") if role else "",
                  "name-ru": role.labels.get("ru", "") if role else "",
                  "queues": ", ".join(role.queues) if role else "",
                  "users": ", ".join(role.users) if role and not role.preset else ""}
        for field, value in values.items():
            self.query_one(f"#ra-{field}", Input).value = value
        self.query_one("#ra-code", Input).disabled = role is not None
        self.query_one("#ra-users", Input).disabled = role is not None and role.preset
        ticks = self.query_one("#ra-permissions", SelectionList)
        ticks.deselect_all()
        for permission in role.permissions if role else []:
            ticks.select(permission)
        self.query_one("#ra-about", Static).update(self._about(role))

    @staticmethod
    def _about(role: RoleRead | None) -> str:
        if role is None:
            return _("New role: type a code, tick its permissions, Ctrl+S saves")
        kind = _("preset") if role.preset else _("configured")
        holders = ", ".join([*role.users, *(f"@{g}" for g in role.groups)]) or "-"
        return _("{code} ({kind}, database level {level}) — held by: {holders}").format(
            code=role.code, kind=kind, level=role.database_level, holders=holders)

    def action_new(self) -> None:
        self.show(None)
        self.query_one("#ra-code", Input).focus()

    def action_close(self) -> None:
        self.dismiss(None)

    def _typed(self) -> dict:
        def text(field: str) -> str:
            return self.query_one(f"#ra-{field}", Input).value.strip()
        labels = {lang: text(f"name-{lang}") for lang in ("en", "ru") if text(f"name-{lang}")}
        return {"code": text("code"), "labels": labels, "queues": _codes(text("queues")),
                "permissions": sorted(self.query_one("#ra-permissions", SelectionList).selected)}

    def action_save(self) -> None:
        self.save(self.current, self._typed(), _codes(self.query_one("#ra-users", Input).value))

    @work(thread=True, exclusive=True, group="roles-save")
    def save(self, role: RoleRead | None, values: dict, logins: list[str]) -> None:
        gateway = self.app.gateway
        try:
            if role is None:
                saved = gateway.change(roles.add_role, values=values)
                before: list[str] = []
            else:
                saved = gateway.change(roles.update_role, code=role.code, values=values,
                                       expected_version=role.version)
                before = [] if role.preset else role.users
            for login in sorted(set(logins) ^ set(before)):
                given = login in logins
                gateway.change(role_assignments.set_user_roles, login=login, add=[saved.code] if given else [],
                               remove=[] if given else [saved.code])
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.app.notify, _("Role {code} saved").format(code=saved.code))
        self.app.call_from_thread(self.load, saved.code)

    def action_remove(self) -> None:
        role = self.current
        if role is None:
            return
        def answered(yes: bool | None) -> None:
            if yes:
                self.remove_role(role.code)
        self.app.push_screen(ConfirmScreen(_("Remove the role {code}?").format(code=role.code)), answered)

    @work(thread=True, exclusive=True, group="roles-save")
    def remove_role(self, code: str) -> None:
        try:
            self.app.gateway.change(roles.remove_role, code=code)
        except CrmError as error:
            self.app.call_from_thread(self.app.notify, str(error), severity="error", timeout=10)
            return
        self.app.call_from_thread(self.app.notify, _("Role {code} removed").format(code=code))
        self.app.call_from_thread(self.load)
