"""The agent's own workspace (issue 31 item 6): tabs, list columns, card tabs and dashboard tiles saved per user
in the database; tabs without the right never shown; unknown saved entries ignored; reset to the default; the
Dashboard's tiles; `crmterm workspace show|set|reset`. Service and CLI on both databases."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from helpers import act, register_disputed_charge
from sqlalchemy import update
from sqlmodel import select
from typer.testing import CliRunner

from crmterm.cli import app as cli_app
from crmterm.errors import NotFound, PermissionDenied, ValidationError
from crmterm.services.accounts import workspace
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries import inquiry_actions
from crmterm.services.platform import demo_day
from crmterm.services.work import dashboard
from crmterm.store import Inquiry, User, UserPreference, utcnow
from crmterm.store.db import unit_of_work


def _actor(url: str, login: str) -> Actor:
    with unit_of_work(url) as session:
        user = session.exec(select(User).where(User.login == login)).one()
        return Actor(login=login, role=Role(user.role_code), id=user.id)


def test_a_saved_layout_is_kept_per_user_and_reset_to_the_default(demo_url):
    agent, supervisor = _actor(demo_url, "agent"), _actor(demo_url, "supervisor")
    with unit_of_work(demo_url) as session:
        assert workspace.get_workspace(session=session, actor=agent).customised is False
        workspace.set_workspace(session=session, actor=agent, layout={
            "tabs": ["dashboard", "queues", "customers"], "hidden_tabs": ["home", "register", "work"],
            "columns": {"queue": ["topic", "id", "sla"]},
            "card_tabs": ["notes", "details"], "tiles": ["my_week", "my_open"]})
    with unit_of_work(demo_url) as session:
        mine = workspace.get_workspace(session=session, actor=agent)
        assert mine.customised and mine.layout.tabs == ["dashboard", "queues", "customers"]
        assert mine.layout.columns["queue"] == ["topic", "id", "sla"]
        assert mine.layout.columns["customers"] == ["id", "name", "matched", "details"]  # not given: the default
        assert mine.layout.card_tabs[:2] == ["notes", "details"]
        assert len(mine.layout.card_tabs) == len(workspace.CARD_TABS)
        assert mine.layout.tiles == ["my_week", "my_open"]
        assert workspace.get_workspace(session=session, actor=supervisor).customised is False
        promoted = Actor(login="agent", role=Role.SUPERVISOR, id=agent.id)  # a right gained since: its tab joins
        assert workspace.get_workspace(session=session, actor=promoted).layout.tabs == ["dashboard", "queues",
                                                                                         "customers", "reports"]
        workspace.reset_workspace(session=session, actor=agent)
    with unit_of_work(demo_url) as session:
        assert workspace.get_workspace(session=session, actor=agent).layout == workspace.effective(
            agent, workspace.Layout())
        assert session.get(UserPreference, (agent.id, workspace.KEY)) is None


def test_tabs_without_the_right_are_never_shown_and_unknown_saved_entries_are_ignored(demo_url):
    agent = _actor(demo_url, "agent")
    damaged = json.dumps({"tabs": ["admin", "reports", "retired_tab", "queues", 7], "columns": {"queue": ["gone"]},
                          "card_tabs": ["old", "notes"], "tiles": ["old_tile", "my_open"], "extra": 1})
    with unit_of_work(demo_url) as session:
        session.add(UserPreference(user_id=agent.id, key=workspace.KEY, value=damaged, updated_at=utcnow()))
    with unit_of_work(demo_url) as session:
        layout = workspace.get_workspace(session=session, actor=agent).layout
    assert layout.tabs[0] == "queues"  # the unknown ones dropped, the rest of the agent's tabs after it
    assert not {"admin", "reports", "topics"} & set(layout.tabs)  # rights an agent lacks: never shown
    assert layout.columns["queue"] == list(workspace.LISTS["queue"][1])  # nothing known left: the default
    assert layout.card_tabs[0] == "notes" and layout.tiles == ["my_open"]
    with unit_of_work(demo_url) as session:
        session.execute(update(UserPreference).values(value="{not json"))
    with unit_of_work(demo_url) as session:
        assert workspace.get_workspace(session=session, actor=agent).layout.tabs[0] == "register"


def test_saving_refuses_unknown_ids_and_another_users_layout_needs_admin_rights(demo_url):
    agent, admin = _actor(demo_url, "agent"), _actor(demo_url, "admin")
    with unit_of_work(demo_url) as session:
        with pytest.raises(ValidationError, match="unknown tabs: nope"):
            workspace.set_workspace(session=session, actor=agent, layout={"tabs": ["nope"]})
        with pytest.raises(ValidationError, match="unknown list 'inbox'"):
            workspace.set_workspace(session=session, actor=agent, layout={"columns": {"inbox": ["id"]}})
        with pytest.raises(PermissionDenied):
            workspace.reset_workspace(session=session, actor=agent, login="admin")
        with pytest.raises(NotFound):
            workspace.reset_workspace(session=session, actor=admin, login="nobody")
        workspace.set_workspace(session=session, actor=agent, layout={"tabs": ["queues"]})
    with unit_of_work(demo_url) as session:
        seen = workspace.get_workspace(session=session, actor=admin, login="agent")
        assert seen.login == "agent" and seen.layout.tabs[0] == "queues"
        assert workspace.reset_workspace(session=session, actor=admin, login="agent").customised is False
    with unit_of_work(demo_url) as session:
        assert workspace.get_workspace(session=session, actor=agent).customised is False


def test_every_tile_answers_and_counts_the_actors_own_work(demo_url):
    agent = _actor(demo_url, "agent")
    with unit_of_work(demo_url) as session:
        before = {code: dashboard.tile(session=session, actor=agent, code=code) for code in ("my_open", "my_overdue")}
    held = register_disputed_charge(demo_url, at=utcnow())  # registered by the demo agent, now
    act(demo_url, inquiry_actions.take, agent, inquiry_id=held)
    with unit_of_work(demo_url) as session:
        session.execute(update(Inquiry).where(Inquiry.id == held).values(due_at=utcnow() - timedelta(hours=1)))
    with unit_of_work(demo_url) as session:
        tiles = {code: dashboard.tile(session=session, actor=agent, code=code) for code in workspace.TILES}
        with pytest.raises(ValidationError, match="unknown tile"):
            dashboard.tile(session=session, actor=agent, code="weather")
    assert tiles["my_open"].value == before["my_open"].value + 1
    assert tiles["my_overdue"].value == before["my_overdue"].value + 1
    assert [(line.label, line.value >= 1) for line in tiles["registered_today"].lines] == [("mine", True),
                                                                                            ("my groups", True)]
    assert len(tiles["my_week"].lines) == 7 and tiles["my_week"].lines[-1].value >= 1
    assert tiles["queue_sizes"].lines and tiles["breaches_today"].value >= 0


def test_the_cli_shows_sets_and_resets_and_an_admin_resets_anothers(demo_url, tmp_path):
    runner = CliRunner()

    def run(login: str, *args: str):
        env = {"CRMTERM_HOME": str(tmp_path / "home"), "CRMTERM_USER": login, "CRMTERM_PASSWORD": login}
        return runner.invoke(cli_app, ["--db", demo_url, "workspace", *args], env=env)

    done = run("agent", "set", "--tabs", "queues,home", "--columns", "work=what,deadline", "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["layout"]["columns"]["work"] == ["what", "deadline"]
    shown = run("agent", "show")
    assert "Tabs: queues, home" in shown.stdout
    refused = run("agent", "set", "--tabs", "queues,nowhere")
    assert refused.exit_code == 1 and refused.stderr.startswith("error: ") and "nowhere" in refused.stderr
    assert run("agent", "reset", "--user", "admin").exit_code == 1
    reset = run("admin", "reset", "--user", "agent", "--json")
    assert reset.exit_code == 0 and json.loads(reset.stdout)["customised"] is False
    assert "(default)" in run("agent", "show").stdout


def test_a_fresh_start_gives_the_dashboard_numbers(demo_url):
    """The TUI's first run adds the demo agent's last week (services/platform/demo_day) to the demo."""
    agent = _actor(demo_url, "agent")
    with unit_of_work(demo_url) as session:
        assert demo_day.seed_demo_day(session) == sum(demo_day.PER_DAY) + 2
    with unit_of_work(demo_url) as session:
        tiles = {code: dashboard.tile(session=session, actor=agent, code=code) for code in workspace.TILES}
    assert tiles["my_open"].value == 1 and tiles["queue_sizes"].value == 1
    assert tiles["my_week"].value == sum(demo_day.PER_DAY) + 2  # the whole week, whatever the hour now
