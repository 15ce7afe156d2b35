"""Syllogisms: does a categorical conclusion follow from categorical premises?

Decided exactly: with k terms there are 2**k Venn regions. Universal statements
("All", "No") force regions empty; particular ones ("Some") need one non-empty region
in a set. Premises plus the negated conclusion are satisfiable iff every particular
statement keeps a region that no universal empties, so validity is that test failing.
Universal statements carry no existential import (stated in the prompt).

Generation draws a premise shape (each link's form and direction, each distractor's form
and target, the conclusion's direction) and decides all four conclusion forms for it at
once, cached per shape. Small knob settings go further: every equally likely shape is
decided once and items are drawn from the list of those that fit the wanted label.
"""

from __future__ import annotations

import itertools
import random
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import CachedConfig, check_choice, fast_sample, fast_shuffle, other_choice, require
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


# Templates by form index, in _FORMS order.
_SAY = ("All {} are {}.", "No {} are {}.", "Some {} are {}.", "Some {} are not {}.")
# Every link draw is one of these 12 equally likely (form, flipped) pairs, the same odds as
# drawing the form from _LINK_FORMS and the direction by a coin; codes are form index * 2 + flipped.
_LINK_CODES = tuple(_FORMS.index(form) * 2 + flipped for form in _LINK_FORMS for flipped in (0, 1))


def _say(statement: Statement, words: list[str]) -> str:
    form, x, y = statement
    return _SAY[_FORMS.index(form)].format(words[x], words[y])


