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

Objective, lexicographic, in two CP-SAT solves:
1. the fairness floor: maximise z, the smallest number of meetings among the
   participants who asked for any (a participant whose requests can reach only c < z
   meetings at all counts as satisfied at c);
2. with that floor kept, the total weight of the meetings: each request weighs by its
   priority (the first choice of N weighs N, the last 1), a mutual request weighs both
   ways plus a bonus of N, so mutual interest comes first.
Each solve has a time limit; when it runs out, the best solution found so far is kept
(the second solve starts from the first one's solution as a hint, so it is never worse).
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


def _add_hard_constraints(model, pairs, x, free_tables):
    """One meeting per pair, per participant and slot; no more meetings than free tables."""
    by_pair = defaultdict(list)
    by_person_slot = defaultdict(list)
    by_slot = defaultdict(list)
    by_person = defaultdict(list)
    for (index, s), var in x.items():
        pair = pairs[index]
        by_pair[index].append(var)
        by_person_slot[pair.a, s].append(var)
        by_person_slot[pair.b, s].append(var)
        by_slot[s].append(var)
        by_person[pair.a].append(var)
        by_person[pair.b].append(var)
    for variables in by_pair.values():
        model.add_at_most_one(variables)
    for variables in by_person_slot.values():
        model.add_at_most_one(variables)
    for s, variables in by_slot.items():
        model.add(sum(variables) <= len(free_tables[s]))
    return by_person


def _add_floor(model, instance, pairs, x, by_person, busy, available):
    """The fairness floor z, over the participants who asked for any meeting; returns z."""
    fixed_count = defaultdict(int)
    for m in instance.fixed:
        fixed_count[m.a] += 1
        fixed_count[m.b] += 1
    requesters = sorted({r.requester for r in instance.requests})
    placeable = defaultdict(set)
    for index, _s in x:
        placeable[pairs[index].a].add(index)
        placeable[pairs[index].b].add(index)
    reach = {}
    for person in requesters:
        # The most meetings this person could have at all: their placeable pairs, their free slots.
        free_slots = len([s for s in available[person] if (person, s) not in busy])
        reach[person] = fixed_count[person] + min(len(placeable[person]), free_slots)
    top = max(reach.values(), default=0)
    z = model.new_int_var(0, top, "floor")
    for person in requesters:
        count = sum(by_person[person]) + fixed_count[person]
        if reach[person] >= top:
            model.add(count >= z)
        else:
            capped = model.new_int_var(0, reach[person], f"floor_{person}")
            model.add_min_equality(capped, [z, reach[person]])
            model.add(count >= capped)
    return z


def schedule(instance, *, time_limit=20.0, workers=2, progress=None):
    """Solve `instance`; returns a Result whose meetings include the fixed ones.
    `progress(fraction, message)` is called between phases (from this thread)."""
    started = time.monotonic()
    check(instance)
    report = progress or (lambda fraction, message: None)
    pairs = pairs_of(instance)
    fixed_pairs = {(min(m.a, m.b), max(m.a, m.b)) for m in instance.fixed}
    busy, free_tables = _open_cells(instance)
    available = {p: instance.available(p) for p in instance.participants}
    report(0.05, "Préparation du modèle")

    model = cp_model.CpModel()
    x = {}  # (pair index, slot) -> bool
    for index, pair in enumerate(pairs):
        if (pair.a, pair.b) in fixed_pairs:
            continue
        for s in available[pair.a] & available[pair.b]:
            if free_tables[s] and (pair.a, s) not in busy and (pair.b, s) not in busy:
                x[index, s] = model.new_bool_var(f"x{index}_{s}")
    by_person = _add_hard_constraints(model, pairs, x, free_tables)
    z = _add_floor(model, instance, pairs, x, by_person, busy, available)

    phases = []
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = 7
    if not x:
        return Result(list(instance.fixed), "empty", 0, 0, time.monotonic() - started)

    # A first feasible schedule as the solver's starting point (a hint only: CP-SAT
    # repairs and improves it; it is never the answer by itself).
    for key, value in _warm_start(instance, pairs, x, busy, free_tables).items():
        model.add_hint(x[key], value)

    # Phase 1: the floor.
    model.maximize(z)
    solver.parameters.max_time_in_seconds = max(0.5, time_limit * 0.35)
    status = solver.solve(model)
    phases.append(("floor", solver.status_name(status), solver.wall_time))
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise SchedulerError(
            "Aucun planning n'a été trouvé dans le temps imparti : réessayez avec plus de temps."
        )
    floor = int(solver.value(z))
    first = {key: solver.value(var) for key, var in x.items()}
    report(0.45, f"Plancher d'équité atteint : {floor} rendez-vous au moins par demandeur")

    # Phase 2: the weighted total, the floor kept.
    model.add(z >= floor)
    model.clear_hints()
    for key, var in x.items():
        model.add_hint(var, first[key])
    model.maximize(sum(pairs[index].weight * var for (index, _s), var in x.items()))
    remaining = time_limit - (time.monotonic() - started)
    solver.parameters.max_time_in_seconds = max(0.5, remaining)
    status2 = solver.solve(model)
    phases.append(("total", solver.status_name(status2), solver.wall_time))
    if status2 in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        chosen = {key for key, var in x.items() if solver.value(var)}
        optimal = status == cp_model.OPTIMAL and status2 == cp_model.OPTIMAL
    else:
        chosen = {key for key, value in first.items() if value}
        optimal = False
    report(0.9, "Attribution des tables")

    meetings = list(instance.fixed)
    tables_left = {s: list(free_tables[s]) for s in free_tables}
    for index, s in sorted(chosen, key=lambda key: (key[1], key[0])):
        pair = pairs[index]
        meetings.append(Meeting(pair.a, pair.b, s, tables_left[s].pop(0)))
    weight = sum(pairs[index].weight for index, _ in chosen)
    result = Result(
        meetings,
        "optimal" if optimal else "feasible",
        floor,
        weight,
        time.monotonic() - started,
        phases,
    )
    report(1.0, "Planning établi")
    return result


def _warm_start(instance, pairs, x, busy, free_tables):
    """Heaviest pairs first, each at its first open slot: {variable key: 0 or 1}."""
    slots_of = defaultdict(list)
    for index, s in x:
        slots_of[index].append(s)
    taken = set(busy)
    used = defaultdict(int)
    hint = dict.fromkeys(x, 0)
    for index in sorted(slots_of, key=lambda i: -pairs[i].weight):
        pair = pairs[index]
        for s in sorted(slots_of[index]):
            if (
                (pair.a, s) not in taken
                and (pair.b, s) not in taken
                and used[s] < len(free_tables[s])
            ):
                hint[index, s] = 1
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
