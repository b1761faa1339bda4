"""Placing accepted meeting requests in slots and at tables: a greedy start, then OR-Tools CP-SAT.

A pure function of a `Problem` (no database, no clock), so that tests can check its answers against
the rules on random instances and the bench can time it. The rules, all hard:

- a meeting takes a slot both people are available in, free of any programme session either booked;
- nobody is in two meetings in one slot, one table hosts one meeting per slot;
- nobody has more than `max_meetings` (meetings already placed count);
- meetings already placed (`fixed`: the organiser's pins and earlier runs) stay where they are.

The aim: as many meetings as possible, then as few separate blocks of meetings per person as possible
(little waiting between meetings). Tables are interchangeable, so the solver decides slots only and
tables are dealt out afterwards: a slot can take as many meetings as it has free tables.

The first phase maximises the number of meetings: the LP relaxation (PDLP) is solved and rounded (on
these instances it is most often integral already, which proves the count optimal at once); when the
rounding falls short of the LP's bound, CP-SAT searches from the best start found. A second phase
(CP-SAT) keeps that number and packs each person's meetings together within the time left. Whatever
the solvers manage within the time limit, the answer is never worse than the greedy start.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # OR-Tools weighs about 55 MB: an app process loads it the first time it schedules
    from ortools.sat.python import cp_model

NO_COMMON_SLOT = "no_common_slot"
MAX_MEETINGS = "max_meetings"
NO_TABLE = "no_table"
TIME_LIMIT = "time_limit"


@dataclass(frozen=True)
class Request:
    id: int
    first: int
    second: int


@dataclass(frozen=True)
class Placed:
    request: int
    first: int
    second: int
    slot: int
    table: int


@dataclass
class Problem:
    """Slots are numbered 0…slots-1 in time order, tables 1…tables.

    `available[p]` lists the slots person p can attend (a person missing from it: every slot);
    `busy[p]` the slots overlapping a programme session p booked.
    """

    slots: int
    tables: int
    max_meetings: int
    requests: list[Request]
    available: dict[int, frozenset[int]] = field(default_factory=dict)
    busy: dict[int, frozenset[int]] = field(default_factory=dict)
    fixed: list[Placed] = field(default_factory=list)


@dataclass
class Result:
    placed: list[Placed]
    unplaced: dict[int, str]
    seconds: float
    optimal: bool = False


class _State:
    """What is already taken, shared by the greedy passes and the final explanations."""

    def __init__(self, problem: Problem) -> None:
        self.problem = problem
        self.taken: dict[int, set[int]] = defaultdict(set)
        self.count: dict[int, int] = defaultdict(int)
        self.tables_used: dict[int, set[int]] = defaultdict(set)
        for meeting in problem.fixed:
            self.take(meeting.first, meeting.second, meeting.slot, meeting.table)

    def take(self, first: int, second: int, slot: int, table: int) -> None:
        for person in (first, second):
            self.taken[person].add(slot)
            self.count[person] += 1
        self.tables_used[slot].add(table)

    def free_for(self, person: int) -> set[int]:
        everything = range(self.problem.slots)
        available = self.problem.available.get(person)
        base = set(everything) if available is None else {s for s in available if 0 <= s < self.problem.slots}
        return base - self.problem.busy.get(person, frozenset()) - self.taken[person]

    def common(self, request: Request) -> set[int]:
        return self.free_for(request.first) & self.free_for(request.second)

    def table_free(self, slot: int) -> bool:
        return len(self.tables_used[slot]) < self.problem.tables

    def under_max(self, request: Request) -> bool:
        limit = self.problem.max_meetings
        return self.count[request.first] < limit and self.count[request.second] < limit

    def next_table(self, slot: int) -> int:
        used = self.tables_used[slot]
        return next(t for t in range(1, self.problem.tables + 1) if t not in used)

    def reason(self, request: Request) -> str:
        if not self.under_max(request):
            return MAX_MEETINGS
        common = self.common(request)
        if not common:
            return NO_COMMON_SLOT
        if not any(self.table_free(slot) for slot in common):
            return NO_TABLE
        return TIME_LIMIT


def _open_requests(problem: Problem) -> list[Request]:
    done = {meeting.request for meeting in problem.fixed}
    seen: set[int] = set()
    found = []
    for request in problem.requests:
        if request.id not in done and request.id not in seen and request.first != request.second:
            seen.add(request.id)
            found.append(request)
    return found


def first_fit(problem: Problem) -> Result:
    """The plain baseline: requests in the order given, each in the first slot that still fits."""
    started = time.perf_counter()
    state = _State(problem)
    placed: list[Placed] = []
    for request in _open_requests(problem):
        if not state.under_max(request):
            continue
        slot = next((s for s in sorted(state.common(request)) if state.table_free(s)), None)
        if slot is not None:
            table = state.next_table(slot)
            state.take(request.first, request.second, slot, table)
            placed.append(Placed(request.id, request.first, request.second, slot, table))
    return _result(problem, state, placed, started)


def _closeness(state: _State, request: Request, slot: int) -> tuple[int, int]:
    """Slots next to either person's other meetings first, then the earliest."""
    near = sum(
        1
        for person in (request.first, request.second)
        for s in (slot - 1, slot + 1)
        if s in state.taken[person]
    )
    return (-near, slot)


