"""The business meetings' scheduler: who meets whom, at which slot and table, with
OR-Tools CP-SAT. Plain data in, plain data out: no Django here, so that the bench
(bench/events_scheduler.py) and the tests call it directly.

Hard constraints:
- a participant has at most one meeting per slot, and none in a slot they declared
  unavailable (both parties must be available);
- a slot holds at most as many meetings as there are free tables;
- a pair meets at most once;
- meetings already confirmed (`Instance.fixed`) stay exactly where they are: only the
  open places (free tables, free participants) are optimised again after a late change.

Objective, lexicographic:
1. the fairness floor: maximise z, the smallest number of meetings among the
   participants who asked for any (a participant whose requests can reach only c < z
   meetings at all counts as satisfied at c);
2. with that floor kept, the total weight of the meetings: each request weighs by its
   priority (the first choice of N weighs N, the last 1), a mutual request weighs both
   ways plus a bonus of N, so mutual interest comes first.

Solved in three CP-SAT solves (see schedule()): who meets whom without slots (1, then 2
from 1's solution as a hint, so never worse), then a slot for each chosen pair; tables
are numbered last. Each solve has a time limit; when it runs out, the best solution
found so far is kept. bench/events_scheduler.py measures it (figures in bench/README.md).
"""

import time
from collections import defaultdict
from dataclasses import dataclass, field

from ortools.sat.python import cp_model


