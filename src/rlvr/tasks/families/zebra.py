"""Zebra (Einstein) puzzles: houses in a row, attributes to place, clues that pin one grid.

Unique: clues true in the hidden grid are added until a propagation-and-search solver
(bitmask domains per attribute value, all-different, binary position constraints)
proves exactly one grid; at higher difficulty redundant clues are then removed while
uniqueness holds. The question asks one attribute of one person, or (more often at high
difficulty) the whole grid, which is rule-checked: any grid that keeps every clue scores 1.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, Callable

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import (
    PEOPLE, check_choice, format_example, invalid, lerp, other_choice, require, take_answer, valid, violation,
)
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    houses: int
    attributes: int  # attributes per house besides the house number
    direct_share: float  # weight of clues that name a house number outright
    prune: bool  # drop redundant clues once the grid is unique
    full_grid_share: float = 0.0  # chance of asking for the whole grid instead of one value

    def __post_init__(self) -> None:
        require(2 <= self.houses <= 8, "houses must be 2..8")
        require(2 <= self.attributes <= len(_ATTRIBUTES), f"attributes must be 2..{len(_ATTRIBUTES)}")
        require(0 <= self.direct_share <= 1, "direct_share must be 0..1")
        require(0 <= self.full_grid_share <= 1, "full_grid_share must be 0..1")


# (attribute, values, subject phrase, predicate phrase)
_ATTRIBUTES = [
    ("name", PEOPLE[:8], "{v}", "is {v}"),
    ("color", ["red", "green", "blue", "yellow", "white", "purple", "orange", "gray"],
     "the person in the {v} house", "lives in the {v} house"),
    ("pet", ["cat", "dog", "parrot", "fish", "horse", "rabbit", "turtle", "hamster"],
     "the {v} owner", "keeps a {v}"),
    ("drink", ["tea", "coffee", "milk", "juice", "water", "cocoa", "lemonade", "soda"],
     "the person who drinks {v}", "drinks {v}"),
    ("hobby", ["painting", "chess", "gardening", "cycling", "cooking", "reading", "fishing", "dancing"],
     "the person who enjoys {v}", "enjoys {v}"),
    ("food", ["pizza", "soup", "salad", "curry", "pasta", "tacos", "sushi", "stew"],
     "the person who eats {v}", "eats {v}"),
]

# A clue is [kind, var1, var2 or house]; var = attribute * houses + value index.
Clue = list


class _Solver:
    """Counts grids (up to a limit) consistent with the clues."""

    def __init__(self, houses: int, attributes: int, clues: list[Clue]) -> None:
        self.n = houses
        self.k = attributes
        self.full = (1 << houses) - 1
        self.unary = [c for c in clues if c[0] in ("at", "not_at")]
        self.binary = [c for c in clues if c[0] not in ("at", "not_at")]
        self.nodes = 0

    def _propagate(self, dom: list[int]) -> bool:
        n, full = self.n, self.full
        changed = True
        while changed:
            changed = False
            for kind, a, b in self.binary:
                da, db = dom[a], dom[b]
                if kind == "same":
                    na = nb = da & db
                elif kind == "diff":
                    na = da & ~db if db & (db - 1) == 0 else da
                    nb = db & ~da if da & (da - 1) == 0 else db
                elif kind == "left1":  # house(b) == house(a) + 1
                    nb = db & (da << 1) & full
                    na = da & (db >> 1)
                elif kind == "next":
                    nb = db & ((da << 1) | (da >> 1)) & full
                    na = da & ((db << 1) | (db >> 1)) & full
                else:  # "left": house(a) < house(b)
                    na = da & ((1 << (db.bit_length() - 1)) - 1) if db else 0
                    nb = db & ~((da & -da) * 2 - 1) if da else 0
                if na != da or nb != db:
                    if not na or not nb:
                        return False
                    dom[a], dom[b] = na, nb
                    changed = True
            for attr in range(self.k):
                base = attr * n
                fixed = 0
                for v in range(base, base + n):
                    d = dom[v]
                    if d & (d - 1) == 0:
                        if fixed & d:
                            return False
                        fixed |= d
                once = twice = 0
                for v in range(base, base + n):
                    d = dom[v]
                    if d & (d - 1):
                        d &= ~fixed
                        if not d:
                            return False
                        if d != dom[v]:
                            dom[v] = d
                            changed = True
                    twice |= once & d
                    once |= d
                if once != full:
                    return False
                # A house that only one value can take must take it.
                singles = once & ~twice
                if singles:
                    for v in range(base, base + n):
                        d = dom[v]
                        hit = d & singles
                        if hit and hit != d:
                            if hit & (hit - 1):
                                return False
                            dom[v] = hit
                            changed = True
        return True

    def count(self, limit: int = 2) -> list[list[int]]:
        dom = [self.full] * (self.n * self.k)
        for kind, var, house in self.unary:
            dom[var] &= (1 << house) if kind == "at" else ~(1 << house)
        found: list[list[int]] = []
        if not all(dom):
            return found  # contradictory house clues
        self._search(dom, found, limit)
        return found

    def _search(self, dom: list[int], found: list[list[int]], limit: int) -> None:
        self.nodes += 1
        if not self._propagate(dom):
            return
        best, best_size = -1, 99
        for v, d in enumerate(dom):
            size = d.bit_count()
            if 1 < size < best_size:
                best, best_size = v, size
        if best < 0:
            found.append([d.bit_length() - 1 for d in dom])
            return
        d = dom[best]
        while d and len(found) < limit:
            bit = d & -d
            d ^= bit
            child = list(dom)
            child[best] = bit
            self._search(child, found, limit)


def _holds(clue: Clue, house_of: list[int]) -> bool:
    kind, a, b = clue
    if kind == "at":
        return house_of[a] == b
    if kind == "not_at":
        return house_of[a] != b
    ha, hb = house_of[a], house_of[b]
    return {"same": ha == hb, "diff": ha != hb, "left1": hb == ha + 1, "next": abs(ha - hb) == 1,
            "left": ha < hb}[kind]


@register
class Zebra(Task):
    """Einstein puzzles with solver-proven unique grids; one question about the grid."""

    name = "zebra"
    description = "Einstein/zebra logic puzzles: place attributes in houses from clues (unique grid)."
    answer_format = "a single attribute value, e.g. tea"
    category = "logic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(houses=lerp(difficulty, 3, 6), attributes=lerp(difficulty, 2, 5),
                      direct_share=round(0.4 - 0.03 * (difficulty - 1), 2), prune=difficulty >= 4,
                      full_grid_share=max(0.0, 0.125 * (difficulty - 6)))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        n, k = config.houses, config.attributes
        chosen = [_ATTRIBUTES[0]] + rng.sample(_ATTRIBUTES[1:], k - 1)
        values = [rng.sample(attr[1], n) for attr in chosen]
        house_of = []
        for _ in range(k):
            order = list(range(n))
            rng.shuffle(order)
            house_of.extend(order)
        # Most grids need about this many clues; adding them before the first solve saves solves.
        clues: list[Clue] = [self._clue(rng, n, k, house_of, config.direct_share) for _ in range(n * k // 2)]
        effort = 0
        while True:
            solver = _Solver(n, k, clues)
            grids = solver.count(2)
            effort += solver.nodes
            if len(grids) == 1:
                break
            other = grids[0] if grids[0] != house_of else grids[1]
            clue = self._clue(rng, n, k, house_of, config.direct_share)
            for _ in range(40):
                if not _holds(clue, other):
                    break
                clue = self._clue(rng, n, k, house_of, config.direct_share)
            clues.append(clue)
        if config.prune:
            for clue in rng.sample(clues, len(clues)):
                trial = [c for c in clues if c is not clue]
                solver = _Solver(n, k, trial)
                if len(solver.count(2)) == 1:
                    clues = trial
                effort += solver.nodes
        rng.shuffle(clues)
        stated = {(c[1], c[2]) for c in clues if c[0] == "same"} | {(c[2], c[1]) for c in clues if c[0] == "same"}
        for _ in range(50):
            # Ask about a pair no single clue states outright (tiny grids may have none left).
            subject = rng.randrange(n * k)
            asked = rng.choice([a for a in range(k) if a != subject // n])
            answer_var = next(v for v in range(asked * n, asked * n + n) if house_of[v] == house_of[subject])
            if (subject, answer_var) not in stated:
                break
        answer = values[asked][answer_var - asked * n]
        describe = self._describe_clue(chosen, values, n)
        example = format_example(rng, values[asked], chosen[asked][1])
        listing = "\n".join(f"- {chosen[a][0]}: {', '.join(sorted(values[a]))}" for a in range(k))
        subject_phrase = chosen[subject // n][2].format(v=values[subject // n][subject % n])
        question = (f"Question: what is the {chosen[asked][0]} of {subject_phrase}?\n"
                    f"Answer with the value only, e.g. <answer>{example}</answer> (a format example only).\n")
        mode = "question"
        if config.full_grid_share and rng.random() < config.full_grid_share:
            mode = "grid"
            order = ", ".join(a[0] for a in chosen)
            answer = "\n".join(
                f"House {h + 1}: " + ", ".join(values[a][next(v for v in range(n) if house_of[a * n + v] == h)]
                                               for a in range(k))
                for h in range(n))
            question = (f"Question: give the whole grid, one line per house with its values in the order "
                        f"{order}, e.g.\n<answer>\nHouse 1: {', '.join(values[a][0] for a in range(k))}\n...\n"
                        "</answer> (a format example only).\n")
        prompt = (
            f"There are {n} houses in a row, numbered 1 to {n} from left to right. Each house has one "
            f"person, and each attribute below takes each of its values in exactly one house:\n{listing}\n\n"
            "Clues:\n" + "\n".join(f"{i + 1}. {describe(c)}" for i, c in enumerate(clues))
            + "\n\n" + question + ANSWER_INSTRUCTION
        )
        metadata = {"mode": mode, "options": values[asked], "clues": clues, "values": values,
                    "attributes": [a[0] for a in chosen], "solution": house_of, "question": [subject, answer_var],
                    "effort": effort}
        return prompt, answer, metadata

    @staticmethod
    def _clue(rng: random.Random, n: int, k: int, house_of: list[int], direct: float) -> Clue:
        a = rng.randrange(n * k)
        if rng.random() < direct:
            if rng.random() < 0.6:
                return ["at", a, house_of[a]]
            return ["not_at", a, rng.choice([h for h in range(n) if h != house_of[a]])]
        b = rng.choice([v for v in range(n * k) if v // n != a // n])
        ha, hb = house_of[a], house_of[b]
        if ha == hb:
            return ["same", a, b]
        kinds = ["diff"]
        if abs(ha - hb) == 1:
            kinds += ["next", "next", "left1" if ha < hb else "left1r"]
        kinds += ["left" if ha < hb else "leftr"] * 2
        kind = rng.choice(kinds)
        if kind.endswith("r"):
            return [kind[:-1], b, a]
        return [kind, a, b]

    @staticmethod
    def _describe_clue(chosen: list[tuple], values: list[list[str]], n: int) -> Callable[[Clue], str]:
        def subject(var: int) -> str:
            return chosen[var // n][2].format(v=values[var // n][var % n])

        def predicate(var: int) -> str:
            return chosen[var // n][3].format(v=values[var // n][var % n])

        def describe(clue: Clue) -> str:
            kind, a, b = clue
            s = subject(a)
            s = s[0].upper() + s[1:]
            if kind == "at":
                return f"{s} lives in house {b + 1}."
            if kind == "not_at":
                return f"{s} does not live in house {b + 1}."
            if kind == "same":
                return f"{s} {predicate(b)}."
            if kind == "diff":
                return f"{s} and {subject(b)} live in different houses."
            if kind == "left1":
                return f"{s} lives directly to the left of {subject(b)}."
            if kind == "next":
                return f"{s} lives next to {subject(b)}."
            return f"{s} lives somewhere to the left of {subject(b)}."

        return describe

    def check(self, problem: Problem, response: str) -> Verdict:
        if problem.metadata.get("mode") != "grid":
            return check_choice(response, problem.answer, problem.metadata["options"])
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        parsed = parse_grid(text, problem.metadata["values"])
        if isinstance(parsed, str):
            return invalid(text, parsed)
        for number, clue in enumerate(problem.metadata["clues"], 1):
            if not _holds(clue, parsed):
                return violation(text, f"the grid breaks clue {number}")
        return valid(text, "the grid satisfies every clue (the solver proved it is the only such grid)")

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        if problem.metadata.get("mode") != "grid":
            return other_choice(problem.answer, problem.metadata["options"], rng)
        # Swap one attribute's values between two houses: a well-formed grid that is not the solution.
        lines = [line.split(": ", 1) for line in problem.answer.split("\n")]
        rows = [[head, values.split(", ")] for head, values in lines]
        a = rng.randrange(len(rows[0][1]))
        i, j = rng.sample(range(len(rows)), 2)
        rows[i][1][a], rows[j][1][a] = rows[j][1][a], rows[i][1][a]
        return "\n".join(f"{head}: {', '.join(values)}" for head, values in rows)


_HOUSE_LINE = re.compile(r"house\s*([0-9]{1,2})\s*[:\-]\s*(.+)")


def parse_grid(text: str, values: list[list[str]]) -> list[int] | str:
    """House of every (attribute, value) from 'House h: v, v, ...' lines; an error message if malformed."""
    n, k = len(values[0]), len(values)
    where = {v.lower(): (a, i) for a, vs in enumerate(values) for i, v in enumerate(vs)}
    house_of = [-1] * (n * k)
    seen_houses = set()
    lines = [line.strip() for line in text.strip().split("\n") if line.strip() and line.strip() != "..."]
    for line in lines:
        match = _HOUSE_LINE.fullmatch(line.lower().rstrip("."))
        if not match:
            return f"could not read {line[:60]!r}; write House 1: value, value, ..."
        house = int(match.group(1)) - 1
        if not 0 <= house < n or house in seen_houses:
            return f"house {house + 1} is missing, repeated or out of range"
        seen_houses.add(house)
        attributes_here = set()
        for raw in match.group(2).split(","):
            item = raw.strip()
            if item not in where:
                return f"{item!r} is not a value in the puzzle"
            a, i = where[item]
            if a in attributes_here:
                return f"house {house + 1} has two values for one attribute"
            attributes_here.add(a)
            if house_of[a * n + i] >= 0:
                return f"{item} is placed in two houses"
            house_of[a * n + i] = house
        if len(attributes_here) != k:
            return f"house {house + 1} needs one value for each of the {k} attributes"
    if len(seen_houses) != n:
        return f"expected one line for each of the {n} houses"
    return house_of
