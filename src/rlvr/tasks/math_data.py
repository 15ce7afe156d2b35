"""Bundled math benchmarks (MATH-500, GSM8K, AIME 2024, AMC 2023) as task families.

Each dataset is split into difficulty pools by a hardness key the dataset itself
provides (MATH-500's `level`, GSM8K's number of calculation steps, the contest
problem number for AIME and AMC). `problem(i)` walks a seeded permutation of the
pool; past the end of the pool the stream cycles with a fresh permutation per
epoch, so item ids stay unique while problems repeat. Checking goes through
`rlvr.verify.check`, and accepts the final answer in `\\boxed{}` or in
`<answer></answer>` tags.
"""

from __future__ import annotations

import json
import random
import re
from dataclasses import asdict, dataclass
from functools import lru_cache
from importlib import resources
from typing import Any, ClassVar

from rlvr.tasks.answers import tagged_or_boxed
from rlvr.tasks.base import MAX_DIFFICULTY, Problem, Task, TaskError, item_rng
from rlvr.verify.verdict import Verdict

MATH_INSTRUCTION = "Solve the problem. Put your final answer in \\boxed{} (or inside <answer></answer> tags)."
CHECK_TIMEOUT_S = 2.0

@dataclass(frozen=True, slots=True)
class Record:
    """One dataset row reduced to what a task needs."""

    key: str
    question: str
    answer: str
    hardness: tuple[float, ...]
    extra: dict[str, Any]


@lru_cache(maxsize=None)
def read_jsonl(filename: str) -> tuple[dict[str, Any], ...]:
    """Rows of a bundled data file (read once per process)."""
    path = resources.files("rlvr.tasks").joinpath("data", filename)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise TaskError(f"bundled data file {filename} is missing; reinstall rlvr") from None
    return tuple(json.loads(line) for line in text.splitlines() if line.strip())


def clean_number(text: str) -> str:
    """`27.0` -> `27`, `1,000` -> `1000`; anything else unchanged."""
    plain = text.strip().replace(",", "")
    if re.fullmatch(r"-?\d+\.0+", plain):
        return plain.split(".")[0]
    return plain if re.fullmatch(r"-?\d+(\.\d+)?", plain) else text.strip()