def _greedy(problem: Problem, requests: list[Request]) -> list[tuple[Request, int]]:
    """A good start: scarce people and tight requests first, each next to the person's other meetings."""
    state = _State(problem)
    demand: dict[int, int] = defaultdict(int)
    for request in requests:
        demand[request.first] += 1
        demand[request.second] += 1

    def tightness(request: Request) -> tuple[int, int, int]:
        spare = min(
            problem.max_meetings - state.count[request.first] - demand[request.first],
            problem.max_meetings - state.count[request.second] - demand[request.second],
        )
        return (len(state.common(request)), spare, request.id)

    chosen: list[tuple[Request, int]] = []
    for request in sorted(requests, key=tightness):
        if not state.under_max(request):
            continue
        options = [s for s in state.common(request) if state.table_free(s)]
        if not options:
            continue

        slot = min(options, key=lambda option: _closeness(state, request, option))
        state.take(request.first, request.second, slot, state.next_table(slot))
        chosen.append((request, slot))
    return chosen


def _build(
    problem: Problem, requests: list[Request], state: _State
) -> tuple[cp_model.CpModel, dict[tuple[int, int], cp_model.IntVar]]:
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    choice: dict[tuple[int, int], cp_model.IntVar] = {}
    for request in requests:
        if state.under_max(request):
            for slot in state.common(request):
                if state.table_free(slot):
                    choice[(request.id, slot)] = model.new_bool_var(f"x{request.id}_{slot}")
    _limits(model, problem, requests, state, choice)
    return model, choice


def _limits(
    model: cp_model.CpModel,
    problem: Problem,
    requests: list[Request],
    state: _State,
    choice: dict[tuple[int, int], cp_model.IntVar],
) -> None:
    by_id = {request.id: request for request in requests}
    per_request: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    per_person_slot: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    per_person: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    per_slot: dict[int, list[cp_model.IntVar]] = defaultdict(list)
    for (request_id, slot), var in choice.items():
        request = by_id[request_id]
        per_request[request_id].append(var)
        per_slot[slot].append(var)
        for person in (request.first, request.second):
            per_person_slot[(person, slot)].append(var)
            per_person[person].append(var)
    for variables in (*per_request.values(), *per_person_slot.values()):
        if len(variables) > 1:
            model.add_at_most_one(variables)
    for person, variables in per_person.items():
        room = problem.max_meetings - state.count[person]
        if len(variables) > room:
            model.add(sum(variables) <= room)
    for slot, variables in per_slot.items():
        room = problem.tables - len(state.tables_used[slot])
        if len(variables) > room:
            model.add(sum(variables) <= room)


def _solver(seconds: float, workers: int) -> cp_model.CpSolver:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(0.05, seconds)
    solver.parameters.num_workers = workers
    return solver