class SchedulerError(ValueError):
    """An instance the scheduler cannot take: `message` is French."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Request:
    requester: int
    target: int
    priority: int = 1  # 1 = first choice


@dataclass(frozen=True)
class Pair:
    a: int
    b: int
    weight: int
    mutual: bool


@dataclass(frozen=True)
class Meeting:
    a: int
    b: int
    slot: int
    table: int


@dataclass
class Instance:
    participants: list
    slots: int
    tables: int
    requests: list
    unavailable: dict = field(default_factory=dict)  # participant -> set of slots
    fixed: list = field(default_factory=list)  # [Meeting] kept as they are
    max_requests: int = 10

    def available(self, participant):
        return set(range(self.slots)) - set(self.unavailable.get(participant, ()))


@dataclass
class Result:
    meetings: list
    status: str  # "optimal", "feasible" (time limit reached) or "empty"
    floor: int  # the fairness floor reached (z)
    weight: int
    seconds: float
    phases: list = field(default_factory=list)

    def counts(self, participants):
        counts = dict.fromkeys(participants, 0)
        for m in self.meetings:
            counts[m.a] = counts.get(m.a, 0) + 1
            counts[m.b] = counts.get(m.b, 0) + 1
        return counts


def pairs_of(instance):
    """The requests as undirected pairs with their weight (see the module's docstring)."""
    n = max(1, instance.max_requests)
    by_pair = defaultdict(list)
    for r in instance.requests:
        if r.requester == r.target:
            raise SchedulerError(
                "Un participant ne peut pas demander un rendez-vous avec lui-même."
            )
        by_pair[(min(r.requester, r.target), max(r.requester, r.target))].append(r)
    pairs = []
    for (a, b), requests in sorted(by_pair.items()):
        weight = sum(max(1, n + 1 - max(1, r.priority)) for r in requests)
        mutual = len({r.requester for r in requests}) == 2
        pairs.append(Pair(a, b, weight + (n if mutual else 0), mutual))
    return pairs


def check(instance):
    if instance.slots < 1 or instance.tables < 1:
        raise SchedulerError("Il faut au moins un créneau et une table pour établir un planning.")
    known = set(instance.participants)
    for r in instance.requests:
        if r.requester not in known or r.target not in known:
            raise SchedulerError("Une demande vise un participant inconnu.")


def _open_cells(instance):
    """What the confirmed meetings leave: busy (participant, slot) and free tables per slot."""
    busy = set()
    used_tables = defaultdict(set)
    for m in instance.fixed:
        busy.update({(m.a, m.slot), (m.b, m.slot)})
        used_tables[m.slot].add(m.table)
    free_tables = {
        s: [t for t in range(instance.tables) if t not in used_tables[s]]
        for s in range(instance.slots)
    }
    return busy, free_tables


def _add_floor(model, instance, pairs, y, by_person, open_count):
    """The fairness floor z, over the participants who asked for any meeting; returns z."""
    fixed_count = defaultdict(int)
    for m in instance.fixed:
        fixed_count[m.a] += 1
        fixed_count[m.b] += 1
    requesters = sorted({r.requester for r in instance.requests})
    reach = {}
    for person in requesters:
        # The most meetings this person could have at all: their open pairs, their open slots.
        reach[person] = fixed_count[person] + min(
            len(by_person.get(person, ())), open_count.get(person, 0)
        )
    top = max(reach.values(), default=0)
    # z = b1 + ... + btop with b1 >= b2 >= ...: then min(z, c) = b1 + ... + bc, linear, so
    # that someone who can reach only c < z meetings counts as satisfied at c without
    # the min constraints that blunt the solver's linear relaxation.
    steps = [model.new_bool_var(f"floor>={k}") for k in range(1, top + 1)]
    for higher, lower in zip(steps[1:], steps, strict=False):
        model.add_implication(higher, lower)
    z = model.new_int_var(0, top, "floor")
    model.add(z == sum(steps))
    for person in requesters:
        count = sum(by_person.get(person, ())) + fixed_count[person]
        model.add(count >= sum(steps[: reach[person]]))
    return z


def _open_slots(instance, pairs, busy, free_tables):
    """{pair index: [slots where both are available, free, and a table is left]}, the
    pairs already met (fixed) left out."""
    fixed_pairs = {(min(m.a, m.b), max(m.a, m.b)) for m in instance.fixed}
    available = {p: instance.available(p) for p in instance.participants}
    open_slots = {}
    for index, pair in enumerate(pairs):
        if (pair.a, pair.b) in fixed_pairs:
            continue
        slots = [
            s
            for s in sorted(available[pair.a] & available[pair.b])
            if free_tables[s] and (pair.a, s) not in busy and (pair.b, s) not in busy
        ]
        if slots:
            open_slots[index] = slots
    return open_slots, available


def _solver(workers, seconds):
    solver = cp_model.CpSolver()
    # The machine is shared (and the web runs beside the task): two workers, not every core.
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    solver.parameters.max_time_in_seconds = max(0.5, seconds)
    return solver


def _select(instance, pairs, open_slots, busy, free_tables, available, *, deadline, workers):
    """Phases 1 and 2 on the relaxation without slots: which pairs meet, each participant
    in at most as many meetings as their open slots, at most as many meetings as free
    cells. Returns (chosen pair indexes, floor, phases, both phases optimal)."""
    model = cp_model.CpModel()
    y = {index: model.new_bool_var(f"y{index}") for index in open_slots}
    by_person = defaultdict(list)
    for index, var in y.items():
        by_person[pairs[index].a].append(var)
        by_person[pairs[index].b].append(var)
    open_count = {
        person: len([s for s in available[person] if (person, s) not in busy and free_tables[s]])
        for person in by_person
    }
    for person, variables in by_person.items():
        if len(variables) > open_count[person]:
            model.add(sum(variables) <= open_count[person])
    model.add(sum(y.values()) <= sum(len(tables) for tables in free_tables.values()))
    z = _add_floor(model, instance, pairs, y, by_person, open_count)
    for index, value in _warm_start(pairs, open_slots, busy, free_tables).items():
        model.add_hint(y[index], value)

    values, floor, phases, optimal = _floor_then_total(
        model, z, y, lambda index: pairs[index].weight, ("floor", "total"),
        deadline=deadline, workers=workers,
    )  # fmt: skip
    if values is None:
        raise SchedulerError(
            "Aucun planning n'a été trouvé dans le temps imparti : réessayez avec plus de temps."
        )
    return [index for index, value in values.items() if value], floor, phases, optimal


def _floor_then_total(model, z, variables, weight, names, *, deadline, workers):
    """The two solves of a phase: maximise the floor `z` (with 40 % of the time left),
    then, keeping that floor, the total `weight(key)` of the variables set, hinted with
    the first answer. Returns ({key: 0 or 1} — the first answer if the second finds
    none —, floor, phases, optimal); values None when the first solve finds nothing."""
    phases = []
    model.maximize(z)
    solver = _solver(workers, 0.4 * (deadline - time.monotonic()))
    status = solver.solve(model)
    phases.append((names[0], solver.status_name(status), round(solver.wall_time, 2)))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, None, phases, False
    floor = int(solver.value(z))
    first = {key: solver.value(var) for key, var in variables.items()}
    model.add(z >= floor)
    model.clear_hints()
    for key, var in variables.items():
        model.add_hint(var, first[key])
    model.maximize(sum(weight(key) * var for key, var in variables.items()))
    solver = _solver(workers, deadline - time.monotonic())
    status2 = solver.solve(model)
    phases.append((names[1], solver.status_name(status2), round(solver.wall_time, 2)))
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        values = {key: solver.value(var) for key, var in variables.items()}
    else:
        values = first
    return values, floor, phases, status == cp_model.OPTIMAL and status2 == cp_model.OPTIMAL


def _place(pairs, chosen, open_slots, free_tables, *, deadline, workers):
    """Phase 3: a slot for each chosen pair (at most one meeting per participant and slot,
    no more meetings than free tables). Usually every pair finds one; when not, the
    heaviest are kept. Returns ({pair index: slot}, phase)."""
    model = cp_model.CpModel()
    x = {
        (index, s): model.new_bool_var(f"x{index}_{s}")
        for index in chosen
        for s in open_slots[index]
    }
    by_pair, by_person_slot, by_slot = defaultdict(list), defaultdict(list), defaultdict(list)
    for (index, s), var in x.items():
        by_pair[index].append(var)
        by_person_slot[pairs[index].a, s].append(var)
        by_person_slot[pairs[index].b, s].append(var)
        by_slot[s].append(var)
    for variables in by_pair.values():
        model.add_exactly_one(variables)
    for variables in by_person_slot.values():
        model.add_at_most_one(variables)
    for s, variables in by_slot.items():
        if len(variables) > len(free_tables[s]):
            model.add(sum(variables) <= len(free_tables[s]))
    # First fit, fewest open slots first, as the starting point the solver repairs.
    taken, used = set(), defaultdict(int)
    for index in sorted(chosen, key=lambda i: (len(open_slots[i]), i)):
        pair = pairs[index]
        for s in open_slots[index]:
            free = (pair.a, s) not in taken and (pair.b, s) not in taken
            if free and used[s] < len(free_tables[s]):
                model.add_hint(x[index, s], 1)
                taken |= {(pair.a, s), (pair.b, s)}
                used[s] += 1
                break
    # Every chosen pair placed: a feasibility problem, no objective.
    solver = _solver(workers, deadline - time.monotonic())
    status = solver.solve(model)
    phase = ("slots", solver.status_name(status), round(solver.wall_time, 2))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return {}, phase
    return {index: s for (index, s), var in x.items() if solver.value(var)}, phase


def _full(instance, pairs, open_slots, busy, free_tables, available, hint, *, deadline, workers):
    """The model with slots, when phase 3 could not place every chosen pair (tables so
    few that the relaxation is loose): the floor, then the weighted total, a variable per
    pair and open slot, started from phase 3's schedule. Returns (placed, floor, phases,
    optimal)."""
    model = cp_model.CpModel()
    x = {
        (index, s): model.new_bool_var(f"x{index}_{s}")
        for index in open_slots
        for s in open_slots[index]
    }
    by_pair, by_person_slot, by_slot = defaultdict(list), defaultdict(list), defaultdict(list)
    by_person = defaultdict(list)
    for (index, s), var in x.items():
        pair = pairs[index]
        by_pair[index].append(var)
        by_person_slot[pair.a, s].append(var)
        by_person_slot[pair.b, s].append(var)
        by_slot[s].append(var)
        by_person[pair.a].append(var)
        by_person[pair.b].append(var)
    for group in (by_pair, by_person_slot):
        for variables in group.values():
            model.add_at_most_one(variables)
    for s, variables in by_slot.items():
        model.add(sum(variables) <= len(free_tables[s]))
    open_count = {
        person: len([s for s in available[person] if (person, s) not in busy and free_tables[s]])
        for person in by_person
    }
    z = _add_floor(model, instance, pairs, x, by_person, open_count)
    for key, var in x.items():
        model.add_hint(var, int(hint.get(key[0]) == key[1]))
    values, floor, phases, optimal = _floor_then_total(
        model, z, x, lambda key: pairs[key[0]].weight, ("floor with slots", "total with slots"),
        deadline=deadline, workers=workers,
    )  # fmt: skip
    if values is None:
        return None
    placed = {index: s for (index, s), value in values.items() if value}
    return placed, floor, phases, optimal


def schedule(instance, *, time_limit=20.0, workers=2, progress=None):
    """Solve `instance`; returns a Result whose meetings include the fixed ones.
    `progress(fraction, message)` is called between phases (from this thread).

    Tables are interchangeable and, but for unavailabilities, so are slots: a model with
    a variable per pair, slot and table would spend its time on symmetric copies of the
    same schedule. So the solver first chooses who meets whom on the relaxation without
    slots (phases 1 and 2: the floor, then the weighted total), then gives each chosen
    pair a slot (phase 3), and tables are numbered last, per slot. When phase 3 places
    every chosen pair — the usual case — the schedule is optimal for the full problem,
    since the relaxation's optimum bounds it."""
    started = time.monotonic()
    deadline = started + time_limit
    check(instance)
    report = progress or (lambda fraction, message: None)
    pairs = pairs_of(instance)
    busy, free_tables = _open_cells(instance)
    open_slots, available = _open_slots(instance, pairs, busy, free_tables)
    report(0.05, "Préparation du modèle")
    if not open_slots:
        return Result(list(instance.fixed), "empty", 0, 0, time.monotonic() - started)

    # Phases 1 and 2 get half the time, placing is quick; the rest is for the fallback.
    chosen, floor, phases, optimal = _select(
        instance,
        pairs,
        open_slots,
        busy,
        free_tables,
        available,
        deadline=started + 0.5 * time_limit,
        workers=workers,
    )
    report(0.6, f"Plancher d'équité atteint : {floor} rendez-vous au moins par demandeur")
    placed, phase = _place(
        pairs, chosen, open_slots, free_tables, deadline=deadline, workers=workers
    )
    phases.append(phase)
    if len(placed) < len(chosen):
        # The relaxation chose more than the slots can hold: solve with slots, from there.
        found = _full(
            instance,
            pairs,
            open_slots,
            busy,
            free_tables,
            available,
            placed,
            deadline=deadline,
            workers=workers,
        )
        if found is not None:
            placed, floor, more, optimal = found
            phases += more
        else:
            optimal, floor = False, _reached_floor(instance, pairs, placed)
    report(0.9, "Attribution des tables")

    meetings = list(instance.fixed)
    tables_left = {s: list(free_tables[s]) for s in free_tables}
    for index, s in sorted(placed.items(), key=lambda item: (item[1], item[0])):
        pair = pairs[index]
        meetings.append(Meeting(pair.a, pair.b, s, tables_left[s].pop(0)))
    result = Result(
        meetings,
        "optimal" if optimal else "feasible",
        floor,
        sum(pairs[index].weight for index in placed),
        time.monotonic() - started,
        phases,
    )
    report(1.0, "Planning établi")
    return result


def _reached_floor(instance, pairs, placed):
    counts = defaultdict(int)
    for m in instance.fixed:
        counts[m.a] += 1
        counts[m.b] += 1
    for index in placed:
        counts[pairs[index].a] += 1
        counts[pairs[index].b] += 1
    return min((counts[r.requester] for r in instance.requests), default=0)


def _warm_start(pairs, open_slots, busy, free_tables):
    """Heaviest pairs first, each at its first open slot: {pair index: 0 or 1}, a first
    feasible choice as the solver's starting point (a hint only, never the answer)."""
    taken = set(busy)
    used = defaultdict(int)
    hint = dict.fromkeys(open_slots, 0)
    for index in sorted(open_slots, key=lambda i: -pairs[i].weight):
        pair = pairs[index]
        for s in open_slots[index]:
            if (
                (pair.a, s) not in taken
                and (pair.b, s) not in taken
                and used[s] < len(free_tables[s])
            ):
                hint[index] = 1
                taken |= {(pair.a, s), (pair.b, s)}
                used[s] += 1
                break
    return hint


def validate(instance, meetings):
    """The hard constraints, checked on a finished schedule: a list of French problems."""
    problems = []
    seen_person_slot = set()
    seen_table = set()
    seen_pairs = set()
    for m in meetings:
        for person in (m.a, m.b):
            if (person, m.slot) in seen_person_slot:
                problems.append(
                    f"Le participant {person} a deux rendez-vous au créneau {m.slot + 1}."
                )
            seen_person_slot.add((person, m.slot))
            if m.slot in instance.unavailable.get(person, ()):
                problems.append(
                    f"Le participant {person} est indisponible au créneau {m.slot + 1}."
                )
        if (m.slot, m.table) in seen_table:
            problems.append(f"La table {m.table + 1} est prise deux fois au créneau {m.slot + 1}.")
        seen_table.add((m.slot, m.table))
        if not (0 <= m.table < instance.tables and 0 <= m.slot < instance.slots):
            problems.append("Un rendez-vous est hors de la grille.")
        key = (min(m.a, m.b), max(m.a, m.b))
        if key in seen_pairs:
            problems.append("Une paire se rencontre deux fois.")
        seen_pairs.add(key)
    return problems