def split_pools(records: list[Record], pools: int = MAX_DIFFICULTY) -> list[list[Record]]:
    """`records` ordered by hardness and cut into `pools` nearly equal, contiguous parts."""
    ordered = sorted(records, key=lambda r: (r.hardness, r.key))
    size = len(ordered)
    return [ordered[size * k // pools: size * (k + 1) // pools] for k in range(pools)]


def final_math_answer(response: str) -> str | None:
    """The final answer re-boxed for `rlvr.verify.check`: from <answer> tags or the last `\\boxed{}`.

    None when the response has neither.
    """
    answer = tagged_or_boxed(response)
    return None if answer is None else "\\boxed{" + answer + "}"


@dataclass(frozen=True)
class DatasetConfig:
    """Which difficulty pool to draw from (1 = easiest tenth of the dataset)."""

    pool: int


class MathDatasetTask(Task):
    """A bundled math dataset walked deterministically; subclasses say how to read rows."""

    category: ClassVar[str] = "math"
    answer_format: ClassVar[str] = "a final math answer in \\boxed{} (LaTeX allowed) or <answer></answer>"
    filename: ClassVar[str]
    Config: ClassVar[type] = DatasetConfig

    # Subclasses --------------------------------------------------------------

    def record(self, row: dict[str, Any], position: int) -> Record:
        raise NotImplementedError

    def pools(self) -> list[list[Record]]:
        """The records of each difficulty 1..10 (index 0 is difficulty 1), built once per class."""
        cls = type(self)
        if "_cached_pools" not in cls.__dict__:
            cls._cached_pools = self.build_pools(self.records())
        return cls._cached_pools

    def build_pools(self, records: list[Record]) -> list[list[Record]]:
        """Default: the dataset ordered by hardness, cut into ten equal parts."""
        return split_pools(records)

    def config_for(self, difficulty: int) -> DatasetConfig:
        return DatasetConfig(pool=difficulty)

    # Protocol ----------------------------------------------------------------

    def records(self) -> list[Record]:
        """Every record in file order."""
        return [self.record(row, i) for i, row in enumerate(read_jsonl(self.filename))]

    def make(self, rng: random.Random, config: Any) -> tuple[str, str, dict[str, Any]]:
        pool = self._pool(config)
        return self._render(pool[rng.randrange(len(pool))])

    def problem(self, index: int, seed: int = 0, difficulty: int = 5) -> Problem:
        """Item `index`: position `index % len(pool)` of the seeded permutation for epoch `index // len(pool)`."""
        if index < 0:
            raise TaskError(f"index must be >= 0, got {index}")
        config = self.resolved_config(difficulty)
        pool = self._pool(config)
        epoch, position = divmod(index, len(pool))
        order = _permutation(self.name, seed, difficulty, epoch, len(pool), config)
        prompt, answer, metadata = self._render(pool[order[position]])
        metadata = {**metadata, "epoch": epoch, "knobs": asdict(config), "seed": seed, "index": index}
        return Problem(
            id=f"{self.name}-d{difficulty}-s{seed}-{index}",
            task=self.name,
            prompt=prompt,
            answer=answer,
            difficulty=difficulty,
            metadata=metadata,
        )

    def all_problems(self) -> list[Problem]:
        """The whole dataset in file order (for evaluation), each at its own difficulty."""
        where = {r.key: d for d, pool in enumerate(self.pools(), start=1) for r in pool}
        out = []
        for i, record in enumerate(self.records()):
            prompt, answer, metadata = self._render(record)
            difficulty = where[record.key]
            out.append(Problem(id=f"{self.name}-{record.key}", task=self.name, prompt=prompt, answer=answer,
                               difficulty=difficulty, metadata={**metadata, "knobs": {"pool": difficulty}, "index": i}))
        return out

    def distinct_problems(self, seed: int = 0, difficulty: int | None = None) -> list[Problem]:
        """Every problem once, in a seeded order: the pool of `difficulty`, or the whole dataset.

        With a difficulty these are items 0..len(pool)-1 of `problem`'s stream (its first
        epoch); with None, `all_problems` shuffled by `seed`, each at its own difficulty.
        This is what an exported dataset should hold; the training stream cycles instead.
        """
        if difficulty is not None:
            size = len(self._pool(self.resolved_config(difficulty)))
            return [self.problem(index, seed=seed, difficulty=difficulty) for index in range(size)]
        problems = self.all_problems()
        item_rng(self.name, seed, 0, -1).shuffle(problems)
        return problems

    def check(self, problem: Problem, response: str) -> Verdict:
        """Math-verify the boxed or tagged final answer against the gold."""
        if not isinstance(response, str):
            return self.no_answer("the response is not a string")
        final = final_math_answer(response)
        if final is None:
            return self.no_answer("no \\boxed{} answer and no <answer></answer> tag in the response")
        from rlvr.verify import check as verify_check

        return verify_check(final, problem.answer, timeout=CHECK_TIMEOUT_S)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Another problem's gold from the same dataset that verify judges unequal to this gold."""
        from rlvr.verify import check as verify_check

        gold = problem.answer.strip()
        others = sorted({r.answer.strip() for r in self.records()} - {gold})
        rng.shuffle(others)
        for other in others[:20]:
            if not verify_check("\\boxed{" + other + "}", gold, timeout=CHECK_TIMEOUT_S).correct:
                return other
        raise TaskError(f"{self.name}: found no answer unequal to {gold!r}")

    # Internals -----------------------------------------------------------------

    def _pool(self, config: Any) -> list[Record]:
        pools = self.pools()
        if not 1 <= config.pool <= len(pools):
            raise TaskError(f"{self.name}: pool must be 1..{len(pools)}, got {config.pool}")
        return pools[config.pool - 1]

    def _render(self, record: Record) -> tuple[str, str, dict[str, Any]]:
        prompt = f"{record.question.strip()}\n\n{MATH_INSTRUCTION}"
        return prompt, record.answer, {"source_id": record.key, "effort": record.hardness[0], **record.extra}


def contest_position(url: str) -> int:
    """The problem number in its contest (later problems are harder), 0 if unknown."""
    found = re.search(r"Problem_(\d+)", url or "")
    return int(found.group(1)) if found else 0


class ContestDatasetTask(MathDatasetTask):
    """A contest's problems (AIME, AMC) whose hardness is the problem number read from the row's url."""

    def record(self, row: dict[str, Any], position: int) -> Record:
        number = contest_position(row.get("url", ""))
        return Record(
            key=str(row.get("id", position)),
            question=row.get("problem") or row["question"],
            answer=clean_number(str(row["answer"])),
            hardness=(number,),
            extra={"contest_problem": number},
        )


@lru_cache(maxsize=4096)
def _permutation(name: str, seed: int, difficulty: int, epoch: int, size: int, config: Any) -> tuple[int, ...]:
    order = list(range(size))
    item_rng(name, seed, difficulty, -1 - epoch).shuffle(order)
    return tuple(order)
