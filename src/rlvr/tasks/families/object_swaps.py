"""Object swaps: people trade the objects they hold; who ends up with what?

Unique by construction: the trades are simulated and the question asks about the
final holdings.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import PEOPLE, check_choice, format_example, lerp, other_choice, require
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    people: int
    trades: int
    rotations: bool  # allow three-way passes around a circle

    def __post_init__(self) -> None:
        require(2 <= self.people <= len(_GOODS), f"people must be 2..{len(_GOODS)}")
        require(self.trades >= 0, "trades must be >= 0")


_GOODS = [
    "a red ball", "a blue kite", "a silver watch", "a green scarf", "a wooden flute", "a glass vase",
    "a leather wallet", "a paper lantern", "a brass key", "a wool hat", "a copper bell", "a stone owl",
]
_PLAIN_GOODS = [g.split(" ", 1)[1] for g in _GOODS]


@register
class ObjectSwaps(Task):
    """Track objects through a sequence of swaps and circular passes."""

    name = "object_swaps"
    description = "Track which person holds which object after a sequence of trades."
    answer_format = "an object (e.g. the blue kite) or a person's name, as the question asks"
    category = "planning"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(people=lerp(difficulty, 3, 7), trades=lerp(difficulty, 2, 14), rotations=difficulty >= 5)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        names = rng.sample(PEOPLE, config.people)
        goods = rng.sample(_GOODS, config.people)
        holding = list(range(config.people))  # holding[person] = index into goods
        opening = ", ".join(f"{names[i]} has {goods[i]}" for i in range(config.people))
        steps = []
        for _ in range(config.trades):
            if config.rotations and config.people >= 3 and rng.random() < 0.3:
                a, b, c = rng.sample(range(config.people), 3)
                holding[a], holding[b], holding[c] = holding[c], holding[a], holding[b]
                steps.append(f"{names[a]}, {names[b]} and {names[c]} pass their objects along: {names[a]} gives "
                             f"to {names[b]}, {names[b]} gives to {names[c]}, and {names[c]} gives to {names[a]}.")
            else:
                a, b = rng.sample(range(config.people), 2)
                holding[a], holding[b] = holding[b], holding[a]
                steps.append(f"{names[a]} and {names[b]} swap their objects.")
        plain = [g.split(" ", 1)[1] for g in goods]
        if rng.random() < 0.5:
            person = rng.randrange(config.people)
            example = format_example(rng, plain, _PLAIN_GOODS)
            question = (f"What does {names[person]} hold at the end? Answer with the object, e.g. "
                        f"<answer>{example}</answer>")
            answer, options = plain[holding[person]], plain
        else:
            item = rng.randrange(config.people)
            owner = holding.index(item)
            example = format_example(rng, names, PEOPLE)
            question = f"Who holds the {plain[item]} at the end? Answer with the name, e.g. <answer>{example}</answer>"
            answer, options = names[owner], names
        prompt = (
            f"At the start, {opening}.\n" + "\n".join(f"{i + 1}. {s}" for i, s in enumerate(steps)) + "\n\n"
            + question + " (a format example only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"options": options, "effort": config.trades}
        return prompt, answer, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        return check_choice(response, problem.answer, problem.metadata["options"])

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        return other_choice(problem.answer, problem.metadata["options"], rng)