def _blocks_objective(
    model: cp_model.CpModel,
    choice: dict[tuple[int, int], cp_model.IntVar],
    requests: list[Request],
    problem: Problem,
    state: _State,
) -> list[cp_model.IntVar]:
    """One variable per start of a run of consecutive meetings, per person: fewer runs, less waiting."""
    by_id = {request.id: request for request in requests}
    busy_at: dict[tuple[int, int], list[cp_model.IntVar]] = defaultdict(list)
    for (request_id, slot), var in choice.items():
        request = by_id[request_id]
        busy_at[(request.first, slot)].append(var)
        busy_at[(request.second, slot)].append(var)
    people = {person for person, _slot in busy_at}
    starts: list[cp_model.IntVar] = []
    for person in people:
        previous: Any = 0
        for slot in range(problem.slots):
            if slot in state.taken[person]:
                now: Any = 1
            else:
                now = sum(busy_at.get((person, slot), []))
            if not isinstance(now, int) or now:
                start = model.new_bool_var(f"s{person}_{slot}")
                model.add(start >= now - previous)
                starts.append(start)
            previous = now
    return starts


def _candidates(requests: list[Request], state: _State) -> dict[tuple[int, int], Request]:
    """Every (request, slot) the rules allow before anything new is placed."""
    found: dict[tuple[int, int], Request] = {}
    for request in requests:
        if state.under_max(request):
            for slot in state.common(request):
                if state.table_free(slot):
                    found[(request.id, slot)] = request
    return found


def _relaxation(
    problem: Problem, requests: list[Request], state: _State, seconds: float
) -> tuple[dict[tuple[int, int], float], float]:
    """The LP relaxation: its values per (request, slot), and its optimum (an upper bound).

    Solved with PDLP, OR-Tools' first-order LP method: at a thousand participants (about 65,000 variables)
    it reaches the optimum in about 1.5 s where the simplex (GLOP) needs over 10 s on this kind of machine."""
    from ortools.linear_solver import pywraplp

    solver = pywraplp.Solver.CreateSolver("PDLP")
    solver.SetTimeLimit(max(1, int(seconds * 1000)))
    candidates = _candidates(requests, state)
    variables = {key: solver.NumVar(0.0, 1.0, "") for key in candidates}
    groups: dict[tuple[str, int, int], list[Any]] = defaultdict(list)
    for (request_id, slot), request in candidates.items():
        var = variables[(request_id, slot)]
        groups[("request", request_id, 0)].append(var)
        groups[("slot", slot, 0)].append(var)
        for person in (request.first, request.second):
            groups[("seat", person, slot)].append(var)
            groups[("person", person, 0)].append(var)
    for (kind, key, _slot), members in groups.items():
        if kind in ("request", "seat"):
            room = 1
        elif kind == "person":
            room = problem.max_meetings - state.count[key]
        else:
            room = problem.tables - len(state.tables_used[key])
        if len(members) > room:
            solver.Add(solver.Sum(members) <= room)
    # Each meeting counts one, less a hair for later slots: among equal counts, earlier meetings.
    hair = 1.0 / (10.0 * max(1, problem.slots) * max(1, len(variables)))
    objective = solver.Objective()
    for (_request_id, slot), var in variables.items():
        objective.SetCoefficient(var, 1.0 - hair * slot)
    objective.SetMaximization()
    if solver.Solve() != pywraplp.Solver.OPTIMAL:
        return {}, float(len(requests))
    values = {key: var.solution_value() for key, var in variables.items()}
    return values, sum(values.values())


def _round(
    problem: Problem, requests: list[Request], values: dict[tuple[int, int], float]
) -> list[tuple[int, int]]:
    """The LP's choices, most certain first, each kept while it still fits; then a greedy top-up."""
    by_id = {request.id: request for request in requests}
    state = _State(problem)
    picked: list[tuple[int, int]] = []
    done: set[int] = set()
    for (request_id, slot), _value in sorted(values.items(), key=lambda item: (-item[1], item[0])):
        request = by_id[request_id]
        if _value <= 1e-6 or request_id in done or not _fits(state, request, slot):
            continue
        state.take(request.first, request.second, slot, state.next_table(slot))
        picked.append((request_id, slot))
        done.add(request_id)
    for request in requests:
        if request.id in done or not state.under_max(request):
            continue
        options = [slot for slot in state.common(request) if state.table_free(slot)]
        if options:
            slot = min(options, key=lambda option: _closeness(state, request, option))
            state.take(request.first, request.second, slot, state.next_table(slot))
            picked.append((request.id, slot))
    return picked


