"""Web of lies: each person says whether earlier people tell the truth.

Unique by construction: one person's honesty is given and every other statement only
refers to people introduced before its speaker, so each person's honesty follows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import PEOPLE, check_choice, lerp, other_choice, require
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    people: int  # length of the chain
    compound: float  # share of statements about two earlier people
    shuffled: bool  # statements appear in random order instead of chain order
    back_reach: int  # how far back a statement may refer (1 = the previous person only)

    def __post_init__(self) -> None:
        require(2 <= self.people <= len(PEOPLE), f"people must be 2..{len(PEOPLE)}")
        require(0 <= self.compound <= 1, "compound must be 0..1")
        require(self.back_reach >= 1, "back_reach must be >= 1")


def _claim(name: str, truthful: bool) -> str:
    return f"{name} tells the truth" if truthful else f"{name} lies"


@register
class WebOfLies(Task):
    """Follow a chain of truth-tellers and liars to one person's honesty."""

    name = "web_of_lies"
    description = "Chains of truth-tellers and liars: decide whether a person tells the truth."
    answer_format = "yes or no"
    category = "logic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(people=lerp(difficulty, 3, 12), compound=round(0.05 * (difficulty - 1), 2),
                      shuffled=difficulty >= 6, back_reach=lerp(difficulty, 1, 6))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        names = rng.sample(PEOPLE, config.people)
        truthful = [rng.random() < 0.5]
        sentences = [f"{names[0]} {'tells the truth' if truthful[0] else 'lies'}."]
        for i in range(1, config.people):
            low = max(0, i - config.back_reach)
            honest = rng.random() < 0.5
            if i >= 2 and rng.random() < config.compound:
                a, b = sorted(rng.sample(range(low, i), 2)) if i - low >= 2 else (i - 2, i - 1)
                kind = rng.choice(["both", "either"])
                # The claim's truth must equal the speaker's honesty; pick the words to make it so.
                claims = [(ta, tb) for ta in (True, False) for tb in (True, False)
                          if ((truthful[a] == ta and truthful[b] == tb) if kind == "both"
                              else (truthful[a] == ta or truthful[b] == tb)) == honest]
                ta, tb = rng.choice(claims)
                joiner = "both" if kind == "both" else "at least one of these is true:"
                if kind == "both":
                    text = f"{names[i]} says that both {_claim(names[a], ta)} and {_claim(names[b], tb)}."
                else:
                    text = f"{names[i]} says that {joiner} {_claim(names[a], ta)}, {_claim(names[b], tb)}."
            else:
                a = rng.randrange(low, i)
                said = truthful[a] if honest else not truthful[a]
                text = f"{names[i]} says {_claim(names[a], said)}."
            truthful.append(honest)
            sentences.append(text)
        if config.shuffled:
            rng.shuffle(sentences)
        target = config.people - 1 if not config.shuffled else rng.randrange(1, config.people)
        answer = "yes" if truthful[target] else "no"
        prompt = (
            "Each person below either always tells the truth or always lies.\n"
            + "\n".join(sentences)
            + f"\n\nDoes {names[target]} tell the truth? Answer yes or no, e.g. <answer>no</answer> "
            "(a format example only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"names": names, "truthful": truthful, "target": names[target], "effort": config.people}
        return prompt, answer, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        return check_choice(response, problem.answer, ["yes", "no"])

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        return other_choice(problem.answer, ["yes", "no"], rng)
