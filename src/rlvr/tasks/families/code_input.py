"""CodeI/O input prediction: read a function and an output, give an input that produces it.

Any input that reproduces the output is right (CodeI/O's re-execution rule): the predicted
call's arguments are parsed with `ast.literal_eval` (never `eval`), then the function is run
on them in `rlvr.execute`'s sandbox, with the function's source embedded in the program, and
the printed result must be the same Python value as the given output. The stored input is
accepted without a run (re-executing it would give the output it was made from).
"""

from __future__ import annotations

import ast
import random
from typing import Any, ClassVar

from rlvr.tasks.base import Problem, Task, register
from rlvr.tasks.code import codeio, sandboxed
from rlvr.tasks.code.bounded import run_bounded
from rlvr.tasks.code.literals import MAX_DEPTH, MAX_LITERAL_CHARS, LiteralError, bracket_depth, parse_literal, same_value
from rlvr.tasks.families._kit import invalid, take_answer
from rlvr.verify.verdict import Reason, Verdict

CHECK_TIMEOUT_S = 3.0
CHECK_MEMORY_MB = 256


def parse_call(text: str, function: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The literal arguments of `function(...)` written in `text`; LiteralError otherwise."""
    body = text.strip()
    if body.startswith("```") and body.endswith("```") and len(body) >= 6:
        body = body[3:-3].strip().removeprefix("python").strip()
    if len(body) > MAX_LITERAL_CHARS:
        raise LiteralError(f"prediction longer than {MAX_LITERAL_CHARS} characters")
    if bracket_depth(body) > MAX_DEPTH:
        raise LiteralError(f"prediction nested deeper than {MAX_DEPTH} brackets")
    try:
        tree = ast.parse(body, mode="eval").body
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        raise LiteralError(f"not a call: {type(error).__name__}") from None
    if not (isinstance(tree, ast.Call) and isinstance(tree.func, ast.Name) and tree.func.id == function):
        raise LiteralError(f"the answer must be a call {function}(...) with literal arguments")
    try:
        args = tuple(ast.literal_eval(node) for node in tree.args)
        kwargs = {}
        for keyword in tree.keywords:
            if keyword.arg is None:
                raise LiteralError("** arguments are not literals")
            kwargs[keyword.arg] = ast.literal_eval(keyword.value)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError) as error:
        raise LiteralError(f"an argument is not a Python literal: {type(error).__name__}") from None
    return args, kwargs


@register
class CodeInput(Task):
    """Predict an input that gives a function's output (CodeI/O input prediction)."""

    name: ClassVar[str] = "code_input"
    description: ClassVar[str] = ("Find an input for which a Python function returns a given value; any input "
                                  "that reproduces it in the sandbox counts (CodeI/O input prediction)")
    answer_format: ClassVar[str] = "a call f(...) with Python literal arguments in <answer></answer>"
    category: ClassVar[str] = "code"
    Config: ClassVar[type] = codeio.CodeIOConfig
    check_seconds: ClassVar[float | None] = CHECK_TIMEOUT_S

    def config_for(self, difficulty: int) -> codeio.CodeIOConfig:
        return codeio.config_for(difficulty)

    def make(self, rng: random.Random, config: codeio.CodeIOConfig) -> tuple[str, str, dict[str, Any]]:
        sample = codeio.draw(rng, config)
        meta = sample.metadata()
        prompt = (f"Here is a Python function:\n\n```python\n{sample.source.rstrip()}\n```\n\n"
                  f"Find arguments for which `{sample.function}` returns this value:\n\n{meta['output']}\n\n"
                  "Reason step by step in plain language about what input would produce it. Then write the call, "
                  f"`{sample.function}(...)` with Python literals as its arguments, inside <answer></answer> tags. "
                  "Any input for which the function returns exactly this value is accepted.")
        return prompt, sample.call, {**meta, "call": sample.call}

    def check(self, problem: Problem, response: str) -> Verdict:
        """The predicted call, run in the sandbox, returns the given output."""
        return self.check_many(problem, [response])[0]

    def check_many(self, problem: Problem, responses: list[str]) -> list[Verdict]:
        """Verdicts for several responses to one problem; the sandbox runs once for the batch."""
        meta = problem.metadata
        try:
            function, source = str(meta["function"]), str(meta["source"])
            expected = parse_literal(meta["output"], max_chars=1 << 20)
            gold_args = parse_literal(meta["args"], max_chars=1 << 20)
        except (KeyError, TypeError, LiteralError) as error:
            bad = Verdict(False, Reason.INVALID_GOLD, detail=f"the problem's metadata is incomplete: {error!r}"[:300])
            return [bad] * len(responses)
        verdicts: list[Verdict | None] = []
        pending: list[tuple[int, str, str]] = []
        for n, response in enumerate(responses):
            if not isinstance(response, str):
                verdicts.append(self.no_answer("the response is not a string"))
                continue
            text, failed = take_answer(response)
            if failed is not None:
                verdicts.append(failed)
                continue
            try:
                args, kwargs = parse_call(text, function)
            except LiteralError as error:
                verdicts.append(invalid(text[:200], str(error)))
                continue
            if not kwargs and same_value(args, gold_args):
                verdicts.append(Verdict(True, Reason.VALID_SOLUTION, extracted=text[:200], detail="the stored input"))
                continue
            verdicts.append(None)
            pending.append((n, text, sandboxed.call_program(source, function, args, kwargs)))
        results = sandboxed.run_all([program for _, _, program in pending], timeout=CHECK_TIMEOUT_S,
                                    memory_mb=CHECK_MEMORY_MB) if pending else []
        for (n, text, _), result in zip(pending, results, strict=True):
            verdicts[n] = _judge(result, text[:200], expected)
        return [v for v in verdicts if v is not None]

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Another drawn input whose output differs (computed in-process: rlvr's own function and input)."""
        meta = problem.metadata
        expected = parse_literal(meta["output"], max_chars=1 << 20)
        args = parse_literal(meta["args"], max_chars=1 << 20)
        namespace: dict[str, Any] = {"__name__": "rlvr_corrupt"}
        exec(compile(meta["source"], "<task>", "exec"), namespace)  # noqa: S102 - the task's own trusted source
        function = namespace[meta["function"]]
        for _ in range(50):
            changed = tuple(_nudge(a, rng) for a in args)
            try:
                output, _ = run_bounded(function, changed, codeio.MAX_LINES)
            except Exception:  # noqa: BLE001 - an input the function rejects is wrong too
                return _call(meta["function"], changed)
            if not same_value(output, expected):
                return _call(meta["function"], changed)
        return f"{meta['function']}()"  # no arguments at all: a TypeError, never the output


def _judge(result: Any, extracted: str, expected: Any) -> Verdict:
    failed = sandboxed.failure(result, extracted)
    if failed is not None:
        return failed
    printed = sandboxed.printed_result(result.stdout)
    if printed is None:
        return Verdict(False, Reason.RULE_VIOLATION, extracted=extracted, detail="the call printed no result")
    try:
        value = parse_literal(printed, max_chars=1 << 16)
    except LiteralError:
        return Verdict(False, Reason.NOT_EQUAL, extracted=extracted, detail="the call returned a value that is not a literal")
    if same_value(value, expected):
        return Verdict(True, Reason.VALID_SOLUTION, extracted=extracted, detail="the sandboxed run returned the output")
    return Verdict(False, Reason.NOT_EQUAL, extracted=extracted, detail=f"the call returned {printed[:100]}")


def _nudge(value: Any, rng: random.Random) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + rng.choice((-1, 1)) * rng.randint(1, 3)
    if isinstance(value, str):
        return value + rng.choice("ab1") if rng.random() < 0.5 or not value else value[1:]
    if isinstance(value, list):
        return [_nudge(v, rng) if rng.random() < 0.5 else v for v in value] + ([rng.randint(0, 9)] if rng.random() < 0.3 else [])
    return value


def _call(function: str, args: tuple[Any, ...]) -> str:
    return f"{function}({', '.join(repr(a) for a in args)})"
