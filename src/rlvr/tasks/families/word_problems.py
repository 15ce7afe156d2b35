"""Word problems: a short story of arithmetic events on one person's collection.

Unique by construction: the story is simulated step by step with integers (every
division is exact by construction), and the question asks for the final count or its
sale value.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import PEOPLE, check_int, lerp, other_int, require
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    steps: int  # events after the starting amount
    max_number: int  # largest quantity named in one event
    money_question: bool  # may ask for the sale value instead of the count

    def __post_init__(self) -> None:
        require(1 <= self.steps <= 30, "steps must be 1..30")
        require(3 <= self.max_number <= 1000, "max_number must be 3..1000")


_ITEMS = [
    ("apple", "apples"), ("marble", "marbles"), ("sticker", "stickers"), ("book", "books"),
    ("pencil", "pencils"), ("trading card", "trading cards"), ("seashell", "seashells"),
    ("cookie", "cookies"), ("stamp", "stamps"), ("toy car", "toy cars"), ("candle", "candles"),
    ("balloon", "balloons"), ("notebook", "notebooks"), ("plant", "plants"), ("puzzle", "puzzles"),
]


def _event(rng: random.Random, count: int, name: str, friend: str, plural: str, top: int) -> tuple[str, int] | None:
    """One event as (sentence, new count); None when it does not fit the current count."""
    kind = rng.choice(["buy", "gift", "give", "packs", "lose", "match", "half", "piles", "boxes"])
    k = rng.randint(2, top)
    if kind == "buy":
        return f"{name} buys {k} more {plural}.", count + k
    if kind == "gift":
        return f"{friend} gives {name} {k} {plural}.", count + k
    if kind == "give" and k <= count:
        return f"{name} gives {k} {plural} to {friend}.", count - k
    if kind == "lose" and k <= count:
        return f"{name} loses {k} {plural}.", count - k
    if kind == "packs":
        packs = rng.randint(2, 6)
        return f"{name} buys {packs} packs of {plural} with {k} {plural} in each pack.", count + packs * k
    if kind == "match" and count <= 500:
        return f"{friend} gives {name} as many {plural} as {name} already has.", count * 2
    if kind == "half" and count % 2 == 0 and count > 0:
        return f"{name} gives half of the {plural} to {friend}.", count // 2
    if kind == "piles":
        divisors = [d for d in range(3, 7) if count % d == 0 and count > 0]
        if divisors:
            d = rng.choice(divisors)
            return f"{name} splits the {plural} into {d} equal piles, keeps one pile and donates the rest.", count // d
    if kind == "boxes":
        size = rng.randint(2, 5)
        if count >= size:
            boxes = rng.randint(1, count // size)
            return (f"{name} fills {boxes} boxes with {size} {plural} each and gives the boxes away.",
                    count - boxes * size)
    return None


@register
class WordProblems(Task):
    """Multi-step arithmetic stories with an exact integer answer."""

    name = "word_problems"
    description = "Multi-step arithmetic word problems about one person's collection (exact integers)."
    answer_format = "an integer"
    category = "arithmetic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(steps=lerp(difficulty, 1, 8), max_number=lerp(difficulty, 9, 60), money_question=difficulty >= 4)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        name, friend = rng.sample(PEOPLE, 2)
        singular, plural = rng.choice(_ITEMS)
        count = rng.randint(3, config.max_number)
        sentences = [f"{name} has {count} {plural}."]
        while len(sentences) <= config.steps:
            event = _event(rng, count, name, friend, plural, config.max_number)
            if event is not None:
                sentences.append(event[0])
                count = event[1]
        if config.money_question and rng.random() < 0.5:
            price = rng.randint(2, 9)
            question = (f"Finally {name} sells every {singular} left for {price} dollars each. "
                        f"How many dollars does {name} get?")
            value = count * price
        else:
            question = f"How many {plural} does {name} have now?"
            value = count
        prompt = (
            " ".join(sentences) + " " + question + "\n\n"
            "Give a single integer, e.g. <answer>42</answer> (a format example only).\n"
            + ANSWER_INSTRUCTION
        )
        return prompt, str(value), {"value": value, "effort": config.steps}

    def check(self, problem: Problem, response: str) -> Verdict:
        return check_int(response, problem.metadata["value"])

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        return other_int(problem.metadata["value"], rng)
