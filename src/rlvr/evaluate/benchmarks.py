"""The shipped math benchmarks as papers report them: whole datasets (or a fixed subset), one row each.

A benchmark row holds n (problems), the accuracy as papers name it -- `greedy` for one
temperature-0 sample, `avg@k` (the mean accuracy over k samples per problem, as in
SimpleRL-Zoo and DeepSeek-R1's reports) otherwise -- the unbiased pass@k (Chen et al. 2021,
`rlvr.analysis.pass_at_k`) at k = samples, the mean response tokens and the format rate.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from rlvr.evaluate.runner import EvalError, EvalResult, SampleRecord, Summary, summarise_group
from rlvr.tasks import Problem, get
from rlvr.tasks.math_data import MathDatasetTask

BENCHMARKS = ("math500", "gsm8k", "aime24", "amc23")


def parse_n(text: str | int) -> int | None:
    """'all' -> None (every problem), '50' -> 50."""
    if isinstance(text, int):
        value = text
    elif str(text).strip().lower() == "all":
        return None
    else:
        try:
            value = int(str(text).strip())
        except ValueError:
            raise EvalError(f"--n takes a positive integer or 'all'; got {text!r}") from None
    if value < 1:
        raise EvalError(f"--n must be >= 1 or 'all'; got {value}")
    return value


def benchmark_problems(names: list[str], n: int | None, seed: int) -> list[Problem]:
    """Every problem of each named dataset in file order (n None), or the first `n` of a seeded shuffle.

    The subset is the same for every model and run with the same seed, so results on it compare;
    problem ids are the dataset's own (`math500-test/precalculus/807.json`), whatever the subset.
    """
    if not names:
        raise EvalError("name at least one benchmark")
    problems: list[Problem] = []
    for name in names:
        task = get(name)
        if not isinstance(task, MathDatasetTask):
            raise EvalError(f"{name} is not a dataset benchmark; --benchmarks takes {', '.join(BENCHMARKS)} "
                            "(other tasks go through --tasks)")
        problems.extend(task.all_problems() if n is None else task.distinct_problems(seed=seed)[:n])
    return problems


@dataclass(frozen=True)
class BenchmarkRow:
    """One benchmark's line of the paper table."""

    benchmark: str
    problems: int
    samples: int
    metric: str  # "greedy" or "avg@k"
    accuracy: float
    pass_k: int
    pass_at_k: float
    mean_tokens: float
    format_rate: float
    truncated_rate: float

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def accuracy_name(samples: int, temperature: float) -> str:
    """`greedy` for one temperature-0 sample, else `avg@k`."""
    return "greedy" if samples == 1 and temperature == 0 else f"avg@{samples}"


def benchmark_rows(result: EvalResult) -> list[BenchmarkRow]:
    """One row per task in the result (all its difficulties together), plus nothing else."""
    by_task: dict[str, list[SampleRecord]] = defaultdict(list)
    for record in result.records:
        by_task[record.task].append(record)
    samples = result.overall.samples
    name = accuracy_name(samples, result.params.temperature)
    rows = []
    for task, records in by_task.items():
        summary: Summary = summarise_group(task, None, records, samples)
        k = max(summary.pass_at_k)
        rows.append(BenchmarkRow(benchmark=task, problems=summary.problems, samples=samples, metric=name,
                                 accuracy=summary.accuracy, pass_k=k, pass_at_k=summary.pass_at_k[k],
                                 mean_tokens=summary.mean_tokens, format_rate=summary.format_rate,
                                 truncated_rate=summary.truncated_rate))
    return rows


def markdown(rows: list[BenchmarkRow]) -> str:
    """The rows as a Markdown table (what a paper's table would show)."""
    if not rows:
        return ""
    metric, k = rows[0].metric, rows[0].pass_k
    lines = [f"| benchmark | n | {metric} | pass@{k} | mean tokens | format rate | truncated |",
             "|---|---:|---:|---:|---:|---:|---:|"]
    lines += [f"| {r.benchmark} | {r.problems} | {r.accuracy:.3f} | {r.pass_at_k:.3f} | {r.mean_tokens:.1f} | "
              f"{r.format_rate:.3f} | {r.truncated_rate:.3f} |" for r in rows]
    return "\n".join(lines)


def show_benchmarks(result: EvalResult) -> None:
    """Print the per-benchmark table (rich) under the per-difficulty one."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    rows = benchmark_rows(result)
    console = Console()
    if not console.is_terminal:
        console = Console(width=160)
    view = Table(title=f"benchmarks ({result.meta.get('template', 'task')} template)", title_justify="left",
                 box=box.SIMPLE_HEAD)
    for name in ("benchmark", "n", rows[0].metric, f"pass@{rows[0].pass_k}", "tok mean", "format", "trunc"):
        view.add_column(name, justify="left" if name == "benchmark" else "right", no_wrap=True)
    for r in rows:
        view.add_row(r.benchmark, str(r.problems), f"{r.accuracy:.3f}", f"{r.pass_at_k:.3f}", f"{r.mean_tokens:.1f}",
                     f"{r.format_rate:.3f}", f"{r.truncated_rate:.3f}")
    console.print(view)
    console.print(f"{rows[0].metric}: mean accuracy over {rows[0].samples} sample(s) per problem at temperature "
                  f"{result.params.temperature:g}, top_p {result.params.top_p:g}; pass@k: unbiased estimator "
                  "(Chen et al. 2021)")
