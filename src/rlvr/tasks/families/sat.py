"""Find a satisfying assignment of a CNF formula.

Formulas are built around a planted assignment, so each one is satisfiable. Checking
is by rule: ANY assignment that gives every variable a value and satisfies every
clause scores 1, whether or not it is the planted one.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._text import invalid, take, violation
from rlvr.verify.verdict import Reason, Verdict

_PAIR = re.compile(r"x([0-9]{1,4})\s*=\s*(1|0|true|false|t|f)", re.IGNORECASE)
_SEPARATORS = re.compile(r"[\s,;]+")
MAX_NODES = 20_000

Clause = list[int]  # DIMACS-style literals: +v means x_v, -v means not x_v


def satisfied(clauses: list[Clause], values: dict[int, bool]) -> int | None:
    """Index of the first clause `values` leaves false, or None when all hold."""
    for i, clause in enumerate(clauses):
        if not any(values[abs(lit)] == (lit > 0) for lit in clause):
            return i
    return None


def solve(clauses: list[Clause], variables: int, node_limit: int = MAX_NODES) -> tuple[dict[int, bool] | None, int]:
    """DPLL with unit propagation: (a satisfying assignment or None, decision nodes visited).

    Gives up (None) after `node_limit` nodes; planted formulas of the sizes used here
    need far fewer.
    """
    nodes = 0

    def propagate(assignment: dict[int, bool]) -> bool:
        changed = True
        while changed:
            changed = False
            for clause in clauses:
                free, ok = [], False
                for lit in clause:
                    value = assignment.get(abs(lit))
                    if value is None:
                        free.append(lit)
                    elif value == (lit > 0):
                        ok = True
                        break
                if ok:
                    continue
                if not free:
                    return False
                if len(free) == 1:
                    assignment[abs(free[0])] = free[0] > 0
                    changed = True
        return True

    def search(assignment: dict[int, bool]) -> dict[int, bool] | None:
        nonlocal nodes
        nodes += 1
        if nodes > node_limit or not propagate(assignment):
            return None
        free = [v for v in range(1, variables + 1) if v not in assignment]
        if not free:
            return assignment
        # Branch on the variable that occurs most often among open clauses.
        counts: dict[int, int] = {}
        for clause in clauses:
            if not any(assignment.get(abs(l)) == (l > 0) for l in clause):
                for lit in clause:
                    if abs(lit) not in assignment:
                        counts[abs(lit)] = counts.get(abs(lit), 0) + 1
        pick = max(counts, key=counts.__getitem__) if counts else free[0]
        for value in (True, False):
            found = search({**assignment, pick: value})
            if found is not None:
                return found
        return None

    result = search({})
    if result is not None:
        for v in range(1, variables + 1):
            result.setdefault(v, False)
    return result, nodes


def render_clause(clause: Clause) -> str:
    return "(" + " or ".join(f"x{lit}" if lit > 0 else f"not x{-lit}" for lit in clause) + ")"


def format_assignment(values: dict[int, bool]) -> str:
    return ", ".join(f"x{v}={int(values[v])}" for v in sorted(values))


@dataclass(frozen=True)
class SatConfig:
    """`clauses` clauses of `width` literals over `variables` variables."""

    variables: int
    clauses: int
    width: int


_LEVELS = {
    1: SatConfig(3, 3, 2),
    2: SatConfig(4, 5, 2),
    3: SatConfig(5, 8, 3),
    4: SatConfig(6, 14, 3),
    5: SatConfig(8, 24, 3),
    6: SatConfig(10, 34, 3),
    7: SatConfig(12, 44, 3),
    8: SatConfig(15, 58, 3),
    9: SatConfig(18, 72, 3),
    10: SatConfig(22, 90, 3),
}


@register
class Sat(Task):
    """Satisfy a planted CNF formula; any satisfying assignment scores 1."""

    name: ClassVar[str] = "sat"
    description: ClassVar[str] = "Find an assignment that satisfies every clause of a CNF formula"
    answer_format: ClassVar[str] = "every variable as x<i>=1 or x<i>=0, comma-separated"
    category: ClassVar[str] = "logic"
    Config: ClassVar[type] = SatConfig

    def config_for(self, difficulty: int) -> SatConfig:
        return _LEVELS[difficulty]

    def make(self, rng: random.Random, config: SatConfig) -> tuple[str, str, dict[str, Any]]:
        if not 2 <= config.variables <= 200 or not 1 <= config.clauses <= 2000 or not 1 <= config.width <= config.variables:
            raise TaskError("sat needs 2..200 variables, 1..2000 clauses and 1 <= width <= variables")
        planted = {v: rng.random() < 0.5 for v in range(1, config.variables + 1)}
        clauses: list[Clause] = []
        seen: set[tuple[int, ...]] = set()
        misses = 0
        while len(clauses) < config.clauses:
            chosen = sorted(rng.sample(range(1, config.variables + 1), config.width))
            clause = [v if rng.random() < 0.5 else -v for v in chosen]
            if not any(planted[abs(l)] == (l > 0) for l in clause):
                flip = rng.randrange(len(clause))
                clause[flip] = -clause[flip]
            key = tuple(clause)
            # Repeats only once fresh clauses have become hard to find (tiny formulas).
            if key in seen and misses < 50:
                misses += 1
                continue
            seen.add(key)
            clauses.append(clause)
        _, nodes = solve(clauses, config.variables)
        formula = " and\n".join(render_clause(c) for c in clauses)
        example = ", ".join(f"x{v}={(v + 1) % 2}" for v in range(1, min(config.variables, 3) + 1))
        prompt = (
            f"Find values for the variables x1..x{config.variables} (1 = true, 0 = false) that make every "
            f"clause below true. A clause is true when at least one of its parts is true.\n\n{formula}\n\n"
            f"Answer with every variable, comma-separated, like: {example}, ...\n{ANSWER_INSTRUCTION}"
        )
        metadata = {"variables": config.variables, "clauses": clauses, "effort": nodes + len(clauses)}
        return prompt, format_assignment(planted), metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        """Rule check: each variable exactly once, every clause satisfied."""
        text, failed = take(response, limit=16 * 1024)
        if text is None:
            return failed
        count = int(problem.metadata["variables"])
        values: dict[int, bool] = {}
        for token in _SEPARATORS.split(text.strip().strip(".")):
            if not token:
                continue
            match = _PAIR.fullmatch(token)
            if match is None:
                return invalid(text, f"could not read {token[:40]!r}; write x<i>=1 or x<i>=0")
            variable, value = int(match.group(1)), match.group(2).lower() in ("1", "true", "t")
            if not 1 <= variable <= count:
                return violation(text, f"there is no variable x{variable}")
            if variable in values and values[variable] != value:
                return violation(text, f"x{variable} is given two different values")
            values[variable] = value
        if not values:
            return invalid(text, "write x<i>=1 or x<i>=0 for every variable")
        missing = [v for v in range(1, count + 1) if v not in values]
        if missing:
            return violation(text, f"no value for x{missing[0]}" + (f" and {len(missing) - 1} more" if len(missing) > 1 else ""))
        broken = satisfied(problem.metadata["clauses"], values)
        if broken is not None:
            clause = render_clause(problem.metadata["clauses"][broken])
            return violation(text, f"clause {broken + 1} {clause} is false")
        return Verdict(True, Reason.VALID_SOLUTION, extracted=text[:200], normalized=format_assignment(values))

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The planted assignment with one clause's literals all made false."""
        values = {int(t.split("=")[0][1:]): t.endswith("1") for t in problem.answer.split(", ")}
        clause = rng.choice(problem.metadata["clauses"])
        for lit in clause:
            values[abs(lit)] = lit < 0
        return format_assignment(values)
