"""The employer-group (GE) helper: from open shared-job needs, propose groupings into one
job that a groupement d'employeurs could carry.

A job groups two needs or more that
- share the same family of trade (the need's category: « administratif et comptabilité »,
  « animation »…): compatible skills;
- fix no weekday twice and add up to at most 5 days a week (MAX_DAYS_PER_WEEK);
- have their workplaces at most `travel_km` apart, pairwise (the employee goes from one
  to the other).

The problem is a set packing: CP-SAT (OR-Tools) assigns each need to at most one job
slot, with the constraints above as clauses over pairs, and maximises the half-days
covered, then the fewest jobs (fuller jobs). The greedy grouping of each component is
given as a hint, and kept when the solver finds nothing better in its time. It is solved per connected component of
the compatibility graph (needs of one family within reach of each other), which keeps
each model small; `limit_s` bounds the whole run. Limits: a component that the solver
does not close within its share of the time keeps the best solution found (`optimal`
is then False for the run); distances are straight lines between the communes' centres,
not travel times; a need without a commune position is never grouped.

greedy_grouping() is the simple baseline the bench compares with (bench/
cooperation_grouping.py): needs by decreasing days, each put in the first job it fits.
"""

import math
import time
from dataclasses import dataclass, field

from essor.territories.areas import distance_km

from .enums import Weekday
from .kinds import MAX_DAYS_PER_WEEK

DEFAULT_TRAVEL_KM = 40
DAY_LABELS = dict(Weekday.choices)


@dataclass(frozen=True)
class JobNeed:
    """What the helper needs of a shared-job need (plain data: benches build thousands)."""

    key: object
    family: str
    half_days: int  # days per week × 2
    days: frozenset  # fixed weekdays, empty when flexible
    latitude: float | None
    longitude: float | None
    label: str = ""

    @classmethod
    def of(cls, listing):
        return cls(
            key=listing.pk,
            family=listing.category,
            half_days=round(float(listing.details.get("days_per_week", 0)) * 2),
            days=frozenset(listing.details.get("days") or ()),
            latitude=listing.latitude,
            longitude=listing.longitude,
            label=f"{listing.organisation.name} — {listing.title}",
        )


@dataclass
class Grouping:
    jobs: list = field(default_factory=list)  # [[JobNeed]]
    refused: dict = field(default_factory=dict)  # key -> French reason
    optimal: bool = True
    seconds: float = 0.0

    @property
    def half_days_covered(self):
        return sum(n.half_days for job in self.jobs for n in job)

    @property
    def days_covered(self):
        return self.half_days_covered / 2


def _km(a, b):
    return distance_km(a.latitude, a.longitude, b.latitude, b.longitude)


def compatible(a, b, travel_km):
    """None when two needs may share a job, else why not (French)."""
    if a.family != b.family:
        return "métiers différents"
    if a.latitude is None or b.latitude is None:
        return "lieu de travail inconnu"
    if _km(a, b) > travel_km:
        return f"lieux de travail à {round(_km(a, b))} km (plus de {travel_km} km)"
    clash = a.days & b.days
    if clash:
        return "mêmes jours (" + ", ".join(DAY_LABELS.get(d, d) for d in sorted(clash)) + ")"
    if a.half_days + b.half_days > MAX_DAYS_PER_WEEK * 2:
        return "plus de 5 jours par semaine à eux deux"
    return None


def _cell(need, travel_km):
    return (
        math.floor(need.latitude * 111.2 / travel_km),
        math.floor(need.longitude * 111.2 * math.cos(math.radians(need.latitude)) / travel_km),
    )


def _link_family(needs, indexes, travel_km, adjacency):
    """Add to `adjacency` the compatible pairs of one family: a grid of cells of
    travel_km, only neighbouring cells compared."""
    cells = {}
    for i in indexes:
        if needs[i].latitude is not None:
            cells.setdefault(_cell(needs[i], travel_km), []).append(i)
    for (cy, cx), members in cells.items():
        neighbours = [
            j for dy in (-1, 0, 1) for dx in (-1, 0, 1) for j in cells.get((cy + dy, cx + dx), ())
        ]
        for j in neighbours:
            for i in members:
                if i < j and compatible(needs[i], needs[j], travel_km) is None:
                    adjacency[i].add(j)
                    adjacency[j].add(i)


def _components(needs, travel_km):
    """Connected components of the compatibility graph, with its adjacency."""
    by_family = {}
    for index, need in enumerate(needs):
        by_family.setdefault(need.family, []).append(index)
    adjacency = {i: set() for i in range(len(needs))}
    for indexes in by_family.values():
        _link_family(needs, indexes, travel_km, adjacency)
    seen, components = set(), []
    for start in range(len(needs)):
        if start in seen or not adjacency[start]:
            continue
        stack, component = [start], []
        seen.add(start)
        while stack:
            i = stack.pop()
            component.append(i)
            for j in adjacency[i]:
                if j not in seen:
                    seen.add(j)
                    stack.append(j)
        components.append(sorted(component))
    return components, adjacency


