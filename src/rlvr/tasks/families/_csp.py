"""A small finite-domain constraint solver for the grid families.

Domains are bitmasks (bit k set = value k still possible), so copying a state is a
list copy and most tests are single integer operations. Constraints propagate to a
fixpoint after every decision; search picks the variable with the fewest values
left. The solver counts solutions up to a limit (2 proves uniqueness) and stops at a
node limit so every generation step is bounded.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

# A propagator narrows `dom` in place and returns the variables it changed,
# or None when the constraint can no longer be satisfied.
Propagator = Callable[[list[int]], "list[int] | None"]


@lru_cache(maxsize=4096)
def _patterns(lines: tuple[tuple[int, ...], ...]) -> frozenset[int]:
    return frozenset(sum(v << i for i, v in enumerate(line)) for line in lines)


@lru_cache(maxsize=1024)
def _bit_rows(tuples: tuple[tuple[int, ...], ...]) -> tuple[tuple[tuple[int, ...], ...], dict]:
    """A table as per-position value bits, with a memo of supports by domain state."""
    return tuple(tuple(1 << v for v in t) for t in tuples), {}


class NodeLimitReached(Exception):
    """The search used its node budget before it could decide."""


def lowest(mask: int) -> int:
    """The smallest value in a non-empty domain."""
    return (mask & -mask).bit_length() - 1


def highest(mask: int) -> int:
    """The largest value in a non-empty domain."""
    return mask.bit_length() - 1


def values_of(mask: int) -> list[int]:
    """The values in a domain, ascending."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out


def span(lo: int, hi: int) -> int:
    """The domain {lo, ..., hi} (empty when lo > hi); negative lo is clipped to 0."""
    lo = max(lo, 0)
    if hi < lo:
        return 0
    return ((1 << (hi + 1)) - 1) ^ ((1 << lo) - 1)


@dataclass
class Outcome:
    """Solutions found (as value lists), nodes used, and whether the search finished."""

    solutions: list[list[int]] = field(default_factory=list)
    nodes: int = 0
    complete: bool = True


