"""Field service (issue 27, item 4) on both databases: technicians with skills, regions and calendars (also as
a config section and from CSV); work orders raised from an inquiry, dispatched, visited, recorded, accepted and
done — the last one moving the inquiry along its route; technicians see only their own orders; the dispatch
board proposes the qualified technician with the fewest visits that day."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from crmterm.errors import Conflict, NotFound, PermissionDenied, ValidationError
from crmterm.services.accounts.permissions import SYSTEM
from crmterm.services.inquiries import inquiries
from crmterm.services.inquiries.registration import ContactDraft, register
from crmterm.services.service import (
    dispatch,
    technicians,
    technicians_import,
    workorders,
    workorders_demo,
    workorders_flow,
)
from crmterm.store import InquiryEvent
from crmterm.store.db import unit_of_work
from helpers import act, demo_people

DAY = date(2026, 12, 8)  # a Tuesday: tech3's calendar (Mon–Fri 9–18, Yekaterinburg) works


def no_connection(url: str) -> int:
    """A "no home internet" inquiry (technical-fault route, first line)."""
    draft = ContactDraft(channel="phone", place="cc_msk", customer=1, inquiries=[
        {"topic": "home_no_connection", "values": {"problem_since": "2026-12-07 10:00"}}])
    return act(url, register, demo_people(url)["agent"], draft=draft).inquiry_ids[0]


def planned(url: str, inquiry: int, *, window: str = "09:00-12:00", region: str = "moscow",
            skills=("fiber:2",), day: date = DAY) -> int:
    return act(url, workorders.create_work_order, demo_people(url)["agent"], inquiry_id=inquiry, region=region,
               window=f"{day} {window}", skills=list(skills), tasks=["Check the line"], address="Tverskaya 7").id


def inquiry_state(url: str, inquiry: int):
    found = act(url, inquiries.get_inquiry, SYSTEM, inquiry_id=inquiry)
    return found.state, found.step


def test_the_last_done_order_moves_the_inquiry_along_its_route(demo_url):
    people = demo_people(demo_url)
    inquiry = no_connection(demo_url)
    first, second = planned(demo_url, inquiry), planned(demo_url, inquiry, window="13:00-15:00")
    assert inquiry_state(demo_url, inquiry)[1] == "field_service"  # planning moved it (work_order_planned)
    tech = people["tech1"]
    for order in (first, second):
        act(demo_url, workorders_flow.dispatch, people["supervisor"], work_order_id=order, technician="tech1")
    act(demo_url, workorders_flow.start, tech, work_order_id=first)
    recorded = act(demo_url, workorders_flow.record, tech, work_order_id=first, minutes=45,
                   materials=["router:1"], expenses=["350.50:parking"])
    assert (recorded.minutes, recorded.expenses) == (45, Decimal("350.50"))
    assert [(line.kind, line.product) for line in recorded.lines] == [("time", None), ("material", "router"),
                                                                      ("expense", None)]
    act(demo_url, workorders_flow.accept, tech, work_order_id=first, by="Ivan Petrov")
    assert act(demo_url, workorders_flow.complete, tech, work_order_id=first).state == "done"
    assert inquiry_state(demo_url, inquiry)[1] == "field_service"  # one order still open
    act(demo_url, workorders_flow.record, tech, work_order_id=second, minutes=30)  # recording starts it
    act(demo_url, workorders_flow.complete, tech, work_order_id=second)
    assert inquiry_state(demo_url, inquiry) == ("waiting", "quality_check")
    with unit_of_work(demo_url) as session:
        kinds = session.exec(select(InquiryEvent.kind).where(InquiryEvent.inquiry_id == inquiry)
                             .order_by(InquiryEvent.id)).all()
    assert kinds[-1] == "moved" and "work_order" in kinds


def test_technicians_see_and_work_only_their_own_orders(demo_url):
    people = demo_people(demo_url)
    order = planned(demo_url, no_connection(demo_url))
    act(demo_url, workorders_flow.dispatch, people["supervisor"], work_order_id=order, technician="tech1")
    assert [o.id for o in act(demo_url, workorders.list_work_orders, people["tech1"])] == [order]
    assert act(demo_url, workorders.list_work_orders, people["tech2"]) == []
    for call, extra in ((workorders.get_work_order, {}), (workorders_flow.start, {}),
                        (workorders_flow.record, {"minutes": 5})):
        with pytest.raises(PermissionDenied):
            act(demo_url, call, people["tech2"], work_order_id=order, **extra)
    with pytest.raises(PermissionDenied):  # dispatching is the dispatcher's
        act(demo_url, workorders_flow.dispatch, people["tech1"], work_order_id=order, technician="tech1")
    assert order in [o.id for o in act(demo_url, workorders.list_work_orders, people["supervisor"])]


def test_wrong_input_is_refused_with_the_field(demo_url):
    people = demo_people(demo_url)
    inquiry = no_connection(demo_url)
    with pytest.raises(ValidationError, match="window"):
        planned(demo_url, inquiry, window="12:00-09:00")
    with pytest.raises(ValidationError, match="unknown skill"):
        planned(demo_url, inquiry, skills=("klingon",))
    with pytest.raises(NotFound):
        planned(demo_url, 987_654)
    order = planned(demo_url, inquiry, skills=("fiber:4",))
    with pytest.raises(ValidationError, match="lacks the skills"):  # tech2 has no fibre
        act(demo_url, workorders_flow.dispatch, people["supervisor"], work_order_id=order, technician="tech2")
    act(demo_url, workorders_flow.dispatch, people["supervisor"], work_order_id=order, technician="tech1")
    with pytest.raises(NotFound):
        act(demo_url, workorders_flow.record, people["tech1"], work_order_id=order, materials=["no_such:1"])
    with pytest.raises(ValidationError):
        act(demo_url, workorders_flow.record, people["tech1"], work_order_id=order, expenses=["-5:parking"])
    with pytest.raises(Conflict):  # not started: nothing to complete
        act(demo_url, workorders_flow.complete, people["tech1"], work_order_id=order)


def test_the_board_proposes_the_qualified_technician_with_fewest_visits(demo_url):
    people = demo_people(demo_url)
    inquiry = no_connection(demo_url)
    busy = planned(demo_url, inquiry, window="08:00-09:00", skills=("router_setup:2",))
    act(demo_url, workorders_flow.dispatch, people["supervisor"], work_order_id=busy, technician="tech1")
    loose = planned(demo_url, inquiry, window="10:00-12:00", skills=("router_setup:2",))
    fibre = planned(demo_url, inquiry, window="10:00-12:00", skills=("fiber:2",))
    ural = planned(demo_url, inquiry, region="ural", skills=("fiber:2",), window="10:00-12:00")
    sunday = planned(demo_url, inquiry, region="ural", skills=("fiber:2",), day=DAY + timedelta(days=5))
    found = act(demo_url, dispatch.board, people["supervisor"], start=dispatch.week_of(DAY))
    proposed = {v.id: v.proposed for v in found.unassigned}
    assert proposed == {loose: "tech2", fibre: "tech1", ural: "tech3", sunday: None}
    tech1 = next(r for r in found.rows if r.technician.login == "tech1")
    assert [[v.id for v in cell] for cell in tech1.days][1] == [busy]
    assert act(demo_url, dispatch.assign_proposed, people["supervisor"], work_order_id=loose).technician == "tech2"
    with pytest.raises(PermissionDenied):
        act(demo_url, dispatch.board, people["tech1"], start=DAY)


def test_technicians_from_csv_and_as_a_config_section(demo_url, tmp_path):
    people = demo_people(demo_url)
    csv_file = tmp_path / "technicians.csv"
    csv_file.write_text("login,region,calendar,skills\nagent2,spb,back_office_ekb,fiber:2 router_setup:1\n",
                        encoding="utf-8")
    done = act(demo_url, technicians_import.import_technicians, people["admin"], path=csv_file)
    assert done.created == {"technicians": 1}
    shown = act(demo_url, technicians.get_technician, people["agent"], login="agent2")
    assert (shown.region, shown.calendar) == ("spb", "back_office_ekb")
    assert shown.skills == {"en": 4, "ru": 3, "mobile_internet": 4, "fiber": 2, "router_setup": 1}  # routing's stay
    again = act(demo_url, technicians_import.import_technicians, people["admin"], path=csv_file)
    assert (again.created, again.updated) == ({}, {})
    with pytest.raises(PermissionDenied):
        act(demo_url, technicians.add_technician, people["supervisor"], login="agent", region="moscow")
    yaml_file = tmp_path / "t.yaml"
    yaml_file.write_text("technicians:\n  - {login: agent2, region: kazan, skills: {fiber: 5}}\n", encoding="utf-8")
    act(demo_url, technicians_import.import_technicians, people["admin"], path=yaml_file)
    assert act(demo_url, technicians.get_technician, SYSTEM, login="agent2").region == "kazan"


@pytest.mark.parametrize("demo_url", ["sqlite"], indirect=True)  # demo data: the services run on both above
def test_the_first_start_demo_fills_this_weeks_board(demo_url):
    with unit_of_work(demo_url) as session:
        assert workorders_demo.seed_demo_work_orders(session) == 4
    with unit_of_work(demo_url) as session:
        assert workorders_demo.seed_demo_work_orders(session) == 0  # once
    found = act(demo_url, dispatch.board, SYSTEM, start=dispatch.week_of(date.today()))
    assert sorted(v.proposed for v in found.unassigned) == ["tech1", "tech2"]
    assert sum(len(cell) for row in found.rows for cell in row.days) == 2
