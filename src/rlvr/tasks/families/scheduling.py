"""Meeting scheduling: find a start time when everyone is free.

Rule-checked: ANY start time at which the meeting fits inside the allowed window and
overlaps nobody's busy time scores 1. A free slot is planted before busy times are
drawn, so at least one exists; the gold answer is the earliest one.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import PEOPLE, invalid, lerp, require, take_answer, valid, violation
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    people: int
    busy_per_person: int  # busy blocks drawn per person (before merging)
    step: int  # minutes: the grid busy blocks and the planted slot lie on
    duration: int  # meeting length in minutes
    window_rules: bool  # add an earliest start / latest end for the meeting

    def __post_init__(self) -> None:
        require(1 <= self.people <= len(PEOPLE), f"people must be 1..{len(PEOPLE)}")
        require(self.busy_per_person >= 0, "busy_per_person must be >= 0")
        require(self.step in (5, 10, 15, 20, 30, 60), "step must be one of 5, 10, 15, 20, 30, 60 minutes")
        require(0 < self.duration <= 300 and self.duration % 5 == 0,
                "duration must be a multiple of 5 minutes, at most 300")


_DAY_START = 9 * 60
_DAY_END = 17 * 60
# Matched against stripped text; no two unbounded whitespace runs touch, so matching is linear.
_TIME = re.compile(r"([0-9]{1,2}):([0-9]{2})(?:\s*(?:-|–|to)\s*([0-9]{1,2}):([0-9]{2}))?\.?")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def fits(start: int, meta: dict[str, Any]) -> str | None:
    """None when a meeting starting at `start` is allowed, else the broken rule."""
    end = start + meta["duration"]
    if start < meta["earliest"]:
        return f"the meeting may not start before {_clock(meta['earliest'])}"
    if end > meta["latest_end"]:
        return f"the meeting must end by {_clock(meta['latest_end'])}"
    for person, blocks in meta["busy"].items():
        for low, high in blocks:
            if start < high and low < end:
                return f"{person} is busy {_clock(low)}-{_clock(high)}"
    return None


@register
class Scheduling(Task):
    """Calendar scheduling; any slot that satisfies every constraint scores 1."""

    name = "scheduling"
    description = "Find a meeting start time that fits everyone's calendar (any valid time scores 1)."
    answer_format = "a start time HH:MM (24-hour clock)"
    category = "planning"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        step = 60 if difficulty <= 2 else 30 if difficulty <= 6 else 15
        return Config(people=lerp(difficulty, 2, 7), busy_per_person=lerp(difficulty, 1, 5), step=step,
                      duration=60 if difficulty <= 7 else 75 if difficulty <= 9 else 90,
                      window_rules=difficulty >= 3)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        names = rng.sample(PEOPLE, config.people)
        step, duration = config.step, config.duration
        earliest, latest_end = _DAY_START, _DAY_END
        if config.window_rules:
            earliest += step * rng.randint(0, 2)
            latest_end -= step * rng.randint(0, 2)
        grid = list(range(earliest, latest_end - duration + 1, step))
        planted = rng.choice(grid)
        busy: dict[str, list[list[int]]] = {}
        blocks_total = 0
        for name in names:
            blocks = []
            for _ in range(config.busy_per_person):
                low = rng.randrange(_DAY_START, _DAY_END, step)
                high = min(_DAY_END, low + step * rng.randint(1, 4))
                if low < planted + duration and planted < high:
                    continue  # keep the planted slot free
                blocks.append([low, high])
            busy[name] = _merge(blocks)
            blocks_total += len(busy[name])
        meta = {"busy": busy, "duration": duration, "earliest": earliest, "latest_end": latest_end}
        gold = next(s for s in range(earliest, latest_end - duration + 1, 5) if fits(s, meta) is None)
        calendars = "\n".join(
            f"- {name}: " + (", ".join(f"{_clock(a)}-{_clock(b)}" for a, b in blocks) if blocks else "free all day")
            for name, blocks in busy.items()
        )
        window = ""
        if config.window_rules:
            window = (f"The meeting may not start before {_clock(earliest)} and must end by {_clock(latest_end)}.\n")
        prompt = (
            f"Schedule a {duration}-minute meeting for {', '.join(names)} on one working day "
            f"({_clock(_DAY_START)}-{_clock(_DAY_END)}). Busy times (a block a-b is busy from a up to b; a "
            f"meeting may start exactly when a block ends):\n{calendars}\n{window}\n"
            "Give a start time when everyone is free for the whole meeting, on the 24-hour clock, e.g. "
            "<answer>13:45</answer> (a format example only).\n" + ANSWER_INSTRUCTION
        )
        meta["effort"] = blocks_total
        return prompt, _clock(gold), meta

    def check(self, problem: Problem, response: str) -> Verdict:
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        match = _TIME.fullmatch(text.strip())
        if not match:
            return invalid(text, "expected a start time such as 13:45")
        hours, minutes = int(match.group(1)), int(match.group(2))
        if hours > 23 or minutes > 59:
            return invalid(text, "not a time of day")
        start = hours * 60 + minutes
        meta = problem.metadata
        if match.group(3) is not None:
            end = int(match.group(3)) * 60 + int(match.group(4))
            if end - start != meta["duration"]:
                return violation(text, f"the meeting lasts {meta['duration']} minutes")
        broken = fits(start, meta)
        if broken:
            return violation(text, broken)
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """A start time inside someone's busy block, or outside the allowed window."""
        blocks = [b for person in problem.metadata["busy"].values() for b in person]
        if blocks:
            low, _ = rng.choice(blocks)
            return _clock(low)
        return _clock(problem.metadata["latest_end"])


def _merge(blocks: list[list[int]]) -> list[list[int]]:
    merged: list[list[int]] = []
    for low, high in sorted(blocks):
        if merged and low <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return merged
