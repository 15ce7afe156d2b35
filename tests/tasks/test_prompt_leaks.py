"""No prompt carries information about its answer: surface policies score at chance.

A surface policy reads only the prompt's format example and the order in which candidate
answers appear, never the puzzle's logic: answer the example; the option listed just before
or after the example; any option but the example; the first or the last option. Over many
problems of every registered family, each policy's hits must not exceed what it would get
if the prompt said nothing about the answer:

- an option drawn at random from the k the prompt shows is right with probability 1/k, and
  so are "the option before/after the example" and "any option but the example" whenever the
  example is independent of the answer (a fixed example, or one drawn at random);
- answering the example verbatim is right as often as the example equals another item's gold
  (the family's base rate for that string), or 1/k when the example is one of the options.

Hits are compared with the chance sum through a one-sided bound of 4 standard deviations
(plus 2 hits of slack), so a fair family fails with probability far below 1e-4 per policy,
while the leaks this test was written for (the object listed after the gold, "anything but
the gold", always the root) sit tens of standard deviations above it.

Candidate answers ("options") in a prompt are the family's golds (from the whole sample) of
the gold's kind that occur in it as words or integers, ordered by first occurrence. The example's own text and the closing instruction are
not part of the listing.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass
from functools import lru_cache

import pytest

from rlvr.tasks import ANSWER_INSTRUCTION, Problem, Task, get, names
from rlvr.tasks.families.object_swaps import ObjectSwaps
from rlvr.tasks.families.zebra import Zebra

FAMILIES = names()
DIFFICULTIES = (1, 4, 7)
# Per difficulty. Grid families answer whole grids, which never occur in their prompts, so a
# few items show that every surface policy misses; the other families get enough items to
# tell 1/(k-1) from 1/k for k up to about 8.
ITEMS = {"grid": 8}
DEFAULT_ITEMS = 120
SIGMAS = 4.0
SLACK_HITS = 2.0
TWO_SIDED = "listed-example"  # too few hits is a leak too: the example is never the answer

_EXAMPLES = [
    re.compile(r"<answer>\s*(\S.*?)\s*</answer>", re.DOTALL),
    re.compile(r"\(for example: (.+?)\)\.?\n"),
    re.compile(r"\blike: (.+?)(?:, \.\.\.)?\n"),
]
_INTEGER = re.compile(r"(?<![\w.])-?[0-9]+(?![\w.])")


def normal(text: str) -> str:
    return " ".join(text.strip().rstrip(".").lower().split())


def find_example(prompt: str) -> tuple[str | None, tuple[int, int]]:
    """The format example shown in the prompt and its span, or (None, (0, 0))."""
    for pattern in _EXAMPLES:
        match = pattern.search(prompt)
        if match:
            return match.group(1), match.span()
    return None, (0, 0)


def body_of(prompt: str, span: tuple[int, int]) -> str:
    """The prompt without the example and the closing instruction (neither lists options)."""
    text = prompt[: span[0]] + " " + prompt[span[1]:] if span != (0, 0) else prompt
    return text.replace(ANSWER_INSTRUCTION, " ")


@dataclass(frozen=True)
class Item:
    problem: Problem
    example: str | None
    options: tuple[str, ...]  # normalised, in order of first occurrence


def options_in(body: str, problem: Problem, vocabulary: frozenset[str]) -> tuple[str, ...]:
    """Candidate answers of the gold's kind, in order of first occurrence in `body`.

    A family that keeps its closed list of answers in `metadata["options"]` (the names, rooms
    or yes/no a question allows) gives the kind; otherwise it is every sampled gold that
    looks like this one (integers, or strings of as many words).
    """
    gold = problem.answer
    closed = problem.metadata.get("options")
    if re.fullmatch(r"-?[0-9]+", gold.strip()) and not closed:
        found = [m.group(0) for m in _INTEGER.finditer(body) if m.group(0) in vocabulary]
    else:
        lowered = body.lower()
        shape = _shape(gold)
        kind = {normal(o) for o in closed if isinstance(o, str)} if isinstance(closed, list) and closed else None
        hits = []
        for word in kind or vocabulary:
            if kind is None and _shape(word) != shape or word not in lowered:
                continue
            match = re.search(r"(?<!\w)" + re.escape(word) + r"(?!\w)", lowered)
            if match:
                hits.append((match.start(), word))
        found = [word for _, word in sorted(hits)]
    return tuple(dict.fromkeys(normal(f) for f in found))


def _shape(text: str) -> tuple[int, bool]:
    """A gold's kind as far as its look goes: word count and whether it is a number."""
    words = text.split()
    return len(words), bool(re.fullmatch(r"-?[0-9]+", text.strip()))


@lru_cache(maxsize=None)
def items(name: str, count: int | None = None, levels: tuple[int, ...] = DIFFICULTIES) -> tuple[Item, ...]:
    """The sampled items of a registered family: `count` per difficulty (default by category)."""
    return items_of(get(name), count, levels)


