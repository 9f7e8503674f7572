"""The workspace after log-in: status bar, one tab per area the user's role may use, footer."""

from __future__ import annotations

from collections.abc import Callable

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Static, TabbedContent, TabPane

from crmterm.i18n import N_, _, current_language, language_name
from crmterm.screens.admin.admin import AdminPanel
from crmterm.screens.admin.topic_admin import TopicAdminPanel
from crmterm.screens.common.dialogs import PromptScreen
from crmterm.screens.customers.customers import CustomersPanel
from crmterm.screens.notifications.notification_watch import UnreadWatch
from crmterm.screens.notifications.sla_watch import SlaWatch
from crmterm.screens.problems.problems import ProblemsScreen
from crmterm.screens.queues.queues import QueuesPanel
from crmterm.screens.register.register import RegisterPanel
from crmterm.screens.reports.reports import ReportsPanel
from crmterm.screens.sales.pipeline import PipelinePanel
from crmterm.screens.shell.call_watch import CallWatch
from crmterm.screens.shell.dashboard import DashboardPanel
from crmterm.screens.shell.pending_tab import PendingTab
from crmterm.screens.sync.sync_commands import SyncCommands
from crmterm.screens.sync.sync_watch import SyncWatch, sync_badge
from crmterm.screens.work.my_work import MyWorkPanel
from crmterm.services.accounts.permissions import ROLE_LABELS, Permission
from crmterm.services.accounts.workspace import TABS
from crmterm.services.topics import topics
from crmterm.services.topics.topics import TemplateChoice
from crmterm.text import visible
from crmterm.widgets.chrome import StatusBar, TranslatedFooter
from crmterm.widgets.first_view import FirstView
from crmterm.widgets.host import CrmScreen, CrmWidget
from crmterm.widgets.layout import current_layout


class HomePanel(Vertical, CrmWidget):  # CrmWidget second: Vertical's CSS stays
    """Who is logged in and how to get around; later issues add the agent's queues here."""

    def compose(self) -> ComposeResult:
        actor = self.app.actor
        yield Static(_("Welcome, {name}").format(name=visible(actor.display_name or actor.login)), id="welcome",
                     markup=False)
        lines = [
            _("Role: {role}").format(role=_(ROLE_LABELS[actor.role])),
            _("Database: {db}").format(db=self.app.gateway.database_label),
            _("Language: {lang}").format(lang=language_name(current_language())),
            "",
            _("F1 — keys and help · Ctrl+P — command palette · F2 — language · Ctrl+Q — quit"),
        ]
        yield Static("\n".join(lines), id="home-info", markup=False)