class Model:
    """Variables with bitmask domains and the constraints between them."""

    def __init__(self, domains: Sequence[int]) -> None:
        self.domains = list(domains)
        self.propagators: list[Propagator] = []
        self.watchers: list[list[int]] = [[] for _ in self.domains]
        self.final_checks: list[Callable[[list[int]], bool]] = []

    def add(self, variables: Sequence[int], propagator: Propagator) -> None:
        """Attach a propagator woken whenever one of `variables` changes."""
        index = len(self.propagators)
        self.propagators.append(propagator)
        for var in set(variables):
            self.watchers[var].append(index)

    def accept_if(self, check: Callable[[list[int]], bool]) -> None:
        """A rule tested only on complete assignments (cheap to state, weak to propagate)."""
        self.final_checks.append(check)

    def fix(self, var: int, value: int) -> None:
        """Restrict a variable to one value (a given)."""
        self.domains[var] &= 1 << value

    # Constraint builders ---------------------------------------------------

    def linear(self, variables: Sequence[int], weights: Sequence[int], lo: int, hi: int) -> None:
        """lo <= sum(weight * value) <= hi, weights positive (bounds propagation)."""
        pairs = list(zip(variables, weights))

        def propagate(dom: list[int]) -> list[int] | None:
            total_min = total_max = 0
            for var, weight in pairs:
                d = dom[var]
                total_min += weight * ((d & -d).bit_length() - 1)
                total_max += weight * (d.bit_length() - 1)
            if total_min > hi or total_max < lo:
                return None
            if total_max <= hi and total_min >= lo:
                return []
            changed = []
            for var, weight in pairs:
                d = dom[var]
                vmin = (d & -d).bit_length() - 1
                vmax = d.bit_length() - 1
                if vmin == vmax:
                    continue
                # the value range this variable can take given everyone else's bounds
                upper = (hi - (total_min - weight * vmin)) // weight
                lower = -((-(lo - (total_max - weight * vmax))) // weight)
                narrowed = d & span(lower, upper)
                if narrowed != d:
                    if not narrowed:
                        return None
                    dom[var] = narrowed
                    changed.append(var)
            return changed

        self.add(variables, propagate)

    def count(self, variables: Sequence[int], lo: int, hi: int) -> None:
        """lo <= number of 0/1 variables equal to 1 <= hi."""
        cells = list(variables)

        def propagate(dom: list[int]) -> list[int] | None:
            ones = 0
            free = []
            for var in cells:
                d = dom[var]
                if d == 2:
                    ones += 1
                elif d == 3:
                    free.append(var)
            if ones > hi or ones + len(free) < lo:
                return None
            if not free:
                return []
            if ones == hi:
                for var in free:
                    dom[var] = 1
                return free
            if ones + len(free) == lo:
                for var in free:
                    dom[var] = 2
                return free
            return []

        self.add(cells, propagate)

    def all_different(self, variables: Sequence[int], permutation: bool = False) -> None:
        """Pairwise different values; with `permutation`, every value of the union is used."""
        cells = list(variables)

        def propagate(dom: list[int]) -> list[int] | None:
            changed = []
            seen = 0
            done = set()
            again = True
            while again:
                again = False
                for var in cells:
                    d = dom[var]
                    if d & (d - 1) == 0 and var not in done:
                        if seen & d:
                            return None
                        seen |= d
                        done.add(var)
                        for other in cells:
                            od = dom[other]
                            if other != var and od & d:
                                od &= ~d
                                if not od:
                                    return None
                                dom[other] = od
                                changed.append(other)
                                if od & (od - 1) == 0:
                                    again = True
            if permutation:
                union = 0
                for var in cells:
                    union |= dom[var]
                if union.bit_count() < len(cells):
                    return None
                for value in values_of(union & ~seen):
                    bit = 1 << value
                    holders = [var for var in cells if dom[var] & bit]
                    if len(holders) == 1 and dom[holders[0]] != bit:
                        dom[holders[0]] = bit
                        changed.append(holders[0])
            return changed

        self.add(cells, propagate)

    def table(self, variables: Sequence[int], tuples: Sequence[Sequence[int]]) -> None:
        """The variables take one of the listed value tuples (generalised arc consistency)."""
        cells = list(variables)
        rows, memo = _bit_rows(tuple(map(tuple, tuples)))
        width = len(cells)

        def supports(current: tuple[int, ...]) -> list[int]:
            support = [0] * width
            for row in rows:
                for i in range(width):
                    if not current[i] & row[i]:
                        break
                else:
                    for i in range(width):
                        support[i] |= row[i]
            return support

        big = len(rows) * width > 256

        def propagate(dom: list[int]) -> list[int] | None:
            current = tuple([dom[var] for var in cells])
            if big:
                # the same domains recur across searches and refinement rounds; the memo
                # lives with the (cached) table, so every model using the table shares it
                support = memo.get(current)
                if support is None:
                    if len(memo) > 4_000:
                        memo.clear()
                    support = memo[current] = supports(current)
            else:
                support = supports(current)
            changed = []
            for i, var in enumerate(cells):
                narrowed = current[i] & support[i]
                if narrowed != current[i]:
                    if not narrowed:
                        return None
                    dom[var] = narrowed
                    changed.append(var)
            return changed

        self.add(cells, propagate)

    def line_table(self, variables: Sequence[int], lines: Sequence[Sequence[int]]) -> None:
        """0/1 variables that must spell one of `lines` (a table constraint on bit patterns).

        Much faster than `table` for 0/1 lines: each allowed line is one integer, and a
        line fits the current domains when it has no 1 where a 0 is forced and every
        forced 1 set.
        """
        cells = list(variables)
        patterns = _patterns(tuple(map(tuple, lines)))
        width = len(cells)
        every = (1 << width) - 1

        def propagate(dom: list[int]) -> list[int] | None:
            ones = zeros = 0
            for i, var in enumerate(cells):
                d = dom[var]
                if d == 2:
                    ones |= 1 << i
                elif d == 1:
                    zeros |= 1 << i
            known = ones | zeros
            if known == every:
                return [] if ones in patterns else None
            must, may = every, 0
            for pattern in patterns:
                if pattern & zeros or pattern & ones != ones:
                    continue
                must &= pattern
                may |= pattern
            if not may and must == every:
                return None
            changed = []
            free = every & ~known
            newly_one = must & free
            newly_zero = free & ~may
            if newly_one or newly_zero:
                for i, var in enumerate(cells):
                    bit = 1 << i
                    if newly_one & bit:
                        dom[var] = 2
                        changed.append(var)
                    elif newly_zero & bit:
                        dom[var] = 1
                        changed.append(var)
            return changed

        self.add(cells, propagate)

    # Search ------------------------------------------------------------------

    def propagate(self, dom: list[int], queue: list[int]) -> bool:
        """Run propagators to a fixpoint; False when one fails."""
        pending = set(queue)
        order = list(queue)
        propagators = self.propagators
        watchers = self.watchers
        while order:
            index = order.pop()
            pending.discard(index)
            changed = propagators[index](dom)
            if changed is None:
                return False
            for var in changed:
                for other in watchers[var]:
                    if other not in pending:
                        pending.add(other)
                        order.append(other)
        return True

    def solve(self, limit: int = 2, node_limit: int = 20_000, rng: random.Random | None = None) -> Outcome:
        """Up to `limit` solutions; `rng` randomises value order (for random solutions)."""
        outcome = Outcome()
        dom = list(self.domains)
        if any(d == 0 for d in dom) or not self.propagate(dom, list(range(len(self.propagators)))):
            return outcome
        try:
            self._search(dom, limit, node_limit, rng, outcome)
        except NodeLimitReached:
            outcome.complete = False
        return outcome

    def _search(self, dom: list[int], limit: int, node_limit: int, rng: random.Random | None, outcome: Outcome) -> bool:
        best = -1
        best_size = 1 << 30
        for var, d in enumerate(dom):
            if d & (d - 1):
                size = d.bit_count()
                if size < best_size:
                    best, best_size = var, size
                    if size == 2:
                        break
        if best < 0:
            solution = [d.bit_length() - 1 for d in dom]
            if all(check(solution) for check in self.final_checks):
                outcome.solutions.append(solution)
            return len(outcome.solutions) >= limit
        choices = values_of(dom[best])
        if rng is not None:
            rng.shuffle(choices)
        for value in choices:
            outcome.nodes += 1
            if outcome.nodes > node_limit:
                raise NodeLimitReached
            child = list(dom)
            child[best] = 1 << value
            if self.propagate(child, self.watchers[best]) and self._search(child, limit, node_limit, rng, outcome):
                return True
        return False


def refine_until_unique(
    solve: Callable[[list], Outcome],
    target: list[int],
    clues: list,
    pool: list,
    breaks: Callable[[object, list[int]], bool],
    rng: random.Random,
    max_rounds: int = 400,
    on_stuck: Callable[[list[int]], bool] | None = None,
    prefer: Callable[[object], bool] | None = None,
) -> tuple[list, int] | None:
    """Add clues from `pool` until `target` is the only solution.

    Each round solves with the current clues; if another solution exists, a random
    pool clue that the other solution breaks (`breaks(clue, other)`) is added. Returns
    (clues, nodes of the final uniqueness proof), or None when no clue separates the
    solutions (the caller then regenerates). A search that hits its node limit gets a
    random extra clue, so every round stays bounded. When no
    clue separates them, `on_stuck(other)` may change the puzzle itself (returning
    True) and refinement goes on. With `prefer`, a clue is drawn from the preferred ones
    whenever one of them would do (e.g. signs before given digits).
    """

    def pick(candidates: list[int]) -> int:
        if prefer is not None:
            preferred = [i for i in candidates if prefer(remaining[i])]
            candidates = preferred or candidates
        return rng.choice(candidates)

    clues = list(clues)
    remaining = [c for c in pool if c not in clues]
    for _ in range(max_rounds):
        outcome = solve(clues)
        if not outcome.complete:
            # Too hard to decide yet: any pool clue holds for the target, so add one and retry.
            if not remaining:
                return None
            if prefer is None:
                clues.append(remaining.pop(rng.randrange(len(remaining))))
            else:
                clues.append(remaining.pop(pick(list(range(len(remaining))))))
            continue
        others = [s for s in outcome.solutions if s != target]
        if not others:
            return (clues, outcome.nodes) if outcome.solutions else None
        other = others[0]
        separating = [i for i, c in enumerate(remaining) if breaks(c, other)]
        if not separating:
            if on_stuck is not None and on_stuck(other):
                continue
            return None
        clues.append(remaining.pop(pick(separating)))
    return None


def prune_clues(
    solve: Callable[[list], Outcome],
    clues: list,
    removable: Callable[[object], bool],
    rng: random.Random,
) -> tuple[list, int]:
    """Drop every `removable` clue the puzzle can do without, in random order.

    Refinement adds clues against one rival at a time (and at random when a search runs
    out of nodes), so some end up implied by later ones. A clue goes when the rest still
    has exactly one solution, proved within the search budget. Returns (clues, nodes of
    the last successful uniqueness proof, 0 when nothing was dropped).
    """
    clues = list(clues)
    order = [clue for clue in clues if removable(clue)]
    rng.shuffle(order)
    nodes = 0
    for clue in order:
        trial = [c for c in clues if c is not clue]
        outcome = solve(trial)
        if outcome.complete and len(outcome.solutions) == 1:
            clues, nodes = trial, outcome.nodes
    return clues, nodes
