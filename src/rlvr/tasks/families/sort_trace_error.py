"""Find the first wrong step in a trace of a sorting algorithm.

Each step of the trace should equal the algorithm's step applied to the line before
it (not to the ideal run), so exactly one step is wrong: the planted one. The answer
(its step number) is unique and is re-derived by replaying the trace at generation.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._text import invalid, take, wrong
from rlvr.verify.verdict import Reason, Verdict

ALGORITHMS = {
    "insertion": "insertion sort: step k takes the element at position k+1 (positions count from 1) and moves it "
    "left past every larger element before it",
    "selection": "selection sort: step k swaps the smallest element among positions k..n (counting from 1) into "
    "position k",
    "bubble": "bubble sort: each step is one full pass from left to right that swaps every neighbouring pair "
    "that is out of order",
}

_POSITION = re.compile(r"[0-9]{1,6}")  # ASCII digits only: str.isdigit accepts superscripts


def apply_step(algorithm: str, step: int, items: list[int]) -> list[int]:
    """The list after `step` (1-based) of `algorithm` applied to `items`."""
    out = list(items)
    if algorithm == "insertion":
        j = step
        while j > 0 and out[j - 1] > out[j]:
            out[j - 1], out[j] = out[j], out[j - 1]
            j -= 1
    elif algorithm == "selection":
        k = step - 1
        m = min(range(k, len(out)), key=out.__getitem__)
        out[k], out[m] = out[m], out[k]
    else:
        for j in range(len(out) - 1):
            if out[j] > out[j + 1]:
                out[j], out[j + 1] = out[j + 1], out[j]
    return out


def step_count(algorithm: str, start: list[int]) -> int:
    """Steps the trace shows: n-1 for insertion and selection, passes until sorted for bubble."""
    if algorithm != "bubble":
        return len(start) - 1
    state, passes = list(start), 0
    while True:
        passes += 1
        state = apply_step("bubble", passes, state)
        if state == sorted(state):
            return passes


def first_wrong_step(algorithm: str, lines: list[list[int]]) -> int | None:
    """Replay: the first step that is not the algorithm's step applied to the line before it."""
    for step in range(1, len(lines)):
        if lines[step] != apply_step(algorithm, step, lines[step - 1]):
            return step
    return None


def _perturb(rng: random.Random, items: list[int], value_max: int) -> list[int]:
    """A slip: two neighbours swapped, or one value miscopied."""
    out = list(items)
    if rng.random() < 0.7:
        i = rng.randrange(len(out) - 1)
        out[i], out[i + 1] = out[i + 1], out[i]
    else:
        i = rng.randrange(len(out))
        unused = [v for v in range(1, value_max + 1) if v not in out]
        out[i] = rng.choice(unused)
    return out


@dataclass(frozen=True)
class SortTraceConfig:
    """Lists of `length` distinct values up to `value_max`, traced by one of `algorithms`."""

    length: int
    algorithms: str
    value_max: int


@register
class SortTraceError(Task):
    """Step number of the first wrong step (unique)."""

    name: ClassVar[str] = "sort_trace_error"
    description: ClassVar[str] = "Find the first wrong step in a trace of insertion, selection or bubble sort"
    answer_format: ClassVar[str] = "a step number (integer)"
    category: ClassVar[str] = "strings"
    Config: ClassVar[type] = SortTraceConfig

    def config_for(self, difficulty: int) -> SortTraceConfig:
        algorithms = "insertion" if difficulty <= 2 else "insertion,selection" if difficulty <= 4 else "insertion,selection,bubble"
        return SortTraceConfig(length=3 + difficulty, algorithms=algorithms, value_max=20 + 10 * difficulty)

    def make(self, rng: random.Random, config: SortTraceConfig) -> tuple[str, str, dict[str, Any]]:
        names = [a.strip() for a in config.algorithms.split(",") if a.strip()]
        if config.length < 3 or config.value_max < config.length + 1 or not names or set(names) - set(ALGORITHMS):
            raise TaskError(f"sort_trace_error needs length >= 3, value_max > length, algorithms from {sorted(ALGORITHMS)}")
        algorithm = rng.choice(names)
        for _ in range(50):
            start = rng.sample(range(1, config.value_max + 1), config.length)
            if start != sorted(start):
                break
        steps = step_count(algorithm, start)
        planted = rng.randint(1, steps)
        lines = [start]
        for step in range(1, steps + 1):
            state = apply_step(algorithm, step, lines[-1])
            if step == planted:
                slipped = _perturb(rng, state, config.value_max)
                while slipped == state:
                    slipped = _perturb(rng, state, config.value_max)
                state = slipped
            lines.append(state)
        answer = first_wrong_step(algorithm, lines)
        if answer != planted:  # replay must find exactly the planted slip
            raise TaskError("sort_trace_error: trace replay disagrees with the planted step")
        trace = "\n".join(["Start: " + " ".join(map(str, lines[0]))] +
                          [f"Step {i}: " + " ".join(map(str, line)) for i, line in enumerate(lines[1:], start=1)])
        prompt = (
            f"Someone sorted a list into increasing order with {ALGORITHMS[algorithm]}. Each line shows the list "
            f"after that step. Exactly one step was done wrong (later steps continue correctly from the wrong "
            f"line).\n\n{trace}\n\nWhich step is the first wrong one? Answer with its step number (for example: 2).\n"
            f"{ANSWER_INSTRUCTION}"
        )
        metadata = {"algorithm": algorithm, "steps": steps, "effort": config.length * steps}
        return prompt, str(answer), metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        """Exact comparison with the first wrong step number."""
        text, failed = take(response, limit=64)
        if text is None:
            return failed
        cleaned = text.strip().rstrip(".")
        if cleaned.lower().startswith("step"):
            cleaned = cleaned[4:].strip(" :")
        if not _POSITION.fullmatch(cleaned):
            return invalid(text, "the answer must be a step number")
        got, gold = int(cleaned), int(problem.answer)
        if got == gold:
            return Verdict(True, Reason.EQUAL_NUMERIC, extracted=text, normalized=str(got), gold_normalized=str(gold))
        return wrong(text, str(got), str(gold))

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Another step number of the trace."""
        gold, steps = int(problem.answer), int(problem.metadata["steps"])
        others = [s for s in range(1, steps + 1) if s != gold]
        return str(rng.choice(others) if others else gold + 1)
