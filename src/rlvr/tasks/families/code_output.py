"""CodeI/O output prediction: read a function and an input, predict the returned value.

The prediction is parsed with `ast.literal_eval` under size and depth bounds (never `eval`)
and must equal the real output, computed at generation time, as the same Python value
(`rlvr.tasks.code.literals.same_value`). Nothing the model writes is run.
"""

from __future__ import annotations

import random
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, Task, register
from rlvr.tasks.code import codeio
from rlvr.tasks.code.literals import LiteralError, parse_literal, same_value
from rlvr.tasks.families._kit import invalid, take_answer
from rlvr.verify.verdict import Reason, Verdict

INSTRUCTION = ("Reason about what the code does step by step, in plain language. Then give the returned value "
               "as a Python literal, exactly as `repr` would print it, inside <answer></answer> tags.")


@register
class CodeOutput(Task):
    """Predict a function's output (CodeI/O output prediction)."""

    name: ClassVar[str] = "code_output"
    description: ClassVar[str] = ("Predict the value a Python function returns: real functions from the "
                                  "`algorithms` package and generated programs (CodeI/O output prediction)")
    answer_format: ClassVar[str] = "a Python literal (the returned value) in <answer></answer>"
    category: ClassVar[str] = "code"
    Config: ClassVar[type] = codeio.CodeIOConfig

    def config_for(self, difficulty: int) -> codeio.CodeIOConfig:
        return codeio.config_for(difficulty)

    def make(self, rng: random.Random, config: codeio.CodeIOConfig) -> tuple[str, str, dict[str, Any]]:
        sample = codeio.draw(rng, config)
        prompt = (f"Here is a Python function:\n\n```python\n{sample.source.rstrip()}\n```\n\n"
                  f"What does `{sample.call}` return?\n\n{INSTRUCTION}")
        meta = sample.metadata()
        return prompt, meta["output"], {**meta, "call": sample.call}

    def check(self, problem: Problem, response: str) -> Verdict:
        """The predicted literal equals the real output (same value and types)."""
        if not isinstance(response, str):
            return self.no_answer("the response is not a string")
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        try:
            predicted = parse_literal(text)
        except LiteralError as error:
            return invalid(text[:200], str(error))
        try:
            expected = parse_literal(problem.metadata.get("output", problem.answer), max_chars=1 << 20)
        except LiteralError as error:
            return Verdict(False, Reason.INVALID_GOLD, extracted=text[:200], detail=f"the stored output: {error}")
        if same_value(predicted, expected):
            return Verdict(True, Reason.EQUAL_STRING, extracted=text[:200], detail="the same Python value")
        return Verdict(False, Reason.NOT_EQUAL, extracted=text[:200], detail="a different value (or type)")

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """A value of the same shape that differs from the output."""
        value = parse_literal(problem.answer, max_chars=1 << 20)
        return repr(_changed(value, rng))


def _changed(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice((-1, 1)) * rng.randint(1, 5)
    if isinstance(value, float):
        return value + 1.5
    if isinstance(value, str):
        return value + rng.choice("xyz") if not value or rng.random() < 0.5 else value[:-1]
    if isinstance(value, list):
        return [*value, 0] if not value or rng.random() < 0.5 else [_changed(value[0], rng), *value[1:]]
    if isinstance(value, tuple):
        return (*value, 0) if not value else (_changed(value[0], rng), *value[1:])
    if isinstance(value, set):
        return value | {max((v for v in value if isinstance(v, int)), default=0) + 1} if value else {0}
    if value is None:
        return 0
    return None