def items_of(task: Task, count: int | None = None, levels: tuple[int, ...] = DIFFICULTIES) -> tuple[Item, ...]:
    """The sampled items of `task`, each with its example and options."""
    count = count or ITEMS.get(task.category, DEFAULT_ITEMS)
    # Repeated prompts are one observation, not several (math datasets hold few problems).
    problems = list({p.prompt: p for d in levels for p in task.generate(count, seed=2024, difficulty=d)}.values())
    vocabulary = frozenset(normal(p.answer) for p in problems if len(p.answer) <= 60 and "\n" not in p.answer)
    out = []
    for problem in problems:
        example, span = find_example(problem.prompt)
        body = body_of(problem.prompt, span)
        out.append(Item(problem, example, options_in(body, problem, vocabulary)))
    return tuple(out)


_VERDICTS: dict[tuple[str, str], bool] = {}


def correct(task: Task, problem: Problem, answer: str) -> bool:
    key = (problem.id, answer)  # ids start with the family's name
    if key not in _VERDICTS:
        _VERDICTS[key] = task.check(problem, f"<answer>{answer}</answer>").correct
    return _VERDICTS[key]


@dataclass
class Tally:
    """Hits (or hit probabilities) against chance probabilities, summed over items."""

    hits: float = 0.0
    chance: float = 0.0
    variance: float = 0.0
    count: int = 0

    def add(self, hit: float, chance: float, variance: float | None = None) -> None:
        self.hits += hit
        self.chance += chance
        self.variance += chance * (1 - chance) if variance is None else variance
        self.count += 1

    def bound(self) -> float:
        return self.chance + SIGMAS * math.sqrt(self.variance) + SLACK_HITS

    def floor(self) -> float:
        return self.chance - SIGMAS * math.sqrt(self.variance) - SLACK_HITS

    def describe(self) -> str:
        return f"{self.hits:.1f} hits over {self.count} items, chance {self.chance:.1f}, bound {self.bound():.1f}"


OTHERS = 30  # items of the same difficulty a guess is tried on to measure its base rate


def kind_of(problem: Problem) -> tuple[int, str]:
    """The difficulty and the kind of question (a count, a name, yes/no, ...), as the prompt says it."""
    kind = problem.metadata.get("question_kind") or problem.metadata.get("mode") or str(_shape(problem.answer))
    return problem.difficulty, str(kind)


class BaseRate:
    """How often an answer string is right for the other items of a difficulty and question kind.

    This is the chance rate of a guess that ignores the item: a fixed example, or a
    habit such as "the earliest time" or "position 1", scores this much on any prompt.
    """

    def __init__(self, task: Task, rows: tuple[Item, ...]) -> None:
        self.task = task
        rng = random.Random(task.name)
        by_kind: dict[tuple[int, str], list[Problem]] = {}
        for row in rows:
            by_kind.setdefault(kind_of(row.problem), []).append(row.problem)
        self.panels = {kind: rng.sample(ps, min(OTHERS + 1, len(ps))) for kind, ps in by_kind.items()}
        self.cache: dict[tuple[tuple[int, str], str], dict[str, bool]] = {}

    def __call__(self, problem: Problem, answer: str) -> float:
        kind = kind_of(problem)
        key = (kind, normal(answer))
        if key not in self.cache:
            self.cache[key] = {p.id: correct(self.task, p, answer) for p in self.panels[kind]}
        others = {pid: ok for pid, ok in self.cache[key].items() if pid != problem.id}
        return sum(others.values()) / len(others) if others else 0.0


