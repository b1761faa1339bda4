"""The scheduler's answers checked against the rules, written here again from the problem's raw data."""

from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events.partnering.scheduler import Placed, Problem, Request, Result, first_fit, schedule


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    people = draw(st.integers(2, 9))
    slots = draw(st.integers(1, 6))
    pairs = st.tuples(st.integers(0, people - 1), st.integers(0, people - 1)).filter(lambda p: p[0] != p[1])
    raw = draw(st.lists(pairs, max_size=18, unique_by=lambda p: frozenset(p)))
    requests = [Request(i + 1, a, b) for i, (a, b) in enumerate(raw)]
    some_slots = st.frozensets(st.integers(0, slots - 1), max_size=slots)
    available = draw(st.dictionaries(st.integers(0, people - 1), some_slots, max_size=people))
    busy = draw(st.dictionaries(st.integers(0, people - 1), some_slots, max_size=people))
    return Problem(
        slots=slots,
        tables=draw(st.integers(1, 3)),
        max_meetings=draw(st.integers(1, 4)),
        requests=requests,
        available=available,
        busy=busy,
    )


def assert_rules_hold(problem: Problem, result: Result) -> None:
    everything = [*problem.fixed, *result.placed]
    by_id = {r.id: r for r in problem.requests}
    for meeting in result.placed:
        request = by_id[meeting.request]
        assert {meeting.first, meeting.second} == {request.first, request.second}
        assert 0 <= meeting.slot < problem.slots
        assert 1 <= meeting.table <= problem.tables
        for person in (meeting.first, meeting.second):
            assert meeting.slot in problem.available.get(person, range(problem.slots)), "unavailable person"
            assert meeting.slot not in problem.busy.get(person, frozenset()), "clashes with a booked session"
    seats = Counter((person, m.slot) for m in everything for person in (m.first, m.second))
    assert max(seats.values(), default=0) <= 1, "someone is in two places at once"
    tables = Counter((m.slot, m.table) for m in everything)
    assert max(tables.values(), default=0) <= 1, "a table hosts two meetings in one slot"
    load = Counter(person for m in everything for person in (m.first, m.second))
    fixed_load = Counter(person for m in problem.fixed for person in (m.first, m.second))
    for person, count in load.items():
        assert count <= max(problem.max_meetings, fixed_load[person]), "more meetings than allowed"
    assert Counter(m.request for m in everything).most_common(1)[0][1] <= 1 if everything else True
    answered = {m.request for m in result.placed} | set(result.unplaced)
    fixed = {m.request for m in problem.fixed}
    assert answered == {r.id for r in problem.requests} - fixed, "a request is neither placed nor explained"


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(problems())
def test_every_placed_meeting_keeps_every_rule(problem: Problem) -> None:
    assert_rules_hold(problem, schedule(problem, time_limit=2, workers=1))


@SETTINGS
@given(problems())
def test_solver_places_at_least_as_many_as_first_fit(problem: Problem) -> None:
    assert len(schedule(problem, time_limit=2, workers=1).placed) >= len(first_fit(problem).placed)


@SETTINGS
@given(problems(), st.data())
def test_rerun_keeps_placed_meetings_where_they_are(problem: Problem, data: st.DataObject) -> None:
    first = schedule(problem, time_limit=2, workers=1)
    kept = data.draw(st.lists(st.sampled_from(first.placed), unique=True) if first.placed else st.just([]))
    problem.fixed = list(kept)
    second = schedule(problem, time_limit=2, workers=1)
    assert_rules_hold(problem, second)
    assert not {m.request for m in second.placed} & {m.request for m in kept}


def test_unplaced_request_says_no_common_slot_when_availabilities_do_not_meet() -> None:
    problem = Problem(
        slots=4,
        tables=2,
        max_meetings=3,
        requests=[Request(1, 10, 20)],
        available={10: frozenset({0, 1}), 20: frozenset({2, 3})},
    )
    assert schedule(problem, time_limit=1).unplaced == {1: "no_common_slot"}


def test_unplaced_request_says_max_meetings_when_a_person_is_full() -> None:
    fixed = [Placed(1, 10, 30, 0, 1)]
    problem = Problem(
        slots=3, tables=2, max_meetings=1, requests=[Request(1, 10, 30), Request(2, 10, 20)], fixed=fixed
    )
    assert schedule(problem, time_limit=1).unplaced == {2: "max_meetings"}


def test_unplaced_request_says_no_table_when_the_only_common_slot_is_full() -> None:
    problem = Problem(
        slots=2,
        tables=1,
        max_meetings=3,
        requests=[Request(2, 10, 20)],
        available={10: frozenset({0}), 20: frozenset({0})},
        fixed=[Placed(1, 30, 40, 0, 1)],
    )
    assert schedule(problem, time_limit=1).unplaced == {2: "no_table"}


def test_meetings_of_one_person_are_packed_together() -> None:
    requests = [Request(i, 0, i) for i in range(1, 4)]
    problem = Problem(slots=8, tables=1, max_meetings=3, requests=requests)
    slots = sorted(m.slot for m in schedule(problem, time_limit=2).placed)
    assert slots[-1] - slots[0] == 2
