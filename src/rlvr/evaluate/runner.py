"""Evaluate a sampler on verifiable problems: sample, check every response, summarise.

Summaries are per (task, difficulty) and overall: accuracy (mean verdict score over all
samples), unbiased pass@k, mean and median response tokens, format rate (share with an
extractable final answer) and truncated share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from rlvr.analysis import format_rate, has_final_answer, ks_for, length_stats, mean_pass_at_k
from rlvr.evaluate.sampling import Completion, ProgressHook, Sampler, SamplingParams
from rlvr.evaluate.templates import PromptTemplate
from rlvr.tasks import Problem, Task, TaskError, get
from rlvr.tasks.math_data import MathDatasetTask
from rlvr.tasks.rows import to_messages
from rlvr.verify.pipeline import warm_up
from rlvr.verify.verdict import Verdict

# Held-out problems come from a seed the training recipes never use.
HELDOUT_SEED = 10_000


class EvalError(ValueError):
    """Bad evaluation arguments (no problems, unknown task, ...)."""


@dataclass(frozen=True)
class SampleRecord:
    """One checked response."""

    problem_id: str
    task: str
    difficulty: int
    response: str
    tokens: int
    truncated: bool
    correct: bool
    score: float
    reason: str
    extracted: str | None
    answer: str


@dataclass(frozen=True)
class Summary:
    """Metrics over a set of problems, each sampled `samples` times."""

    task: str
    difficulty: int | None
    problems: int
    samples: int
    accuracy: float
    pass_at_k: dict[int, float]
    mean_tokens: float
    median_tokens: float
    format_rate: float
    truncated_rate: float

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["pass_at_k"] = {str(k): v for k, v in self.pass_at_k.items()}
        return data


@dataclass
class EvalResult:
    """Every checked response, the per-(task, difficulty) summaries and the overall one."""

    model: str
    params: SamplingParams
    records: list[SampleRecord]
    groups: list[Summary]
    overall: Summary
    meta: dict[str, Any] = field(default_factory=dict)

    def to_dict(self, with_records: bool = True) -> dict[str, Any]:
        data: dict[str, Any] = {
            "model": self.model,
            "params": asdict(self.params),
            "overall": self.overall.to_dict(),
            "groups": [g.to_dict() for g in self.groups],
            "meta": self.meta,
        }
        if with_records:
            data["records"] = [asdict(r) for r in self.records]
        return data


def heldout_problems(tasks: Sequence[str], n: int, difficulties: Sequence[int], seed: int = HELDOUT_SEED) -> list[Problem]:
    """`n` distinct problems per (task, difficulty) from the held-out seed (all of them where fewer exist)."""
    if n < 1:
        raise EvalError(f"n (problems per task and difficulty) must be >= 1, got {n}")
    if not tasks:
        raise EvalError("name at least one task")
    if not difficulties:
        raise EvalError("name at least one difficulty")
    problems: list[Problem] = []
    for name in tasks:
        task = get(name)
        for level in difficulties:
            problems.extend(task.distinct(n, seed=seed, difficulty=level))
    return problems


def evaluate_problems(
    sampler: Sampler,
    problems: Sequence[Problem],
    samples: int,
    params: SamplingParams,
    *,
    system_prompt: str | None = None,
    model_name: str = "",
    progress: ProgressHook | None = None,
    template: PromptTemplate | None = None,
) -> EvalResult:
    """Sample each problem `samples` times, check every response with its task, summarise.

    `template` (see `rlvr.evaluate.templates`) turns each problem into chat messages; None is the
    task's own prompt with `system_prompt`.
    """
    if not problems:
        raise EvalError("no problems to evaluate")
    if samples < 1:
        raise EvalError(f"samples per problem must be >= 1, got {samples}")
    if template is None:
        prompts = [to_messages(p, system_prompt) for p in problems]
    else:
        prompts = [template.messages(p, system_prompt) for p in problems]
    completions = sampler.sample(prompts, samples, params, progress)
    if len(completions) != len(problems):
        raise EvalError(f"the sampler returned {len(completions)} prompt results for {len(problems)} problems")
    records = check_completions(problems, completions)
    return summarise(records, samples, params, model_name)


def check_completions(problems: Sequence[Problem], completions: Sequence[Sequence[Completion]]) -> list[SampleRecord]:
    """A `SampleRecord` per completion, judged by the task that made the problem."""
    tasks: dict[str, Task] = {}
    records = []
    for problem, outs in zip(problems, completions, strict=True):
        if problem.task not in tasks:
            try:
                tasks[problem.task] = get(problem.task)
            except TaskError as err:
                raise EvalError(str(err)) from None
            if isinstance(tasks[problem.task], MathDatasetTask):
                warm_up()  # math answers may need the symbolic workers; their start is no check's time
        for out in outs:
            verdict: Verdict = tasks[problem.task].check(problem, out.text)
            records.append(SampleRecord(
                problem_id=problem.id, task=problem.task, difficulty=problem.difficulty, response=out.text,
                tokens=out.tokens, truncated=out.truncated, correct=verdict.correct, score=verdict.score,
                reason=verdict.reason, extracted=verdict.extracted, answer=problem.answer,
            ))
    return records


def summarise(records: Sequence[SampleRecord], samples: int, params: SamplingParams, model_name: str = "") -> EvalResult:
    """Group records by (task, difficulty) and compute every metric."""
    by_group: dict[tuple[str, int], list[SampleRecord]] = defaultdict(list)
    for record in records:
        by_group[(record.task, record.difficulty)].append(record)
    groups = [summarise_group(task, level, rows, samples) for (task, level), rows in sorted(by_group.items())]
    overall = summarise_group("all", None, list(records), samples)
    return EvalResult(model=model_name, params=params, records=list(records), groups=groups, overall=overall)


def summarise_group(task: str, difficulty: int | None, rows: list[SampleRecord], samples: int) -> Summary:
    """One `Summary` over `rows` (any grouping: a task and difficulty, a whole benchmark, everything)."""
    per_problem: dict[str, list[SampleRecord]] = defaultdict(list)
    for row in rows:
        per_problem[row.problem_id].append(row)
    counts = [len(v) for v in per_problem.values()]
    correct = [sum(r.correct for r in v) for v in per_problem.values()]
    smallest = min(counts)
    lengths = length_stats([r.tokens for r in rows], [r.truncated for r in rows])
    verdicts = [_as_verdict(r) for r in rows]
    return Summary(
        task=task,
        difficulty=difficulty,
        problems=len(per_problem),
        samples=samples,
        accuracy=sum(r.score for r in rows) / len(rows),
        pass_at_k={k: mean_pass_at_k(counts, correct, k) for k in ks_for(smallest)},
        mean_tokens=lengths.mean,
        median_tokens=lengths.median,
        format_rate=format_rate(verdicts),
        truncated_rate=lengths.truncated_rate,
    )


def _as_verdict(record: SampleRecord) -> Verdict:
    return Verdict(correct=record.correct, reason=record.reason, extracted=record.extracted, score=record.score)


def formatted(records: Iterable[SampleRecord]) -> list[bool]:
    """Per record: was a final answer found."""
    return [has_final_answer(_as_verdict(r)) for r in records]
