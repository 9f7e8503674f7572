"""System problems on both databases: who may manage them, which active ones concern a caller (service,
region, topic), linking at registration, and closing one with its linked inquiries in one action."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlmodel import select

from crmterm.errors import Conflict, PermissionDenied, ValidationError
from crmterm.services.customers import customers
from crmterm.services.inquiries import inquiries, inquiry_actions, problem_close, problem_links, problems
from crmterm.services.accounts.permissions import Actor, Role
from crmterm.services.inquiries.problems import ProblemDraft
from crmterm.services.inquiries.registration import ContactDraft, RegistrationError, register
from crmterm.store import AttributeValue, Inquiry, Notification, User, utcnow
from crmterm.store.db import unit_of_work
from helpers import ADMIN, AUDITOR, SUPERVISOR
from conftest import owner_url
from test_cli import app, runner

SINCE = {"problem_since": "2026-11-27T08:00"}


def act(url: str, call, actor: Actor, **kwargs):
    with unit_of_work(url) as session:
        return call(session=session, actor=actor, **kwargs)


def opened(url: str, title: str, **fields) -> int:
    return act(url, problems.open_problem, SUPERVISOR, draft=ProblemDraft(title=title, **fields)).id


@pytest.fixture
def who(demo_url):
    with unit_of_work(demo_url) as session:
        return {u.login: Actor(login=u.login, role=Role(u.role_code), id=u.id) for u in session.exec(select(User))}


def registered(url: str, actor: Actor, *topics: str, problem: int | None = None, **contact) -> list[int]:
    draft = ContactDraft.model_validate({"channel": "phone", "place": "cc_msk", **contact, "inquiries": [
        {"topic": t, "values": SINCE, "problem": problem} for t in topics]})
    return act(url, register, actor, draft=draft).inquiry_ids


def test_active_problems_match_by_service_region_and_topic(demo_url):
    moscow = opened(demo_url, "No mobile internet in Moscow", service="mobile_internet", region="msk")
    everywhere = opened(demo_url, "Mobile internet slow", service="mobile_internet")
    spb_home = opened(demo_url, "Home internet down in St Petersburg", service="home_internet", region="spb")
    voice = opened(demo_url, "Calls drop", topic="voice")
    opened(demo_url, "Planned works tomorrow", starts_at=utcnow() + timedelta(days=1))
    act(demo_url, problem_close.close_problem, SUPERVISOR, problem_id=opened(demo_url, "Fixed already"),
        resolution="done")

    def matching(**query) -> list[int]:
        return [p.id for p in act(demo_url, problems.active_matching, AUDITOR, **query)]

    # the most specific first, then the newest
    assert matching(service="mobile_internet", region="msk") == [moscow, voice, everywhere]
    assert matching(service="mobile_internet", region="spb") == [voice, everywhere]
    assert matching(service="home_internet", region="spb", topic="home_no_connection") == [spb_home]
    assert matching(region="msk", topic="dropped_calls") == [moscow, voice, everywhere]  # service unknown
    assert set(matching()) == {moscow, everywhere, spb_home, voice}  # nothing known yet: every active one


def test_registration_finds_the_callers_problems_and_links_the_inquiry(demo_url, who):
    moscow = opened(demo_url, "No mobile internet in Moscow", service="mobile_internet", region="msk")
    opened(demo_url, "Outage in Novosibirsk", region="nsk")
    with unit_of_work(demo_url) as session:
        party = customers.create_party(session=session, actor=ADMIN, values={"display_name": "Ivan"}).id
        session.add(AttributeValue(entity="party", entity_id=party, attribute="region", value="msk",
                                   valid_from=date(2020, 1, 1)))
    found = act(demo_url, problem_links.for_caller, who["agent"], customer_id=party, topic="slow_data")
    assert [p.id for p in found] == [moscow]
    typed = act(demo_url, problem_links.for_caller, who["agent"], customer_id=party, values={"region": "nsk"})
    assert [p.title for p in typed] == ["Outage in Novosibirsk"]  # the form's region wins over the customer's

    inquiry = registered(demo_url, who["agent"], "slow_data", problem=moscow, customer=party)[0]
    shown = act(demo_url, problem_links.get_problem, AUDITOR, problem_id=moscow)
    assert [(i.id, i.state, i.archived) for i in shown.inquiries] == [(inquiry, "waiting", False)]
    events = act(demo_url, inquiries.get_inquiry, AUDITOR, inquiry_id=inquiry).events
    assert [e.kind for e in events][-1] == "problem_linked" and events[-1].data == {"problem": moscow}
    assert act(demo_url, problem_links.link, who["agent"], problem_id=moscow, inquiry_id=inquiry) is False

    act(demo_url, problem_close.close_problem, SUPERVISOR, problem_id=moscow, resolution="fixed")
    with pytest.raises(RegistrationError, match="system problem .* is closed"):
        registered(demo_url, who["agent"], "slow_data", problem=moscow)


def test_closing_a_problem_closes_its_open_inquiries_and_skips_the_closed_one(demo_url, who):
    problem = opened(demo_url, "Base station down", service="mobile_internet")
    waiting, taken, answered = registered(demo_url, who["agent"], "slow_data", "no_data", "apn_settings",
                                          problem=problem)
    act(demo_url, inquiry_actions.take, who["agent"], inquiry_id=taken)
    versions = {i: act(demo_url, inquiries.get_inquiry, AUDITOR, inquiry_id=i).version for i in (waiting, taken)}

    done = act(demo_url, problem_close.close_problem, SUPERVISOR, problem_id=problem,
               resolution="Base station repaired")

    assert (sorted(done.closed), done.notified) == (sorted([waiting, taken]), [])
    assert [(s.id, s.reason) for s in done.skipped] == [(answered, "already closed")]
    assert (done.problem.state, done.problem.resolution) == ("closed", "Base station repaired")
    for inquiry in (waiting, taken):
        shown = act(demo_url, inquiries.get_inquiry, AUDITOR, inquiry_id=inquiry)
        assert shown.state == "closed" and shown.version > versions[inquiry]
        assert shown.resolution == f"System problem #{problem} resolved: Base station repaired"
        assert shown.events[-1].kind == "closed" and shown.events[-1].actor == "supervisor"
    with pytest.raises(Conflict, match="is closed"):
        act(demo_url, problem_close.close_problem, SUPERVISOR, problem_id=problem, resolution="again")


def test_closing_with_notify_tells_the_assignee_and_skips_whom_nobody_can_hear(demo_url, who):
    problem = opened(demo_url, "Billing outage")
    with unit_of_work(demo_url) as session:
        party = customers.create_party(session=session, actor=ADMIN, values={
            "display_name": "Olga", "email": "olga@example.org"}).id
    taken, with_customer, nobody = registered(demo_url, who["agent"], "slow_data", problem=problem)[0], \
        registered(demo_url, who["agent"], "slow_data", problem=problem, customer=party)[0], \
        registered(demo_url, who["agent"], "slow_data", problem=problem)[0]
    act(demo_url, inquiry_actions.take, who["agent"], inquiry_id=taken)

    done = act(demo_url, problem_close.close_problem, ADMIN, problem_id=problem, resolution="Restored",
               inquiries="notify")

    assert (done.closed, sorted(done.notified)) == ([], sorted([taken, with_customer]))
    assert [s.id for s in done.skipped] == [nobody] and "nobody to notify" in done.skipped[0].reason
    with unit_of_work(demo_url) as session:
        sent = sorted((n.inquiry_id, n.user_id is not None, n.address) for n in session.exec(
            select(Notification).where(Notification.event == problem_close.EVENT)))
        states = {i: session.get(Inquiry, i).state for i in (taken, with_customer, nobody)}
    assert sent == sorted([(taken, True, None), (with_customer, False, "olga@example.org")])
    assert states == {taken: "taken", with_customer: "waiting", nobody: "waiting"}  # notified, not closed


def test_roles_and_versions(demo_url, who):
    with pytest.raises(PermissionDenied):
        act(demo_url, problems.open_problem, who["agent"], draft=ProblemDraft(title="x"))
    with pytest.raises(PermissionDenied):
        act(demo_url, problems.open_problem, AUDITOR, draft=ProblemDraft(title="x"))
    problem = opened(demo_url, "Outage", region="msk")
    assert [p.id for p in act(demo_url, problems.list_problems, AUDITOR)] == [problem]  # auditors read
    with pytest.raises(PermissionDenied):
        act(demo_url, problem_close.close_problem, AUDITOR, problem_id=problem, resolution="x")
    with pytest.raises(ValidationError, match="region"):
        act(demo_url, problems.update_problem, SUPERVISOR, problem_id=problem,
            draft=ProblemDraft(title="Outage", region="atlantis"))
    changed = act(demo_url, problems.update_problem, SUPERVISOR, problem_id=problem, expected_version=1,
                  draft=ProblemDraft(title="Outage in Moscow", region="msk"))
    assert (changed.title, changed.version) == ("Outage in Moscow", 2)
    with pytest.raises(Conflict, match="changed by supervisor"):
        act(demo_url, problem_close.close_problem, SUPERVISOR, problem_id=problem, resolution="x",
            expected_version=1)


def test_problem_commands(demo_url, tmp_path):
    def cli(*args: str, input: str | None = None):
        return runner.invoke(app, ["--db", owner_url(demo_url), *args], input=input,
                             env={"CRMTERM_HOME": str(tmp_path)})

    made = cli("problem", "open", "--title", "No network", "--region", "msk", "--until", "2030-01-01T10:00",
               "--json")
    problem = json.loads(made.stdout)["id"]
    document = json.dumps({"channel": "phone", "place": "cc_msk", "inquiries": [
        {"topic": "slow_data", "values": SINCE}, {"topic": "apn_settings", "values": SINCE}]})
    first, second = json.loads(cli("contact", "register", "-", "--json", input=document).stdout)["inquiry_ids"]
    assert cli("problem", "link", str(problem), str(first)).exit_code == 0
    assert cli("problem", "link", str(problem), str(second)).exit_code == 0
    missing = cli("problem", "link", str(problem), "99999")
    assert missing.exit_code == 1 and missing.stderr.strip() == "error: Inquiry '99999' not found"
    closed = cli("problem", "close", str(problem), "-r", "Restored")
    assert closed.exit_code == 0, closed.output
    assert "inquiries closed 1, notified 0, skipped 1" in closed.stdout
    assert f"#{second}: already closed" in closed.stdout
    listed = json.loads(cli("problem", "list", "--state", "all", "--json").stdout)
    assert [(p["id"], p["state"], p["linked"]) for p in listed] == [(problem, "closed", 2)]


async def test_the_register_tab_shows_the_callers_problems_and_links_the_inquiry(ui_settings):
    from crmterm.app import make_app
    from crmterm.screens.register.register import RegisterPanel
    from crmterm.store import ProblemInquiry
    from crmterm.widgets.problem_banner import ProblemBanner
    from helpers import settle
    from test_tui import SIZE, _login

    url = ui_settings.database_url
    mobile = opened(url, "Mobile data down", topic="mobile_data")
    opened(url, "Billing is late", topic="billing")
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "agent", "agent")
        await settle(pilot)
        panel = pilot.app.screen.query_one(RegisterPanel)
        banner = panel.query_one(ProblemBanner)
        assert banner.display and len(panel.problems) == 2  # no topic yet: every active problem
        await pilot.press("f4", "enter", *"311", "enter")  # anonymous caller, No mobile data
        await settle(pilot)
        assert [p.id for p in panel.problems] == [mobile] and "Mobile data down" in str(banner.render())
        await pilot.press("ctrl+y")
        assert panel.drafts.draft.problem == mobile and banner.has_class("-linked")
        await pilot.press(*"2026-11-26 10:00", "ctrl+s")
        await settle(pilot)
    with unit_of_work(url) as session:
        links = session.exec(select(ProblemInquiry)).all()
        newest = session.exec(select(Inquiry.id).order_by(Inquiry.id.desc())).first()
    assert [(link.problem_id, link.inquiry_id, link.linked_by) for link in links] == [(mobile, newest, "agent")]


async def test_a_supervisor_opens_and_closes_a_problem_on_the_problems_screen(ui_settings):
    from textual.widgets import Input

    from crmterm.app import make_app
    from crmterm.screens.problems.problem_dialogs import ProblemCloseScreen, ProblemFormScreen
    from crmterm.screens.problems.problems import ProblemsScreen
    from helpers import settle
    from test_tui import SIZE, _login

    url = ui_settings.database_url
    async with make_app(ui_settings).run_test(size=SIZE) as pilot:
        await _login(pilot, "supervisor", "supervisor")
        await pilot.press("alt+p")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProblemsScreen)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProblemFormScreen)
        await pilot.press(*"Outage", "ctrl+s")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, ProblemsScreen) and [p.title for p in screen.rows] == ["Outage"]
        inquiry = registered(url, Actor(login="agent", role=Role.AGENT), "slow_data", problem=screen.rows[0].id)[0]
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProblemCloseScreen)
        pilot.app.screen.query_one("#resolution", Input).value = "Restored"
        await pilot.click("#close")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ProblemsScreen) and pilot.app.screen.rows == []  # only open ones
    with unit_of_work(url) as session:
        assert session.get(Inquiry, inquiry).state == "closed"