def _fits(state: _State, request: Request, slot: int) -> bool:
    return state.under_max(request) and slot in state.common(request) and state.table_free(slot)


def schedule(problem: Problem, time_limit: float = 10.0, workers: int = 2) -> Result:
    """Place as many open requests as the rules allow within `time_limit` seconds (see the module)."""
    started = time.perf_counter()
    deadline = started + time_limit
    requests = _open_requests(problem)
    state = _State(problem)
    values, bound = _relaxation(problem, requests, state, time_limit / 3)
    options = [_round(problem, requests, values), [(r.id, slot) for r, slot in _greedy(problem, requests)]]
    picked = max(options, key=len)
    optimal = len(picked) >= int(bound + 1e-6)
    if not optimal and deadline - time.perf_counter() > 0.5:
        # The relaxation has a third of the time (a large day may not finish in it: its bound is then the
        # number of requests); the search runs to 85 % and stops early when it proves optimal, leaving the
        # rest for packing the meetings.
        picked, optimal = _improve(problem, requests, state, picked, started + time_limit * 0.85, workers)
    if optimal and deadline - time.perf_counter() > 0.5 and picked:
        picked = _pack(problem, requests, state, picked, deadline, workers)
    return _finish(problem, requests, picked, started, optimal)


def _improve(
    problem: Problem,
    requests: list[Request],
    state: _State,
    picked: list[tuple[int, int]],
    deadline: float,
    workers: int,
) -> tuple[list[tuple[int, int]], bool]:
    """CP-SAT from the best start so far, for more meetings; never returns fewer than it was given."""
    from ortools.sat.python import cp_model

    model, choice = _build(problem, requests, state)
    chosen = set(picked)
    for key, var in choice.items():
        model.add_hint(var, 1 if key in chosen else 0)
    model.maximize(sum(choice.values()))
    if deadline - time.perf_counter() < 0.5:
        return picked, False
    solver = _solver(deadline - time.perf_counter(), workers)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) and solver.objective_value > len(picked):
        better = [key for key, var in choice.items() if solver.boolean_value(var)]
        return better, status == cp_model.OPTIMAL
    return picked, status == cp_model.OPTIMAL


def _pack(
    problem: Problem,
    requests: list[Request],
    state: _State,
    picked: list[tuple[int, int]],
    deadline: float,
    workers: int,
) -> list[tuple[int, int]]:
    """Phase two: the same number of meetings, in as few runs per person as the time allows."""
    from ortools.sat.python import cp_model

    model, choice = _build(problem, requests, state)
    model.add(sum(choice.values()) >= len(picked))
    chosen = set(picked)
    for key, var in choice.items():
        model.add_hint(var, 1 if key in chosen else 0)
    # Fewest runs first; among those, the earliest slots (the weight keeps the runs first).
    weight = problem.slots * len(picked) + 1
    starts = _blocks_objective(model, choice, requests, problem, state)
    lateness = sum(slot * var for (_request_id, slot), var in choice.items())
    model.minimize(weight * sum(starts) + lateness)
    if deadline - time.perf_counter() < 0.5:
        return picked
    solver = _solver(deadline - time.perf_counter() - 0.2, workers)
    status = solver.solve(model)
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return [key for key, var in choice.items() if solver.boolean_value(var)]
    return picked


def _finish(
    problem: Problem,
    requests: list[Request],
    picked: Iterable[tuple[int, int]],
    started: float,
    optimal: bool,
) -> Result:
    by_id = {request.id: request for request in requests}
    state = _State(problem)
    placed = []
    for request_id, slot in sorted(picked, key=lambda key: (key[1], key[0])):
        request = by_id[request_id]
        table = state.next_table(slot)
        state.take(request.first, request.second, slot, table)
        placed.append(Placed(request_id, request.first, request.second, slot, table))
    result = _result(problem, state, placed, started)
    result.optimal = optimal
    return result


def _result(problem: Problem, state: _State, placed: list[Placed], started: float) -> Result:
    done = {meeting.request for meeting in placed}
    unplaced = {r.id: state.reason(r) for r in _open_requests(problem) if r.id not in done}
    return Result(placed=placed, unplaced=unplaced, seconds=time.perf_counter() - started)
