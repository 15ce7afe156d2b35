"""Continue an integer sequence made by a rule from a small, stated grammar.

The grammar: polynomials of degree <= 3 in the position, geometric a*r^n, affine
recurrences x' = p*x + q, second-order recurrences x'' = a*x' + b*x, and two
interleaved arithmetic sequences (all integer parameters). Several rules can fit the
shown terms and predict differently; generation prefers sequences where every
fitting rule agrees, and the check accepts the prediction of ANY rule in the grammar
that reproduces all shown terms, so a correct-but-different induction is never
scored wrong.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._text import invalid, take, wrong
from rlvr.verify.verdict import Reason, Verdict

MAX_MAGNITUDE = 10**12
_INTEGER = re.compile(r"[+-]?[0-9]{1,40}")  # ASCII: \d also matches other scripts
RULES = ("arithmetic", "geometric", "quadratic", "interleaved", "affine", "cubic", "order2")
_PARAMETERS = {"arithmetic": 2, "geometric": 2, "quadratic": 3, "interleaved": 4, "affine": 3, "cubic": 4, "order2": 4}


# Fitting: each returns the next `ask` terms if the rule reproduces every shown term, else None.

def fit_polynomial(terms: list[int], degree: int, ask: int) -> list[int] | None:
    """Degree-`degree` polynomial in the position, via the finite-difference table."""
    if len(terms) < degree + 2:
        return None
    rows = [list(terms)]
    for _ in range(degree + 1):
        rows.append([b - a for a, b in zip(rows[-1], rows[-1][1:])])
    if any(rows[-1]):
        return None
    table = [row[-1] for row in rows[:-1]]
    out = []
    for _ in range(ask):
        for level in range(degree - 1, -1, -1):
            table[level] += table[level + 1]
        out.append(table[0])
    return out


def fit_geometric(terms: list[int], ask: int) -> list[int] | None:
    if len(terms) < 3 or terms[0] == 0 or terms[1] % terms[0]:
        return None
    ratio = terms[1] // terms[0]
    if any(b != a * ratio for a, b in zip(terms, terms[1:])):
        return None
    return [terms[-1] * ratio ** (k + 1) for k in range(ask)]


def fit_affine(terms: list[int], ask: int) -> list[int] | None:
    """x' = p*x + q with integer p and q."""
    if len(terms) < 4:
        return None
    pairs = [(a, b) for a, b in zip(terms, terms[1:])]
    base = next(((x0, x1, x2) for (x0, x1), (_, x2) in zip(pairs, pairs[1:]) if x1 != x0), None)
    if base is None:
        return [terms[-1]] * ask if len(set(terms)) == 1 else None
    x0, x1, x2 = base
    if (x2 - x1) % (x1 - x0):
        return None
    p = (x2 - x1) // (x1 - x0)
    q = x1 - p * x0
    if any(b != p * a + q for a, b in pairs):
        return None
    out, x = [], terms[-1]
    for _ in range(ask):
        x = p * x + q
        out.append(x)
    return out


def fit_order2(terms: list[int], ask: int) -> list[int] | None:
    """x'' = a*x' + b*x with integer a and b."""
    if len(terms) < 5:
        return None
    for i in range(len(terms) - 3):
        t0, t1, t2, t3 = terms[i: i + 4]
        det = t1 * t1 - t0 * t2
        if det == 0:
            continue
        a_num, b_num = t2 * t1 - t0 * t3, t1 * t3 - t2 * t2
        if a_num % det or b_num % det:
            return None
        a, b = a_num // det, b_num // det
        if any(terms[k + 2] != a * terms[k + 1] + b * terms[k] for k in range(len(terms) - 2)):
            return None
        out, prev, cur = [], terms[-2], terms[-1]
        for _ in range(ask):
            prev, cur = cur, a * cur + b * prev
            out.append(cur)
        return out
    return None


