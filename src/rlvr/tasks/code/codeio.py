"""CodeI/O items (Li et al., 2025, "CodeI/O: Condensing Reasoning Patterns via Code Input-Output
Prediction"): a function, an input and its output; the model predicts one from the other.

An item's function is either a real one from the `algorithms` package (`library`) or a
generated one (`programs`); half of the items draw each. The output is computed at
generation time, in-process, under a line budget (`bounded`): only rlvr's own code runs
there. The number of lines executed is the item's effort.

Where rlvr differs from the paper: CodeI/O collects functions from many sources and writes
inputs with an LLM; here functions come from one audited package plus a template generator,
inputs from hand-written generators, so every item is reproducible from (seed, difficulty,
index). Values are compared strictly (same types all the way down), not as JSON.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata as package_metadata
from typing import Any

from rlvr.tasks.base import TaskError
from rlvr.tasks.code import library, programs
from rlvr.tasks.code.bounded import BudgetExceeded, run_bounded
from rlvr.tasks.code.literals import LiteralError, literal_text

MAX_LINES = 50_000  # executed lines per item at generation (well under a second)
MAX_OUTPUT_CHARS = 200  # longer outputs are redrawn: an answer should be a value, not a transcript
MAX_ARGS_CHARS = 300
ATTEMPTS = 40
LIBRARY_SHARE = 0.5


@dataclass(frozen=True)
class CodeIOConfig:
    """Knobs: the hardest library tier drawn, the input size, and the generated programs' shape."""

    library_tier: int  # 1..3: loops; sorts/searches/strings/DP; graphs/regex/nested DP
    data_size: int  # list and string length, magnitude of numbers
    statements: int  # simple statements in a generated program
    loop_depth: int  # nested loops in a generated program
    branches: int  # if/else blocks in a generated program


def config_for(difficulty: int) -> CodeIOConfig:
    return CodeIOConfig(
        library_tier=1 if difficulty <= 3 else 2 if difficulty <= 6 else 3,
        data_size=2 + difficulty,
        statements=1 + difficulty,
        loop_depth=1 if difficulty <= 3 else 2 if difficulty <= 7 else 3,
        branches=difficulty // 2,
    )


@dataclass(frozen=True)
class Sample:
    """One function with one input and its output, all as text ready for a prompt."""

    source: str
    function: str
    args: tuple[Any, ...]
    output: Any
    origin: str  # "algorithms.<module>.<function>" or "generated"
    lines: int

    @property
    def call(self) -> str:
        return f"{self.function}({', '.join(literal_text(a) for a in self.args)})"

    def metadata(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "function": self.function,
            "args": literal_text(self.args),
            "output": literal_text(self.output),
            "origin": self.origin,
            "question_kind": self.origin,
            "effort": self.lines,
            **({"algorithms_version": _algorithms_version()} if self.origin != "generated" else {}),
        }


def draw(rng: random.Random, config: CodeIOConfig) -> Sample:
    """A function and an input whose output is short, plain and cheap to compute."""
    if not 1 <= config.library_tier <= 3 or not 1 <= config.data_size <= 40:
        raise TaskError("code tasks need library_tier 1..3 and data_size 1..40")
    for _ in range(ATTEMPTS):
        if rng.random() < LIBRARY_SHARE:
            sample = _library_sample(rng, config)
        else:
            sample = _program_sample(rng, config)
        if sample is not None:
            return sample
    raise TaskError(f"no code item with an output of at most {MAX_OUTPUT_CHARS} characters in {ATTEMPTS} draws")


def _library_sample(rng: random.Random, config: CodeIOConfig) -> Sample | None:
    # Most draws come from the top tier the difficulty allows, the rest from the easier ones.
    pool = library.entries(config.library_tier)
    top = [e for e in pool if e.tier == config.library_tier]
    entry = rng.choice(top if rng.random() < 0.6 else pool)
    args = entry.generate(rng, config.data_size)
    return _finish(library.snippet(entry), entry.function, library.function_of(entry), args, f"algorithms.{entry.key}")


def _program_sample(rng: random.Random, config: CodeIOConfig) -> Sample | None:
    source = programs.build(rng, config.statements, config.loop_depth, config.branches)
    args = programs.arguments(rng, config.data_size)
    return _finish(source, programs.NAME, programs.compile_program(source), args, "generated")


def _finish(source: str, name: str, function: Any, args: tuple[Any, ...], origin: str) -> Sample | None:
    try:
        output, lines = run_bounded(function, args, MAX_LINES)
        if len(literal_text(output)) > MAX_OUTPUT_CHARS or len(literal_text(args)) > MAX_ARGS_CHARS:
            return None
    except (BudgetExceeded, LiteralError, RecursionError):
        return None
    except Exception:  # noqa: BLE001 - a trusted function refusing a drawn input: draw another
        return None
    return Sample(source=source, function=name, args=tuple(args), output=output, origin=origin, lines=lines)


@lru_cache(maxsize=1)
def _algorithms_version() -> str:
    try:
        return package_metadata.version(library.PACKAGE)
    except package_metadata.PackageNotFoundError:
        return "unknown"