def tallies(name: str, rows: tuple[Item, ...] | None = None, task: Task | None = None) -> dict[str, Tally]:
    """Each surface policy's hits and chance over `rows` (default: the family's sample)."""
    rows = items(name) if rows is None else rows
    task = get(name) if task is None else task
    rate = BaseRate(task, rows)
    out = {policy: Tally() for policy in ("example", "listed-example", "before-example", "after-example",
                                          "not-example", "first-option", "last-option")}

    def pick(policy: str, problem: Problem, answer: str, right: set[str], uniform: float) -> None:
        # Chance is the larger of: an option drawn at random (m right of k), and the guess's
        # base rate on other items (the same string answering an unrelated prompt).
        out[policy].add(float(normal(answer) in right), max(uniform, rate(problem, answer)))

    shown: dict[tuple[int, str], int] = {}
    per_level: dict[int, int] = {}
    for row in rows:
        per_level[row.problem.difficulty] = per_level.get(row.problem.difficulty, 0) + 1
        if row.example is not None:
            key = (row.problem.difficulty, normal(row.example))
            shown[key] = shown.get(key, 0) + 1
    # An example shown on over a quarter of a level's items is that level's fixed example.
    fixed = {key: count > per_level[key[0]] / 4 for key, count in shown.items()}
    for row in rows:
        problem, example, options = row.problem, row.example, row.options
        k = len(options)
        right = {o for o in options if correct(task, problem, o)}
        uniform = len(right) / k if k else 0.0
        if example is not None:
            listed = normal(example) in options
            hit = float(correct(task, problem, example))
            out["example"].add(hit, max(uniform if listed else 0.0, rate(problem, example)))
            if listed and k >= 2 and not fixed[(problem.difficulty, normal(example))]:
                # An example drawn from the options independently of the answer is the answer
                # with probability m/k; never being it ("anything but the gold") tells as much.
                # A fixed example is left out: it is right at its base rate (the upper test).
                out["listed-example"].add(hit, uniform)
                at = options.index(normal(example))
                pick("before-example", problem, options[at - 1], right, uniform)
                pick("after-example", problem, options[(at + 1) % k], right, uniform)
                rest = [o for o in options if o != normal(example)]
                # With an independent example this hit probability averages m/k; for one right
                # option it is 0 or 1/(k-1), a variance of 1/(k^2 (k-1)) (m^2 times that for m).
                share = sum(o in right for o in rest) / len(rest)
                # The base rate of a random other option, estimated from a few of them.
                tried = random.Random(problem.id).sample(rest, min(3, len(rest)))
                base = sum(rate(problem, o) for o in tried) / len(tried)
                out["not-example"].add(share, max(uniform, base), max(len(right), 1) ** 2 / (k * k * (k - 1)))
        if k >= 2:
            pick("first-option", problem, options[0], right, uniform)
            pick("last-option", problem, options[-1], right, uniform)
    return out


@pytest.mark.parametrize("name", FAMILIES)
def test_surface_policies_score_at_chance(name: str) -> None:
    failures = [f"{policy}: {tally.describe()}" for policy, tally in tallies(name).items()
                if tally.count and (tally.hits > tally.bound() or policy == TWO_SIDED and tally.hits < tally.floor())]
    assert not failures, f"{name}: a prompt tells more than chance about its answer:\n" + "\n".join(failures)


@pytest.mark.parametrize("name", ["object_swaps", "zebra", "property_tracking", "buggy_table_qa", "spatial_relations"])
def test_the_leaks_the_audit_found_are_gone(name: str) -> None:
    """More items of the families whose examples leaked: the item after the gold (object_swaps),
    anything but the gold (zebra, property_tracking, buggy_table_qa), always the top manager
    (spatial_relations, whose common-manager questions also mostly answered the top manager)."""
    rows = items(name, 300 if name == "zebra" else 1000, (3, 6))
    failures = [f"{policy}: {tally.describe()}" for policy, tally in tallies(name, rows).items()
                if tally.count and (tally.hits > tally.bound() or policy == TWO_SIDED and tally.hits < tally.floor())]
    assert not failures, f"{name}:\n" + "\n".join(failures)


class _NextItemExample(ObjectSwaps):
    """object_swaps as it was: the example is the option listed right after the answer."""

    name = "object_swaps_next_item"  # not registered

    def make(self, rng, config):  # type: ignore[no-untyped-def]
        prompt, answer, metadata = super().make(rng, config)
        shown, _ = find_example(prompt)
        options = metadata["options"]
        leaked = options[(options.index(answer) + 1) % len(options)]
        return prompt.replace(f"<answer>{shown}</answer>", f"<answer>{leaked}</answer>", 1), answer, metadata


class _AnythingButExample(Zebra):
    """zebra as it was: the example is the first listed value that is not the answer."""

    name = "zebra_anything_but"  # not registered

    def make(self, rng, config):  # type: ignore[no-untyped-def]
        prompt, answer, metadata = super().make(rng, config)
        shown, _ = find_example(prompt)
        listed = sorted(metadata["options"])
        leaked = listed[0] if listed[0] != answer else listed[1]
        return prompt.replace(f"<answer>{shown}</answer>", f"<answer>{leaked}</answer>", 1), answer, metadata


@pytest.mark.parametrize("leaky", [_NextItemExample, _AnythingButExample])
def test_the_policies_catch_planted_leaks(leaky: type[Task]) -> None:
    """The test's power: the audit's two kinds of leak, planted back into a family, are caught."""
    task = leaky()
    rows = items_of(task, 150, (1, 3))
    caught = [policy for policy, tally in tallies(task.name, rows, task).items()
              if tally.count and (tally.hits > tally.bound() or policy == TWO_SIDED and tally.hits < tally.floor())]
    assert caught, f"{task.name}: the planted leak went unnoticed"


if __name__ == "__main__":  # a report of every family's tallies
    for family in FAMILIES:
        for policy, tally in tallies(family).items():
            if tally.count:
                low = policy == TWO_SIDED and tally.hits < tally.floor()
                flag = "  LEAK" if tally.hits > tally.bound() or low else ""
                print(f"{family:22s} {policy:15s} {tally.describe()}{flag}")