def fit_interleaved(terms: list[int], ask: int) -> list[int] | None:
    """Even and odd positions each an arithmetic sequence."""
    if len(terms) < 6:
        return None
    evens, odds = terms[0::2], terms[1::2]
    step_even, step_odd = evens[1] - evens[0], odds[1] - odds[0]
    if any(b - a != step_even for a, b in zip(evens, evens[1:])) or any(b - a != step_odd for a, b in zip(odds, odds[1:])):
        return None
    out = []
    for k in range(len(terms), len(terms) + ask):
        out.append(evens[0] + step_even * (k // 2) if k % 2 == 0 else odds[0] + step_odd * (k // 2))
    return out


FITTERS: dict[str, Callable[[list[int], int], list[int] | None]] = {
    "arithmetic": lambda t, k: fit_polynomial(t, 1, k),
    "quadratic": lambda t, k: fit_polynomial(t, 2, k),
    "cubic": lambda t, k: fit_polynomial(t, 3, k),
    "geometric": fit_geometric,
    "affine": fit_affine,
    "order2": fit_order2,
    "interleaved": fit_interleaved,
}


def consistent_predictions(terms: list[int], ask: int) -> dict[str, list[int]]:
    """Every grammar rule that reproduces `terms`, with its next `ask` terms."""
    found = {}
    for rule, fit in FITTERS.items():
        prediction = fit(terms, ask)
        if prediction is not None:
            found[rule] = prediction
    return found


def _nonzero(rng: random.Random, low: int, high: int) -> int:
    return rng.choice([v for v in range(low, high + 1) if v != 0])


def sample_terms(rng: random.Random, rule: str, count: int, scale: int) -> list[int]:
    """`count` terms of a random instance of `rule`; `scale` widens the parameter ranges."""
    if rule in ("arithmetic", "quadratic", "cubic"):
        degree = {"arithmetic": 1, "quadratic": 2, "cubic": 3}[rule]
        coefficients = [rng.randint(-3 * scale, 3 * scale) for _ in range(degree)]
        coefficients.append(_nonzero(rng, -scale, scale))
        return [sum(c * n**power for power, c in enumerate(coefficients)) for n in range(1, count + 1)]
    if rule == "geometric":
        first, ratio = _nonzero(rng, -scale, scale), rng.choice([-3, -2, 2, 3] + ([4, 5] if scale > 3 else []))
        return [first * ratio**n for n in range(count)]
    if rule == "interleaved":
        a, b = rng.randint(-5 * scale, 5 * scale), rng.randint(-5 * scale, 5 * scale)
        da, db = _nonzero(rng, -2 * scale, 2 * scale), _nonzero(rng, -2 * scale, 2 * scale)
        return [a + da * (n // 2) if n % 2 == 0 else b + db * (n // 2) for n in range(count)]
    if rule == "affine":
        p, q, x = rng.choice([-2, 2, 3]), _nonzero(rng, -2 * scale, 2 * scale), rng.randint(-scale, 2 * scale)
        out = [x]
        while len(out) < count:
            out.append(p * out[-1] + q)
        return out
    a, b = rng.randint(1, 2), rng.choice([-1, 1, 2])
    out = [rng.randint(-scale, 2 * scale), rng.randint(1, 3 * scale)]
    while len(out) < count:
        out.append(a * out[-1] + b * out[-2])
    return out


@dataclass(frozen=True)
class SequenceConfig:
    """Rules drawn from `rules`; `shown` terms given, `ask` to predict; `scale` sizes the parameters."""

    rules: str
    shown: int
    ask: int
    scale: int


_LEVELS = {
    1: SequenceConfig("arithmetic", 5, 1, 2),
    2: SequenceConfig("arithmetic", 5, 1, 3),
    3: SequenceConfig("arithmetic,geometric", 5, 1, 3),
    4: SequenceConfig("quadratic,geometric", 6, 1, 3),
    5: SequenceConfig("quadratic,interleaved", 7, 2, 3),
    6: SequenceConfig("interleaved,affine", 7, 2, 4),
    7: SequenceConfig("cubic,affine", 7, 2, 4),
    8: SequenceConfig("cubic,order2", 7, 2, 5),
    9: SequenceConfig("cubic,affine,order2,interleaved", 7, 3, 6),
    10: SequenceConfig("cubic,affine,order2,interleaved", 7, 3, 9),
}


def parse_terms(text: str) -> list[int] | None:
    parts = [p for p in re.split(r"[,\s;]+", text.strip().strip("[]().")) if p]
    if not parts or len(parts) > 50 or not all(_INTEGER.fullmatch(p) for p in parts):
        return None
    return [int(p) for p in parts]


@register
class SequenceInduction(Task):
    """Predict the next terms; any rule of the grammar that fits the shown terms is accepted."""

    name: ClassVar[str] = "sequence_induction"
    description: ClassVar[str] = "Find the rule behind an integer sequence and give its next terms"
    answer_format: ClassVar[str] = "the next terms, comma-separated integers"
    category: ClassVar[str] = "strings"
    Config: ClassVar[type] = SequenceConfig

    def config_for(self, difficulty: int) -> SequenceConfig:
        return _LEVELS[difficulty]

    def make(self, rng: random.Random, config: SequenceConfig) -> tuple[str, str, dict[str, Any]]:
        rules = [r.strip() for r in config.rules.split(",") if r.strip()]
        if not rules or set(rules) - set(RULES) or not 6 <= config.shown + 1 <= 30 or not 1 <= config.ask <= 10 or config.scale < 1:
            raise TaskError(f"sequence_induction needs rules from {RULES}, shown 5..29, ask 1..10, scale >= 1")
        best: tuple[Any, ...] | None = None
        for _ in range(40):
            rule = rng.choice(rules)
            terms = sample_terms(rng, rule, config.shown + config.ask, config.scale)
            if max(abs(t) for t in terms) > MAX_MAGNITUDE or len(set(terms)) < 3:
                continue
            shown, gold = terms[: config.shown], terms[config.shown:]
            predictions = consistent_predictions(shown, config.ask)
            accepted = sorted({tuple(p) for p in predictions.values()})
            candidate = (rule, shown, gold, accepted)
            if best is None or len(accepted) < len(best[3]):
                best = candidate
            if len(accepted) == 1:
                break
        if best is None:
            raise TaskError("sequence_induction could not draw a sequence within the size limit")
        rule, shown, gold, accepted = best
        noun = "term" if config.ask == 1 else f"{config.ask} terms"
        example = ", ".join(str(v) for v in range(11, 11 + config.ask))
        prompt = (
            f"Here is the start of an integer sequence:\n{', '.join(map(str, shown))}\n\n"
            f"It follows one rule of these kinds (all parameters integers): a polynomial of degree at most 3 in "
            f"the position; a*r^n; each term = p * previous + q; each term = a * previous + b * the one before; "
            f"or two arithmetic sequences interleaved. Give the next {noun}.\n"
            f"Answer with {'the integer' if config.ask == 1 else 'the integers separated by commas'} "
            f"(for example: {example}).\n{ANSWER_INSTRUCTION}"
        )
        metadata = {
            "rule": rule,
            "shown": shown,
            "accepted": [list(a) for a in accepted],
            "effort": _PARAMETERS[rule] * 4 + config.ask + len(str(max(abs(t) for t in shown))),
        }
        return prompt, ", ".join(map(str, gold)), metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        """Accepted if the terms match the prediction of any grammar rule consistent with the shown terms."""
        text, failed = take(response, limit=1024)
        if text is None:
            return failed
        got = parse_terms(text)
        if got is None:
            return invalid(text, "the answer must be integers separated by commas")
        normalized = ", ".join(map(str, got))
        accepted = [list(a) for a in problem.metadata["accepted"]]
        ask = len(accepted[0]) if accepted else len(problem.answer.split(","))
        if len(got) != ask:
            return invalid(text, f"give exactly {ask} term(s)")
        if normalized == problem.answer:
            return Verdict(True, Reason.EQUAL_TUPLE, extracted=text, normalized=normalized, gold_normalized=problem.answer)
        if got in accepted:
            return Verdict(True, Reason.VALID_SOLUTION, extracted=text, normalized=normalized, gold_normalized=problem.answer,
                           detail="continues another rule of the grammar that fits every shown term")
        return wrong(text, normalized, problem.answer)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The gold with its last term moved so that no fitting rule predicts it."""
        terms = [int(t) for t in problem.answer.split(",")]
        accepted = [list(a) for a in problem.metadata["accepted"]]
        offset = rng.randint(1, 5)
        while True:
            candidate = terms[:-1] + [terms[-1] + offset]
            if candidate not in accepted:
                return ", ".join(map(str, candidate))
            offset += 1
