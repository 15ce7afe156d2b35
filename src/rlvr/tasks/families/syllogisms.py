"""Syllogisms: does a categorical conclusion follow from categorical premises?

Decided exactly: with k terms there are 2**k Venn regions. Universal statements
("All", "No") force regions empty; particular ones ("Some") need one non-empty region
in a set. Premises plus the negated conclusion are satisfiable iff every particular
statement keeps a region that no universal empties, so validity is that test failing.
Universal statements carry no existential import (stated in the prompt).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import check_choice, lerp, other_choice, require
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    premises: int  # premises linking the terms in a chain
    distractors: int  # extra premises about an unrelated term

    def __post_init__(self) -> None:
        require(1 <= self.premises <= 9, "premises must be 1..9")
        require(0 <= self.distractors <= 3, "distractors must be 0..3")


_TERMS = [
    "wugs", "blickets", "daxes", "feps", "glorps", "zibs", "toves", "mimsies", "snarks", "borogoves",
    "quolls", "frabs", "plinks", "vorps", "trels", "kazes", "norbs", "yurts", "jibbers", "flonks",
]
_FORMS = ["all", "no", "some", "some_not"]
_LINK_FORMS = ["all", "all", "all", "no", "some", "some_not"]
_NEGATION = {"all": "some_not", "no": "some", "some": "no", "some_not": "all"}
_ANSWERS = ["valid", "invalid"]

# A statement is [form, subject term index, predicate term index].
Statement = list


@lru_cache(maxsize=32)
def _term_masks(terms: int) -> tuple[int, ...]:
    """For each term, the bitmask of Venn regions (subsets of terms) that lie inside it."""
    return tuple(sum(1 << r for r in range(1 << terms) if r >> x & 1) for x in range(terms))


def _region_sets(statement: Statement, terms: int) -> tuple[bool, int]:
    """(is universal, bitmask over regions): regions emptied, or regions one of which is non-empty."""
    form, x, y = statement
    masks = _term_masks(terms)
    outside_y = ((1 << (1 << terms)) - 1) & ~masks[y]
    mask = masks[x] & (outside_y if form in ("all", "some_not") else masks[y])
    return form in ("all", "no"), mask


def _models(statements: list[Statement], terms: int) -> tuple[int, list[int]]:
    """(regions the universals empty, region sets the particulars each need one non-empty region in)."""
    empty = 0
    needs = []
    for statement in statements:
        universal, mask = _region_sets(statement, terms)
        if universal:
            empty |= mask
        else:
            needs.append(mask)
    return empty, needs


def satisfiable(statements: list[Statement], terms: int) -> bool:
    """Whether some model makes every statement true (existentials are monotone, so one test)."""
    empty, needs = _models(statements, terms)
    return all(mask & ~empty for mask in needs)


def _entailed(empty: int, needs: list[int], conclusion: Statement, terms: int) -> bool:
    """Entailment given the premises' (empty, needs): is premises + not-conclusion unsatisfiable?"""
    universal, mask = _region_sets([_NEGATION[conclusion[0]], conclusion[1], conclusion[2]], terms)
    if universal:
        empty |= mask
        return not all(need & ~empty for need in needs)
    return not (mask & ~empty and all(need & ~empty for need in needs))


def entails(premises: list[Statement], conclusion: Statement, terms: int) -> bool:
    """True when every model of the premises makes the conclusion true."""
    empty, needs = _models(premises, terms)
    return _entailed(empty, needs, conclusion, terms)


def _say(statement: Statement, words: list[str]) -> str:
    form, x, y = statement
    return {"all": f"All {words[x]} are {words[y]}.", "no": f"No {words[x]} are {words[y]}.",
            "some": f"Some {words[x]} are {words[y]}.", "some_not": f"Some {words[x]} are not {words[y]}."}[form]


@register
class Syllogisms(Task):
    """Categorical entailment (valid / invalid) decided over Venn regions."""

    name = "syllogisms"
    description = "Decide whether a categorical conclusion follows from the premises (valid or invalid)."
    answer_format = "valid or invalid"
    category = "logic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(premises=lerp(difficulty, 2, 6), distractors=lerp(difficulty, 0, 2))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        chain = config.premises + 1
        terms = chain + (1 if config.distractors else 0)
        want_valid = rng.random() < 0.5
        for _ in range(400):
            premises: list[Statement] = []
            for i in range(config.premises):
                a, b = (i, i + 1) if rng.random() < 0.5 else (i + 1, i)
                # 'All' links are what carry entailment along a chain; weight them so valid arguments are common.
                premises.append([rng.choice(_LINK_FORMS), a, b])
            for _ in range(config.distractors):
                premises.append([rng.choice(_FORMS), terms - 1, rng.randrange(chain)])
            empty, needs = _models(premises, terms)
            if not all(mask & ~empty for mask in needs):
                continue  # inconsistent premises would entail everything
            ends = (0, chain - 1) if rng.random() < 0.5 else (chain - 1, 0)
            conclusion = [rng.choice(_FORMS), *ends]  # kept only if no conclusion fits in 400 tries
            fitting = [[form, *ends] for form in _FORMS if _entailed(empty, needs, [form, *ends], terms) == want_valid]
            if fitting:
                conclusion = rng.choice(fitting)
                break
        is_valid = entails(premises, conclusion, terms)
        words = rng.sample(_TERMS, terms)
        rng.shuffle(premises)
        prompt = (
            "Assume the premises are true and use only logic (the words are made up).\n"
            "Premises:\n" + "\n".join(f"  {_say(p, words)}" for p in premises)
            + f"\nConclusion: {_say(conclusion, words)}\n\n"
            "Is the argument valid, i.e. must the conclusion be true whenever all the premises are? "
            "Read 'Some A are B' as 'at least one A is a B'; 'All A are B' and 'No A are B' do not by "
            "themselves imply that any A exist.\n"
            "Answer valid or invalid, e.g. <answer>invalid</answer> (a format example "
            "only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"terms": words, "premises": premises, "conclusion": conclusion, "valid": is_valid,
                    "effort": len(premises) * (1 << terms)}
        return prompt, "valid" if is_valid else "invalid", metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        return check_choice(response, problem.answer, _ANSWERS)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        return other_choice(problem.answer, _ANSWERS, rng)