def _solve_component(needs, members, adjacency, seconds, hint):
    """[[index]] of the jobs of one component, and whether it is proven optimal. `hint`
    ([[index]], the greedy jobs) starts the search: the solver keeps it when it finds
    nothing better in its time."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    # The greedy jobs and a few more: room to regroup without a model of n/2 slots.
    slots = range(max(1, min(len(members) // 2, len(hint) + 2 + len(members) // 10)))
    x = {(i, s): model.NewBoolVar(f"x{i}_{s}") for i in members for s in slots}
    used = [model.NewBoolVar(f"u{s}") for s in slots]
    for i in members:
        model.AddAtMostOne(x[i, s] for s in slots)
    conflicts = [(i, j) for i in members for j in members if i < j and j not in adjacency[i]]
    for s in slots:
        model.Add(sum(needs[i].half_days * x[i, s] for i in members) <= MAX_DAYS_PER_WEEK * 2)
        model.Add(sum(x[i, s] for i in members) >= 2).OnlyEnforceIf(used[s])
        for i in members:
            model.AddImplication(x[i, s], used[s])
        for i, j in conflicts:
            model.AddBoolOr([x[i, s].Not(), x[j, s].Not()])
        if s:
            model.AddImplication(used[s], used[s - 1])  # symmetry: jobs in order
    hinted = {i: s for s, job in enumerate(hint) for i in job}
    for (i, s), var in x.items():
        model.AddHint(var, hinted.get(i) == s)
    for s in slots:
        model.AddHint(used[s], s < len(hint))
    model.Maximize(
        sum(100 * needs[i].half_days * x[i, s] for i in members for s in slots) - sum(used)
    )
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = max(seconds, 0.05)
    solver.parameters.num_workers = 2
    status = solver.Solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return hint, False
    jobs = []
    for s in slots:
        job = [i for i in members if solver.Value(x[i, s])]
        if len(job) >= 2:
            jobs.append(job)
    covered = sum(needs[i].half_days for job in jobs for i in job)
    if covered < sum(needs[i].half_days for job in hint for i in job):
        return hint, False
    return jobs, status == cp_model.OPTIMAL


def _greedy_jobs(needs, members, travel_km):
    """The greedy grouping of one component, as [[index]] of jobs of two needs or more."""
    jobs = []
    for i in sorted(members, key=lambda i: -needs[i].half_days):
        for job in jobs:
            if sum(needs[j].half_days for j in job) + needs[i].half_days <= (
                MAX_DAYS_PER_WEEK * 2
            ) and all(compatible(needs[i], needs[j], travel_km) is None for j in job):
                job.append(i)
                break
        else:
            jobs.append([i])
    return [job for job in jobs if len(job) >= 2]


def _refusal(need, needs, travel_km):
    """Why a need was not grouped, from its best chance with any other."""
    if need.half_days >= MAX_DAYS_PER_WEEK * 2:
        return "Ce besoin occupe déjà 5 jours par semaine : c'est un emploi à lui seul."
    if need.latitude is None:
        return "Le lieu de travail de ce besoin est inconnu."
    same = [o for o in needs if o is not need and o.family == need.family]
    if not same:
        return "Aucun autre besoin ouvert ne demande ce métier."
    near = [o for o in same if _km(need, o) <= travel_km]
    if not near:
        nearest = min(_km(need, o) for o in same)
        return (
            f"Le besoin du même métier le plus proche est à {round(nearest)} km : "
            f"au-delà de la limite de {travel_km} km entre deux lieux de travail."
        )
    reasons = [compatible(need, o, travel_km) for o in near]
    if all(reasons):
        return (
            "Avec chacun des besoins du même métier à proximité : "
            + "; ".join(sorted(set(reasons)))
            + "."
        )
    return (
        "Les besoins compatibles ont été regroupés autrement : ces groupements couvrent "
        "plus de jours en tout."
    )


def group_needs(needs, *, travel_km=DEFAULT_TRAVEL_KM, limit_s=25.0):
    """A Grouping of `needs` ([JobNeed]) into jobs, with a reason for each need left out."""
    started = time.perf_counter()
    needs = list(needs)
    components, adjacency = _components(needs, travel_km)
    result = Grouping()
    total = sum(len(c) for c in components) or 1
    for component in sorted(components, key=len):
        remaining = limit_s - (time.perf_counter() - started)
        share = remaining * len(component) / total
        hint = _greedy_jobs(needs, component, travel_km)
        if remaining < 0.2:  # out of time: the greedy jobs stand
            jobs, optimal = hint, False
        else:
            jobs, optimal = _solve_component(needs, component, adjacency, share, hint)
        total -= len(component)
        result.optimal &= optimal
        result.jobs += [[needs[i] for i in job] for job in jobs]
    grouped = {n.key for job in result.jobs for n in job}
    for need in needs:
        if need.key not in grouped:
            result.refused[need.key] = _refusal(need, needs, travel_km)
    result.seconds = time.perf_counter() - started
    return result


def greedy_grouping(needs, *, travel_km=DEFAULT_TRAVEL_KM):
    """The baseline: needs by decreasing days, each into the first job it fits."""
    started = time.perf_counter()
    needs = list(needs)
    jobs = _greedy_jobs(needs, range(len(needs)), travel_km)
    result = Grouping(jobs=[[needs[i] for i in job] for job in jobs])
    result.seconds = time.perf_counter() - started
    return result
