"""`rlvr analyze RUN_OR_SAMPLES.jsonl [--json OUT]`: behaviour, exploration and hacking metrics offline."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer

from rlvr.atomic import AtomicFile, OutputError
from rlvr.cli_support import fail, given_options, note, progress

# the per-step table's columns: (key, header)
STEP_COLUMNS = (
    ("samples", "n"), ("accuracy", "acc"), ("reflection", "reflect"), ("verification", "verify"),
    ("backtracking", "backtrack"), ("subgoal_setting", "subgoal"), ("enumeration", "enum"),
    ("length_mean", "len"), ("clip_ratio", "clip"), ("entropy", "entropy"), ("balance", "balance"),
    ("hacking_share", "hack"), ("format_rate", "format"),
)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, int):
        return str(value)
    return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"


def _print(report: dict[str, Any]) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console(highlight=False)
    if not console.is_terminal:  # a pipe or file: wide enough that no column is cut
        console = Console(highlight=False, width=180)
    overall = Table(title="rlvr analyze: all samples")
    overall.add_column("metric", style="bold")
    overall.add_column("value", justify="right")
    for key, value in report["overall"].items():
        overall.add_row(key, _cell(value))
    console.print(overall)
    if len(report["steps"]) > 1:
        steps = Table(title="per step")
        steps.add_column("step", justify="right")
        for _, header in STEP_COLUMNS:
            steps.add_column(header, justify="right")
        for row in report["steps"]:
            steps.add_row(str(row["step"]), *(_cell(row.get(key)) for key, _ in STEP_COLUMNS))
        console.print(steps)
    if "judge" in report:
        agree = Table(title="rules vs judge")
        for header in ("behaviour", "rules rate", "judge rate", "agreement", "Cohen's kappa"):
            agree.add_column(header, justify="right")
        for name, row in report["judge"]["agreement"].items():
            agree.add_row(name, _cell(row["rules_rate"]), _cell(row["judge_rate"]), _cell(row["percent"]), _cell(row["kappa"]))
        console.print(agree)


def _judge(rows: list, url: str, model: str, timeout: float) -> dict[str, Any]:  # type: ignore[type-arg]
    from rlvr.analysis.behaviours import BEHAVIOURS, classify
    from rlvr.analysis.judge import BehaviourJudge
    from rlvr.analysis.labelled import cohen_kappa

    rules = [classify(r.response).to_dict() for r in rows]
    with BehaviourJudge(url, model, timeout=timeout) as judge, progress("judging", len(rows)) as advance:
        judged = []
        for r in rows:
            judged.append(judge.label(r.response))
            advance(1)
    agreement = {}
    for name in BEHAVIOURS:
        a, b = [x[name] for x in rules], [x[name] for x in judged]
        percent, kappa = cohen_kappa(a, b)
        agreement[name] = {"rules_rate": sum(a) / len(a), "judge_rate": sum(b) / len(b), "percent": percent,
                           "kappa": None if math.isnan(kappa) else kappa}
    rates = {name: sum(x[name] for x in judged) / len(judged) for name in BEHAVIOURS}
    return {"url": url, "model": model, "rates": rates, "agreement": agreement}


def analyze(
    ctx: typer.Context,
    path: Path = typer.Argument(..., help="A samples JSONL file (one {\"response\", ...} per line) or an rlvr run folder."),
    json_out: Path | None = typer.Option(None, "--json", help="Write every rate by name to this JSON file."),
    max_length: int | None = typer.Option(None, "--max-length", min=1, help="Generation limit in tokens, for the clip ratio when rows lack `truncated`."),
    timeout: float = typer.Option(2.0, "--timeout", min=0.1, help="Seconds per strict verification (rows with a gold answer)."),
    judge_url: str | None = typer.Option(None, "--judge-url", help="OpenAI-compatible endpoint (e.g. http://127.0.0.1:8000/v1) to label behaviours with an LLM as well."),
    judge_model: str = typer.Option("default", "--judge-model", help="Model name sent to the judge endpoint."),
    judge_timeout: float = typer.Option(30.0, "--judge-timeout", min=0.1, help="Seconds per judge call."),
    threshold: float = typer.Option(0.5, "--reward-threshold", help="B-STaR: samples with reward >= this are selected."),
    top_s: int = typer.Option(1, "--top-s", min=1, help="B-STaR Reward@K-S: how many top-reward samples per prompt."),
    n_star: int = typer.Option(4, "--n-star", min=1, help="B-STaR balance score: the n* of min(n'/n*, 1)."),
    alarm_hacking: float = typer.Option(0.05, "--alarm-hacking", help="Alarm when the share screened as hacking exceeds this."),
    alarm_divergence: float = typer.Option(0.2, "--alarm-divergence", help="Alarm when mean |reward - strict score| exceeds this."),
    alarm_format_drop: float = typer.Option(0.3, "--alarm-format-drop", help="Alarm when the format rate drops by more than this."),
) -> None:
    """Reflection words, the four cognitive behaviours, B-STaR exploration/exploitation, length, clip ratio, entropy and reward-hacking alarms of sampled responses."""
    from rlvr.analysis.alarms import AlarmConfig
    from rlvr.analysis.errors import AnalysisError
    from rlvr.analysis.report import analyze as run_analysis
    from rlvr.analysis.samples import read_samples

    judge_only = sorted(given_options(ctx) & {"judge_model", "judge_timeout"})
    if judge_only and judge_url is None:
        fail(", ".join("--" + name.replace("_", "-") for name in judge_only) + " need --judge-url (the judge endpoint)")
    try:
        target = AtomicFile(json_out) if json_out is not None else None
    except OutputError as error:
        fail(str(error))
    try:
        alarms = AlarmConfig(hacking_share=alarm_hacking, divergence=alarm_divergence, format_drop=alarm_format_drop)
        rows = read_samples(path)
        with progress("analyzing", len(rows)) as advance:
            report = run_analysis(rows, max_length=max_length, timeout=timeout, alarms=alarms, progress=advance,
                                  bstar={"threshold": threshold, "top_s": top_s, "n_star": n_star})
        if judge_url is not None:
            report["judge"] = _judge(rows, judge_url, judge_model, judge_timeout)
    except (AnalysisError, ValueError) as error:  # ValueError: rlvr.verify's errors on a bad gold answer
        if target is not None:
            target.discard()
        fail(str(error))
    except BaseException:
        if target is not None:
            target.discard()
        raise
    for alarm in report["alarms"]:
        note(f"warning: {alarm['message']}")
    _print(report)
    if target is not None:
        document = {**report["overall"], "steps": report["steps"], "alarms": report["alarms"]}
        if "judge" in report:
            document["judge"] = report["judge"]
        try:
            with target.temp.open("w", encoding="utf-8") as stream:
                json.dump(document, stream, indent=2, allow_nan=False, default=str)
                stream.write("\n")
            target.commit()
        except (OSError, OutputError, ValueError) as error:
            target.discard()
            fail(f"cannot write {json_out}: {error}")
