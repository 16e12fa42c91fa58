"""Statistical secrecy, as plain functions over cells held in memory during a refresh.

Primary secrecy masks a cell that describes too few establishments, or in which one
establishment weighs too much:
- fewer than 3 establishments (frequency rule);
- one establishment holds more than 85 % of the cell's estimated employees (dominance
  rule, computed from each cell's largest single establishment).

Secondary secrecy makes sure that a masked cell cannot be recovered by subtraction.
The tables are additive: a territory's total is the sum of its families (of its
sectors, of its size bands), a family is the sum of its family × sector cells, a région
the sum of its départements, a département and an EPCI the sum of their communes, a
year the sum of its months. For each such group (a total and its parts), if exactly
one of its cells is masked, the smallest published part is masked too (or, when every
part is already masked, the total). Masking a cell may break another group it belongs
to, so the rule is applied until no group changes. This is the usual heuristic of
statistical offices for linked tables (not an optimal suppression): with at least two
unknowns in every additive relation, no single masked value can be read off a sum."""

from collections import defaultdict, deque

from .enums import Secrecy

MIN_ESTABLISHMENTS = 3
DOMINANCE_SHARE = 0.85


def primary_secrecy(establishments, employees=0, largest=0):
    """The reason why a cell must be masked on its own, or "" when it can be published.

    An empty cell (0) is not secret: it says nothing about any establishment."""
    if 0 < establishments < MIN_ESTABLISHMENTS:
        return Secrecy.FREQUENCY
    if employees and largest > DOMINANCE_SHARE * employees:
        return Secrecy.DOMINANCE
    return Secrecy.PUBLISHED


def apply_secondary_secrecy(secrecy, groups, size):
    """Mask cells until no additive group has exactly one masked cell.

    `secrecy`: {key: reason} for every cell, "" when published; updated in place (new
    masks get Secrecy.SECONDARY). `groups`: iterable of (total_key, [part_keys]); keys
    missing from `secrecy` (empty cells) are ignored. `size(key)`: a sort key, the
    smallest part is masked first; parts of size 0 are masked only as a last resort
    (masking a known zero protects little). Returns the set of keys masked here."""
    groups = [
        (total, [p for p in parts if p in secrecy]) for total, parts in groups if total in secrecy
    ]
    groups_of = defaultdict(list)
    for index, (total, parts) in enumerate(groups):
        groups_of[total].append(index)
        for part in parts:
            groups_of[part].append(index)

    added = set()
    queue = deque(range(len(groups)))
    queued = set(queue)
    while queue:
        index = queue.popleft()
        queued.discard(index)
        total, parts = groups[index]
        masked = sum(1 for key in (total, *parts) if secrecy[key])
        if masked != 1:
            continue
        candidates = [p for p in parts if not secrecy[p]]
        if candidates:
            nonzero = [p for p in candidates if not _is_zero(size(p))]
            chosen = min(nonzero or candidates, key=size)
        else:
            chosen = total
        secrecy[chosen] = Secrecy.SECONDARY
        added.add(chosen)
        for other in groups_of[chosen]:
            if other not in queued:
                queue.append(other)
                queued.add(other)
    return added


def _is_zero(size_key):
    first = size_key[0] if isinstance(size_key, tuple) else size_key
    return not first


def recoverable_groups(secrecy, groups):
    """The groups in which exactly one cell is masked (there should be none): what a
    reader could recover by subtraction. Used by tests and by the refresh's own check."""
    found = []
    for total, parts in groups:
        if total not in secrecy:
            continue
        members = [total, *(p for p in parts if p in secrecy)]
        if sum(1 for key in members if secrecy[key]) == 1:
            found.append((total, parts))
    return found