def _shape_statements(links: tuple[int, ...], distractors: tuple[int, ...], chain: int) -> list[Statement]:
    """Premises from link codes (form * 2 + flipped) and distractor codes (form * chain + target)."""
    statements: list[Statement] = []
    for i, code in enumerate(links):
        form = _FORMS[code >> 1]
        statements.append([form, i + 1, i] if code & 1 else [form, i, i + 1])
    for code in distractors:
        statements.append([_FORMS[code // chain], chain, code % chain])
    return statements


_NEGATION_INDEX = tuple(_FORMS.index(_NEGATION[form]) for form in _FORMS)


@lru_cache(maxsize=32)
def _statement_masks(terms: int) -> tuple[tuple[tuple[int, ...], ...], ...]:
    """masks[form index][x][y]: the region bitmask of statement [form, x, y] (see _region_sets)."""
    return tuple(tuple(tuple(_region_sets([form, x, y], terms)[1] if x != y else 0 for y in range(terms))
                       for x in range(terms)) for form in _FORMS)


@lru_cache(maxsize=1 << 14)
def _conclusions(links: tuple[int, ...], distractors: tuple[int, ...], chain: int,
                 flipped: bool) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(entailed, not entailed) conclusion forms between the chain's ends; None if inconsistent.

    The same decision as `entails`, specialised: statement masks come from a table, and the
    premises' models are built once for all four conclusion forms.
    """
    terms = chain + (1 if distractors else 0)
    masks = _statement_masks(terms)
    empty = 0
    needs = []
    for i, code in enumerate(links):
        form = code >> 1
        mask = masks[form][i + 1][i] if code & 1 else masks[form][i][i + 1]
        if form < 2:  # all, no: universal
            empty |= mask
        else:
            needs.append(mask)
    for code in distractors:
        form = code // chain
        if form < 2:
            empty |= masks[form][chain][code % chain]
        else:
            needs.append(masks[form][chain][code % chain])
    free = ~empty
    if not all(need & free for need in needs):
        return None  # inconsistent premises would entail everything
    a, b = (chain - 1, 0) if flipped else (0, chain - 1)
    entailed, open_ = [], []
    for form, name in enumerate(_FORMS):
        negation = _NEGATION_INDEX[form]
        mask = masks[negation][a][b]
        if negation < 2:  # a universal negation empties more regions; do the needs survive it?
            left = free & ~mask
            counter_model = all(need & left for need in needs)
        else:  # a particular negation needs one more region; the premises' needs already hold
            counter_model = bool(mask & free)
        (open_ if counter_model else entailed).append(name)
    return tuple(entailed), tuple(open_)


_TABLE_LIMIT = 5000  # largest number of equally likely draws worth listing once per knob setting
Shape = tuple[tuple[int, ...], tuple[int, ...], bool, tuple[str, ...]]


@lru_cache(maxsize=64)
def _shape_table(premises: int, distractors: int) -> tuple[list[Shape], list[Shape]] | None:
    """Every equally likely draw of a premise shape, split by which label it can carry.

    A draw is (link codes, distractor codes, conclusion flipped); rejection sampling of
    draws until one fits the wanted label is the same as picking uniformly from the draws
    that fit, so small settings sample from these lists directly. None when too many.
    """
    chain = premises + 1
    if len(_LINK_CODES) ** premises * (4 * chain) ** distractors * 2 > _TABLE_LIMIT:
        return None
    fits: tuple[list[Shape], list[Shape]] = ([], [])
    for links in itertools.product(_LINK_CODES, repeat=premises):
        for extra in itertools.product(range(4 * chain), repeat=distractors):
            for flipped in (False, True):
                decided = _conclusions(links, extra, chain, flipped)
                if decided is None:
                    continue
                for label in (0, 1):  # 0: entailed forms (valid), 1: not entailed (invalid)
                    if decided[label]:
                        fits[label].append((links, extra, flipped, decided[label]))
    return fits


@register
class Syllogisms(CachedConfig, Task):
    """Categorical entailment (valid / invalid) decided over Venn regions."""

    name = "syllogisms"
    description = "Decide whether a categorical conclusion follows from the premises (valid or invalid)."
    answer_format = "valid or invalid"
    category = "logic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # The chain and the distractors take turns to grow (distractors stop at their cap, 3).
        premises, distractors = ((2, 0), (2, 1), (3, 1), (3, 2), (4, 2), (4, 3), (5, 3), (6, 3), (7, 3),
                                 (8, 3))[difficulty - 1]
        return Config(premises=premises, distractors=distractors)

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        chain = config.premises + 1
        terms = chain + (1 if config.distractors else 0)
        # int(random() * n) draws instead of randrange/choice: see _kit.fast_sample.
        random_ = rng.random
        want_valid = random_() < 0.5
        label = 0 if want_valid else 1
        table = _shape_table(config.premises, config.distractors)
        if table is not None and table[label]:
            draws = table[label]
            links, distractors, flipped, fitting = draws[int(random_() * len(draws))]
            form = fitting[int(random_() * len(fitting))]
            is_valid = want_valid
        else:
            # 'All' links are what carry entailment along a chain (_LINK_FORMS weights them) so valid
            # arguments are common; shapes are redrawn until one has a conclusion of the wanted label.
            for _ in range(400):
                links = tuple([_LINK_CODES[int(random_() * 12)] for _ in range(config.premises)])
                distractors = tuple([int(random_() * 4 * chain) for _ in range(config.distractors)])
                flipped = random_() < 0.5
                decided = _conclusions(links, distractors, chain, flipped)
                if decided is not None and decided[label]:
                    form = decided[label][int(random_() * len(decided[label]))]
                    is_valid = want_valid
                    break
            else:  # no shape fitted in 400 draws: keep the last one, labelled by the exact decision
                form = _FORMS[int(random_() * 4)]
                decided = _conclusions(links, distractors, chain, flipped)
                is_valid = decided is None or form in decided[0]
        premises = _shape_statements(links, distractors, chain)
        conclusion: Statement = [form, chain - 1, 0] if flipped else [form, 0, chain - 1]
        words = fast_sample(rng, _TERMS, terms)
        fast_shuffle(rng, premises)
        listed = "\n".join(["  " + _SAY[_FORMS.index(f)].format(words[x], words[y]) for f, x, y in premises])
        prompt = (
            "Assume the premises are true and use only logic (the words are made up).\n"
            "Premises:\n" + listed
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
