"""The dispatch board's proposal (services/service/dispatch_plan), a pure function: skills at their levels, the
same region, working time in the window, no overlapping visit; then the fewest visits that day, then the login."""

from __future__ import annotations

from datetime import date

from crmterm.services.service.dispatch_plan import Candidate, Need, minutes, propose, qualifies

NEED = Need(skills={"fiber": 2}, region="moscow", day=date(2026, 12, 8), window=(minutes("10:00"), minutes("12:00")))
DAY_SHIFT = ((minutes("09:00"), minutes("18:00")),)


def who(login: str, **changes) -> Candidate:
    values = {"login": login, "region": "moscow", "skills": {"fiber": 3}, "working": DAY_SHIFT, "booked": ()}
    return Candidate(**(values | changes))


def test_each_condition_disqualifies_on_its_own():
    assert qualifies(NEED, who("a"))
    assert not qualifies(NEED, who("a", skills={"fiber": 1}))  # below the minimum level
    assert not qualifies(NEED, who("a", skills={"router": 5}))  # lacks the skill
    assert not qualifies(NEED, who("a", region="ural"))
    assert not qualifies(NEED, who("a", working=((minutes("13:00"), minutes("18:00")),)))  # off during the window
    assert not qualifies(NEED, who("a", working=()))  # a day off
    assert not qualifies(NEED, who("a", booked=((minutes("11:00"), minutes("13:00")),)))  # overlapping visit
    assert qualifies(NEED, who("a", booked=((minutes("08:00"), minutes("10:00")),)))  # ends as the window starts


def test_the_fewest_visits_that_day_wins_then_the_login():
    morning, evening = (minutes("08:00"), minutes("09:00")), (minutes("16:00"), minutes("17:00"))
    busy, calm, also_calm = who("b", booked=(morning, evening)), who("c", booked=(morning,)), who("d", booked=(evening,))
    assert propose(NEED, [busy, calm]) == "c"
    assert propose(NEED, [busy, also_calm, calm]) == "c"  # a tie: the lower login, whatever the order given
    assert propose(NEED, [who("z", region="ural")]) is None
    assert propose(NEED, []) is None