class WorkspaceScreen(SyncWatch, SlaWatch, UnreadWatch, CallWatch, CrmScreen):
    _admin_state: dict | None = None
    _customers_state: dict | None = None
    _register_state: dict | None = None
    _queues_state: dict | None = None
    _reports_state: dict | None = None
    _opened_tab: str | None = None  # the tab to show when recomposed (relabel keeps the one in use)
    CSS_PATH = ["../reports/reports.tcss", "dashboard.tcss"]  # the Reports and Dashboard tabs' styles
    COMMANDS = {SyncCommands}  # the palette's sync log on a laptop node (screens/sync)

    BINDINGS = [
        Binding("f2", "app.settings", N_("Language"), id="workspace.language"),
        Binding("ctrl+o", "app.logout", N_("Log out"), id="workspace.logout"),
        Binding("f4", "register_call", N_("Register"), id="workspace.register"),
        Binding("f3", "show_tab('customers')", N_("Customers"), id="workspace.customers", show=False),
        Binding("f12", "choose_template", N_("Template"), id="workspace.template"),
        Binding("f11", "show_tab('queues')", N_("Queues"), id="workspace.queues", show=False),
        Binding("f9", "show_tab('topics')", N_("Topics"), id="workspace.topics", show=False),
        Binding("f10", "show_tab('admin')", N_("Admin"), id="workspace.admin", show=False),
        # F5-F8 are the tabs' own keys, every other F-key is taken: Ctrl+L is used by no tab or text field
        Binding("ctrl+l", "show_tab('reports')", N_("Reports"), id="workspace.reports", show=False),
        Binding("alt+p", "problems", N_("System problems"), id="workspace.problems", show=False,
                priority=True),
        Binding("alt+w", "show_tab('work')", N_("My work"), id="workspace.work", show=False, priority=True),
        Binding("alt+k", "knowledge_base", N_("Knowledge base"), id="workspace.kb", show=False,
                priority=True),
        Binding("alt+o", "roles", N_("Roles"), id="workspace.roles", show=False, priority=True),
        Binding("alt+u", "customise", N_("Customise workspace"), id="workspace.customise", show=False,
                priority=True),
        Binding("alt+s", "sales", N_("Sales pipeline"), id="workspace.sales", show=False, priority=True),
        Binding("alt+y", "calendar", N_("Sales calendar"), id="workspace.calendar", show=False, priority=True),
        Binding("alt+v", "dispatch_board", N_("Dispatch board"), id="workspace.dispatch", show=False, priority=True),
        Binding("alt+q", "quality_of_service", N_("Quality of service"), id="workspace.qos", show=False,
                priority=True),
        # Alt+T: Alt+G is the registration form's "open every group" (widgets/attribute_form.py)
        Binding("alt+t", "campaigns", N_("Campaigns"), id="workspace.campaigns", show=False, priority=True),
        # Only on a laptop node (check_action): what synchronisation could not apply (screens/sync)
        Binding("alt+z", "sync_conflicts", N_("Sync conflicts"), id="workspace.sync_conflicts", show=False,
                priority=True),
        # Only while a call waits (check_action): otherwise Ctrl+K stays a text field's "delete to the end"
        Binding("ctrl+k", "take_call", N_("Take the call"), id="workspace.take_call", priority=True),
    ]

    def compose(self) -> ComposeResult:
        yield StatusBar(id="status", markup=False)
        shown = [tab for tab in current_layout(self.app).tabs if self._may_show(tab)]  # the user's own order
        # the tab in use before a redraw, unless the new layout hides it; else the first
        opened = self._opened_tab if self._opened_tab in shown else (shown[0] if shown else None)
        with TabbedContent(id="tabs", initial=opened or ""):
            for tab in shown:
                with TabPane(_(TABS[tab][0]), id=tab):
                    # only the tab shown first is built now, the others when first opened (pending_tab.py)
                    yield self._tab_panel(tab) if tab == opened else PendingTab(tab)
        yield TranslatedFooter()

    def _may_show(self, tab: str) -> bool:
        """The right decides, whatever the saved layout says (the service filtered it too)."""
        needs = TABS[tab][1]
        return needs is None or self.app.gateway.can(needs)

    def _tab_panel(self, tab: str) -> Widget:
        panels: dict[str, Callable[[], Widget]] = {
            "register": lambda: RegisterPanel(state=self._register_state), "work": MyWorkPanel,
            "home": HomePanel, "dashboard": DashboardPanel,
            "customers": lambda: CustomersPanel(state=self._customers_state),
            "queues": lambda: QueuesPanel(state=self._queues_state),
            "reports": lambda: ReportsPanel(state=self._reports_state), "topics": TopicAdminPanel,
            "admin": lambda: AdminPanel(state=self._admin_state), "sales": PipelinePanel}
        return panels[tab]()

    templates: list | None = None

    def on_mount(self) -> None:
        self.refresh_status()
        self.load_templates()
        self.start_unread_watch()
        self.start_sla_watch()
        self.start_call_watch()
        self.start_sync_watch()

    def on_unmount(self) -> None:
        self.stop_unread_watch()
        self.stop_call_watch()
        self.stop_sync_watch()

    def refresh_status(self) -> None:
        gateway, actor = self.app.gateway, self.app.actor
        template = self.app.active_template
        self.query_one(StatusBar).show(user=actor.login, role=_(ROLE_LABELS[actor.role]),
                                       database=gateway.database_label, unread=self.unread, overdue=self.overdue,
                                       sync=sync_badge(self.sync_state),
                                       extra=f"{template.short_code} {template.label}" if template else "")

    # --- contact templates: the registration form starts from the active one ----------------------
    @work(thread=True, exclusive=True, group="templates")
    def load_templates(self, choose: bool = False) -> None:
        found = self.app.gateway.call(topics.templates_for, login=self.app.actor.login)
        self.app.call_from_thread(self._templates_loaded, found, choose)

    def _templates_loaded(self, found: list[TemplateChoice], choose: bool) -> None:
        self.templates = found
        if self.app.active_template is None and found:
            self.app.active_template = found[0]
        self._template_changed()
        if choose:
            self.action_choose_template()

    def action_choose_template(self) -> None:
        """One key, then the template's number (Enter keeps the current one)."""
        if self.templates is None:
            self.load_templates(choose=True)
            return
        if not self.templates:
            self.app.notify(_("No contact templates are assigned to you"), severity="warning")
            return
        templates = self.templates
        listing = ", ".join(f"{t.short_code} {t.label}" for t in templates)

        def chosen(answer: str | None) -> None:
            picked = next((t for t in templates if answer and str(t.short_code) == answer.strip()), None)
            if answer and picked is None:
                self.app.notify(_("No template number {n}").format(n=answer), severity="error")
            elif picked is not None:
                self.app.active_template = picked
                self._template_changed()

        self.app.push_screen(PromptScreen(_("Template number: {list}").format(list=listing)), chosen)

    def _template_changed(self) -> None:
        self.refresh_status()
        for panel in self.query(RegisterPanel):
            panel.apply_template(self.app.active_template)

    def action_register_call(self) -> None:
        """A call comes in: the Register tab with the caller box ready for the number."""
        if self.query("TabPane#register"):
            self.query_one(TabbedContent).active = "register"
            for panel in self.query(RegisterPanel):  # built: its activation may not come (already shown)
                panel.focus_caller()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id != self.query_one(TabbedContent).active:
            return  # a late event of a tab already left: focusing in it would switch back
        pending = event.pane.query(PendingTab)
        if not pending:
            self._tab_shown(event.pane.id)
        elif not pending.first().holding:  # not being built already (the tab opened twice in a row)
            pending.first().hold_keys()
            self.run_worker(self._build_tab(event.pane, pending.first()), group=f"tab-{event.pane.id}")

    async def _build_tab(self, pane: Widget, holder: PendingTab) -> None:
        """The tab's panel, first opened: keys typed meanwhile wait in `holder` and go where it focuses."""
        panel = self._tab_panel(holder.tab)
        try:
            await pane.mount(panel, before=holder)
        except Exception:
            holder.release_keys(None, replay=False)  # meant for a panel that could not be built; the app says why
            raise
        if isinstance(panel, FirstView):
            await panel.first_view()
        if self.app.focused is holder and self.query_one(TabbedContent).active == holder.tab:
            self._tab_shown(holder.tab)
        holder.release_keys_to_focus()
        await holder.remove()

    def _tab_shown(self, tab: str | None) -> None:
        """A tab came into view: the focus goes where its work starts, and lists fetch fresh rows."""
        if tab == "admin":
            self.query_one(AdminPanel).focus_areas()
        elif tab == "topics":
            self.query_one("#topic-tree").focus()
        elif tab == "register" and not self.call_tab_shown():
            self.query_one(RegisterPanel).focus_caller()
        elif tab == "customers":
            self.query_one(CustomersPanel).action_focus_search()
        elif tab == "queues":
            self.query_one(QueuesPanel).shown()
            self.query_one(QueuesPanel).focus_list()
        elif tab == "reports":
            self.query_one(ReportsPanel).shown()
        elif tab == "work":
            self.query_one(MyWorkPanel).shown()
        elif tab == "dashboard":
            self.query_one(DashboardPanel).shown()
        elif tab == "sales":
            self.query_one(PipelinePanel).shown()

    def check_action(self, action: str, parameters: tuple) -> bool | None:
        if action == "show_tab":
            return bool(self.query(f"TabPane#{parameters[0]}"))  # no key for a tab this role lacks
        if action == "take_call":
            return self.pending_call is not None
        if action == "roles":
            return self.app.gateway.can(Permission.USERS_READ)
        if action == "sales":
            return self.app.gateway.can(Permission.SALES_WORK) or self.app.gateway.can(Permission.SALES_READ)
        if action == "dispatch_board":
            return self.app.gateway.can(Permission.SERVICE_DISPATCH)
        if action == "quality_of_service":
            return self.app.gateway.can(Permission.REPORTS_READ)
        if action == "sync_conflicts":
            return self.sync_node
        return True

    def action_show_tab(self, tab: str) -> None:
        if self.query(f"TabPane#{tab}"):
            self.query_one(TabbedContent).active = tab

    def action_knowledge_base(self) -> None:
        """Search and read articles (screens/knowledge/kb); editors also find drafts."""
        from crmterm.screens.knowledge.kb import KnowledgeBaseScreen

        self.app.push_screen(KnowledgeBaseScreen())

    def action_roles(self) -> None:
        """Roles as sets of permissions, given to users (screens/admin/role_admin)."""
        from crmterm.screens.admin.role_admin import RoleAdminScreen

        self.app.push_screen(RoleAdminScreen())

    def action_customise(self) -> None:
        """Tabs, list columns, card tabs and tiles of one's own (screens/shell/workspace_custom); redrawn if saved."""
        from crmterm.screens.shell.workspace_custom import CustomiseWorkspaceScreen

        async def closed(changed: bool | None) -> None:
            if changed:
                await self.relabel()

        self.app.push_screen(CustomiseWorkspaceScreen(), closed)
    def action_sales(self) -> None:
        """The pipeline by stage and the quotes behind it (screens/sales): the Sales tab when the user shows it."""
        if self.query("TabPane#sales"):
            self.query_one(TabbedContent).active = "sales"
            return
        from crmterm.screens.sales.pipeline import PipelineScreen

        self.app.push_screen(PipelineScreen())

    def action_calendar(self) -> None:
        """One's calls, meetings and tasks by day and week (screens/sales/calendar)."""
        from crmterm.screens.sales.calendar import CalendarScreen

        self.app.push_screen(CalendarScreen())

    def action_dispatch_board(self) -> None:
        """Technicians × days with proposed assignments (screens/service/dispatch_board)."""
        from crmterm.screens.service.dispatch_board import DispatchBoardScreen

        self.app.push_screen(DispatchBoardScreen())

    def action_quality_of_service(self) -> None:
        """Per service contract: agreed against actual response and resolution (screens/reports/qos_view)."""
        from crmterm.screens.reports.qos_view import QosScreen

        self.app.push_screen(QosScreen())

    def action_campaigns(self) -> None:
        """Outbound campaigns and the next call to make (screens/retention/campaigns)."""
        from crmterm.screens.retention.campaigns import CampaignsScreen

        self.app.push_screen(CampaignsScreen())

    def action_sync_conflicts(self) -> None:
        """What synchronisation could not apply, to resolve (screens/sync/conflicts)."""
        from crmterm.screens.sync.conflicts import ConflictsScreen

        self.app.push_screen(ConflictsScreen())

    def action_problems(self) -> None:
        """Mass incidents: everyone sees them, supervisors and admins manage them (services/inquiries/problems)."""
        self.app.push_screen(ProblemsScreen())

    async def relabel(self) -> None:
        """Re-render in the new language, keeping the active tab and the admin panel's place."""
        tabs = self.query_one(TabbedContent).active
        self._opened_tab = tabs
        # a tab never opened since the last redraw keeps the state it was given then
        for admin in self.query(AdminPanel):
            self._admin_state = admin.state()
        for customers in self.query(CustomersPanel):
            self._customers_state = customers.state()
        for register in self.query(RegisterPanel):
            self._register_state = register.state()
        for queues in self.query(QueuesPanel):
            self._queues_state = queues.state()
        for reports in self.query(ReportsPanel):
            self._reports_state = reports.state()
        await self.recompose()
        if self.query(f"TabPane#{tabs}"):  # a customised layout may have hidden it
            self.query_one(TabbedContent).active = tabs
        self.refresh_status()
