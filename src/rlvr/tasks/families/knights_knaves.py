"""Knights and knaves: knights always tell the truth, knaves always lie.

Unique: every assignment of roles is enumerated (bitmasks) and statements are
replaced until exactly one assignment is consistent. The checker replays the rules:
an answer scores 1 when every statement's truth matches its speaker's role.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._assignments import parse_assignment
from rlvr.tasks.families._kit import PEOPLE, invalid, lerp, require, take_answer, valid, violation
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    people: int
    compound: float  # share of statements that combine two claims

    def __post_init__(self) -> None:
        require(2 <= self.people <= 10, "people must be 2..10")
        require(0 <= self.compound <= 1, "compound must be 0..1")


# A statement is a JSON-ready list: ["is", person, knight?], ["and"|"or", s1, s2],
# ["same"|"differ", p, q], ["count", k] (exactly k of the islanders are knights).
Statement = list


def holds(statement: Statement, knights: int) -> bool:
    """Whether a statement is true when bit i of `knights` marks person i as a knight."""
    kind = statement[0]
    if kind == "is":
        return bool(knights >> statement[1] & 1) == statement[2]
    if kind == "and":
        return holds(statement[1], knights) and holds(statement[2], knights)
    if kind == "or":
        return holds(statement[1], knights) or holds(statement[2], knights)
    if kind == "same":
        return (knights >> statement[1] & 1) == (knights >> statement[2] & 1)
    if kind == "differ":
        return (knights >> statement[1] & 1) != (knights >> statement[2] & 1)
    return bin(knights).count("1") == statement[1]


def consistent(statements: list[Statement], knights: int) -> bool:
    """Every speaker's statement is true exactly when the speaker is a knight."""
    return all(holds(s, knights) == bool(knights >> i & 1) for i, s in enumerate(statements))


def _random_statement(rng: random.Random, n: int, speaker: int, compound: float) -> Statement:
    others = [p for p in range(n) if p != speaker]
    roll = rng.random()
    if roll < compound:
        a, b = rng.sample(range(n), 2)
        return [rng.choice(["and", "or"]), ["is", a, rng.random() < 0.5], ["is", b, rng.random() < 0.5]]
    if roll < compound + (1 - compound) / 3 and n >= 3:
        a, b = rng.sample(others, 2) if len(others) >= 2 else (speaker, others[0])
        return [rng.choice(["same", "differ"]), a, b]
    if roll < compound + (1 - compound) / 2 and n >= 3:
        return ["count", rng.randint(0, n)]
    return ["is", rng.choice(others) if rng.random() < 0.85 else speaker, rng.random() < 0.5]


def _say(statement: Statement, names: list[str], speaker: int, n: int) -> str:
    kind = statement[0]
    if kind == "is":
        who, knight = statement[1], statement[2]
        role = "a knight" if knight else "a knave"
        return f"I am {role}" if who == speaker else f"{names[who]} is {role}"
    if kind in ("and", "or"):
        return f"{_say(statement[1], names, speaker, n)} {kind} {_say(statement[2], names, speaker, n)}"
    if kind in ("same", "differ"):
        a, b = (("I", names[statement[2]]) if statement[1] == speaker else
                (names[statement[1]], "I") if statement[2] == speaker else (names[statement[1]], names[statement[2]]))
        return f"{a} and {b} are {'the same kind' if kind == 'same' else 'different kinds'}"
    k = statement[1]
    return f"exactly {k} of the {n} of us {'is a knight' if k == 1 else 'are knights'}"


@register
class KnightsKnaves(Task):
    """Decide who is a knight and who is a knave; exactly one assignment fits."""

    name = "knights_knaves"
    description = "Knights always tell the truth, knaves always lie: identify each islander (unique solution)."
    answer_format = "Name: knight/knave for every islander, separated by commas"
    category = "logic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(people=lerp(difficulty, 2, 8), compound=round(0.1 + 0.05 * (difficulty - 1), 2))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        n = config.people
        names = sorted(rng.sample(PEOPLE, n))
        effort = 0
        for _ in range(1000):
            knights = rng.getrandbits(n)
            statements = [self._true_to_role(rng, n, i, knights, config.compound) for i in range(n)]
            for _ in range(20 * n):
                alternatives = [m for m in range(1 << n) if m != knights and consistent(statements, m)]
                effort += 1 << n
                if not alternatives:
                    break
                other = rng.choice(alternatives)
                speaker = rng.randrange(n)
                for _ in range(30):
                    candidate = self._true_to_role(rng, n, speaker, knights, config.compound)
                    if holds(candidate, other) != bool(other >> speaker & 1):
                        statements[speaker] = candidate
                        break
            else:
                continue
            break
        else:
            raise TaskError("could not make a puzzle with a unique solution; raise compound or people")
        lines = [f"{names[i]} says: \"{_capital(_say(s, names, i, n))}.\"" for i, s in enumerate(statements)]
        answer = ", ".join(f"{names[i]}: {'knight' if knights >> i & 1 else 'knave'}" for i in range(n))
        prompt = (
            f"On an island, knights always tell the truth and knaves always lie. You meet {n} islanders: "
            f"{', '.join(names)}.\n" + "\n".join(lines) + "\n\n"
            "Who is a knight and who is a knave? List every islander, e.g. "
            "<answer>Zed: knave, Ann: knight</answer> (a format example only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"names": names, "statements": statements, "effort": effort}
        return prompt, answer, metadata

    @staticmethod
    def _true_to_role(rng: random.Random, n: int, speaker: int, knights: int, compound: float) -> Statement:
        knight = bool(knights >> speaker & 1)
        while True:
            statement = _random_statement(rng, n, speaker, compound)
            if holds(statement, knights) == knight:
                return statement

    def check(self, problem: Problem, response: str) -> Verdict:
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        names = problem.metadata["names"]
        parsed = parse_assignment(text, names, ["knight", "knave"])
        if isinstance(parsed, str):
            return invalid(text, parsed)
        knights = sum(1 << i for i, name in enumerate(names) if parsed[name] == "knight")
        statements = problem.metadata["statements"]
        for i, statement in enumerate(statements):
            if holds(statement, knights) != bool(knights >> i & 1):
                role = "knight" if knights >> i & 1 else "knave"
                return violation(text, f"{names[i]} cannot be a {role}: the statement would be "
                                       f"{'false' if role == 'knight' else 'true'}")
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Flip one islander's role (the unique solution makes this wrong)."""
        parts = problem.answer.split(", ")
        i = rng.randrange(len(parts))
        name, role = parts[i].split(": ")
        parts[i] = f"{name}: {'knave' if role == 'knight' else 'knight'}"
        return ", ".join(parts)


def _capital(text: str) -> str:
    return text[0].upper() + text[1:]
