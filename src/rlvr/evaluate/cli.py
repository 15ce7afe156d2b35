"""`rlvr eval`: sample a model on verifiable tasks, verify, report accuracy, pass@k and lengths."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import typer

from rlvr.cli_support import fail, given_options, note, progress
from rlvr.evaluate.runner import HELDOUT_SEED, heldout_problems

if TYPE_CHECKING:
    from rlvr.atomic import AtomicFile
    from rlvr.decoding import DecodingConfig
    from rlvr.evaluate.runner import EvalResult
    from rlvr.evaluate.sampling import SamplingParams
    from rlvr.evaluate.templates import PromptTemplate
    from rlvr.tasks import Problem


def _split(text: str) -> list[str]:
    return [part.strip() for part in text.split(",") if part.strip()]


def parse_difficulties(text: str) -> list[int]:
    """'1,2' or '1-3' -> [1, 2] or [1, 2, 3]."""
    levels: list[int] = []
    for part in _split(text):
        try:
            if "-" in part:
                low, high = (int(x) for x in part.split("-", 1))
                levels.extend(range(low, high + 1))
            else:
                levels.append(int(part))
        except ValueError:
            raise ValueError(f"--difficulty takes integers like '2', '1,3' or '1-4'; got {text!r}") from None
    if not levels:
        raise ValueError("--difficulty needs at least one level")
    return levels


# Options that act only together with another; given without it they would do nothing, so they are refused.
DECODING_N = ("best-of-n", "majority")
FORESIGHT = ("predictive",)


def check_combination(given: set[str], *, checkpoints: bool, benchmarks: str | None, decoding: str | None,
                      backend: str) -> None:
    """One clear error for an option that the other options make ineffective."""
    if "out" in given and not checkpoints:
        raise ValueError("--out is the folder of --checkpoints results; for one model write the result with --json FILE")
    if benchmarks and given & {"tasks", "difficulty"}:
        raise ValueError("--benchmarks replaces --tasks and --difficulty; drop them")
    if "decoding_n" in given and decoding not in DECODING_N:
        raise ValueError("--decoding-n is for --decoding best-of-n or majority")
    foresight = sorted(given & {"foresight_k", "horizon", "tau"})
    if foresight and decoding not in FORESIGHT:
        flags = ", ".join("--" + name.replace("_", "-") for name in foresight)
        raise ValueError(f"{flags}: for --decoding predictive only")
    if "batch_size" in given and backend == "vllm":
        raise ValueError("--batch-size is for the transformers backend; vLLM batches by itself")
    if "batch_size" in given and decoding not in (None, "greedy", "sample"):
        raise ValueError(f"--batch-size does not apply to --decoding {decoding}, which decodes step by step")


def evaluate(
    ctx: typer.Context,
    model: str = typer.Argument("default", help="Model: 'default' (embedded SmolLM2-135M-Instruct), a folder, a training run, or a cached HF id."),
    tasks: str = typer.Option("arithmetic", "--tasks", help="Comma-separated task families (see `rlvr tasks list`)."),
    benchmarks: str = typer.Option(None, "--benchmarks", help="Math benchmarks as papers report them, e.g. math500,gsm8k,aime24,amc23: whole datasets (--n all) or a fixed seeded subset of --n each; replaces --tasks and --difficulty."),
    template: str = typer.Option("task", "--template", help="Prompt template: task (the task's own prompt), qwen25-math-cot, qwen-boxed (see docs/evaluate.md)."),
    checkpoints: bool = typer.Option(False, "--checkpoints", help="MODEL is a training run: evaluate its base model, every checkpoint-N and final; write curves (PNG + JSON) to --out (and the per-checkpoint table to --json)."),
    out: str = typer.Option(None, "--out", help="Folder for --checkpoints results (default: RUN/eval)."),
    n: str = typer.Option("64", "--n", help="Distinct problems per task and difficulty (all of them where fewer exist); with --benchmarks, problems per benchmark or 'all'."),
    samples: int = typer.Option(1, "--samples", "-k", help="Responses per problem (pass@k is reported for k up to this)."),
    difficulty: str = typer.Option("1", "--difficulty", help="Difficulty levels: '2', '1,3' or '1-4'."),
    max_tokens: int = typer.Option(256, "--max-tokens", help="Most tokens per response."),
    temperature: float = typer.Option(None, "--temperature", help="Sampling temperature; default 0 (greedy) for one sample, 0.7 for several."),
    top_p: float = typer.Option(1.0, "--top-p", help="Nucleus sampling threshold."),
    seed: int = typer.Option(HELDOUT_SEED, "--seed", help="Problem seed (the held-out default never overlaps training's)."),
    system_prompt: str = typer.Option(None, "--system-prompt", help="System message; default: the model's own."),
    batch_size: int = typer.Option(32, "--batch-size", help="Sequences per generate call (transformers backend)."),
    backend: str = typer.Option("auto", "--backend", help="auto | transformers | vllm (auto: vLLM on a GPU when installed)."),
    json_out: str = typer.Option(None, "--json", help="Also write the result, every response included, to this JSON file; with --checkpoints, the per-checkpoint table."),
    decoding: str = typer.Option(None, "--decoding", help="greedy | sample | best-of-n | majority | predictive (see docs/decoding.md); default: greedy for one sample, sampling for several."),
    decoding_n: int = typer.Option(8, "--decoding-n", help="Samples per response for best-of-n and majority."),
    foresight_k: int = typer.Option(8, "--foresight-k", help="Predictive: foresight rollouts per step (K)."),
    horizon: int = typer.Option(2, "--horizon", help="Predictive: foresight steps after the candidate step."),
    tau: float = typer.Option(0.1, "--tau", help="Predictive: temperature of the re-weighting exp(score / tau)."),
) -> None:
    """Evaluate a model on verifiable tasks: accuracy, pass@k, response tokens, format rate."""
    from rlvr.atomic import AtomicFile, OutputError

    target = None
    try:
        check_combination(given_options(ctx), checkpoints=checkpoints, benchmarks=benchmarks, decoding=decoding,
                          backend=backend)
        from rlvr.evaluate.benchmarks import parse_n
        from rlvr.evaluate.templates import check_fits, get_template

        task_names = _split(benchmarks) if benchmarks else _split(tasks)
        levels = parse_difficulties(difficulty)
        chosen = get_template(template)
        check_fits(chosen, task_names)
        count = parse_n(n)
        decoder = None
        if decoding is not None:
            from rlvr.evaluate.decoded import decoding_config

            decoder = decoding_config(decoding, decoding_n, foresight_k, horizon, tau, temperature, top_p, max_tokens, backend)
            temperature = decoder.temperature
            if checkpoints:
                raise ValueError("--decoding is for one model; drop it with --checkpoints")
        # Opened before sampling, so a bad --json path fails at once instead of after the
        # whole evaluation; the file is renamed into place only once it is complete.
        target = AtomicFile(json_out) if json_out else None
        if checkpoints:
            _checkpoints(model, out, task_names, count, bool(benchmarks), samples, levels, max_tokens, temperature,
                         top_p, seed, system_prompt, batch_size, backend, chosen, target)
            return
        result = _run(model, task_names, count, samples, levels, max_tokens, temperature, top_p, seed,
                      system_prompt, batch_size, backend, chosen, bool(benchmarks), decoder)
        from rlvr.evaluate.report import show, write_json

        show(result)
        if benchmarks:
            from rlvr.evaluate.benchmarks import show_benchmarks

            show_benchmarks(result)
        if target is not None:
            try:
                write_json(result, target.temp)
            except OSError as err:
                raise OutputError(f"cannot write {target.path}: {err.strerror or err}") from None
            note(f"wrote {target.commit()}")
    except ValueError as err:
        fail(err)
    except ImportError as err:
        fail(f"cannot import {err.name or 'a module'} ({err}): pip install 'rlvr[train]'")
    finally:
        if target is not None and not target.done:
            target.discard()


def _problems(task_names: list[str], n: int | None, as_benchmarks: bool, levels: list[int], seed: int) -> list["Problem"]:
    if as_benchmarks:
        from rlvr.evaluate.benchmarks import benchmark_problems

        return benchmark_problems(task_names, n, seed)
    if n is None:
        raise ValueError("--n all is for --benchmarks; with --tasks give a number of problems")
    problems = heldout_problems(task_names, n, levels, seed)
    found = Counter((p.task, p.difficulty) for p in problems)
    for name in task_names:
        for level in levels:
            if found[name, level] < n:
                note(f"{name} difficulty {level} has {found[name, level]} distinct problems; evaluating all of them")
    return problems


def _params(samples: int, max_tokens: int, temperature: float | None, top_p: float, seed: int) -> "SamplingParams":
    from rlvr.evaluate.sampling import SamplingParams

    temp = temperature if temperature is not None else (0.0 if samples == 1 else 0.7)
    return SamplingParams(max_tokens=max_tokens, temperature=temp, top_p=top_p, seed=seed)


def _run(model: str, task_names: list[str], n: int | None, samples: int, levels: list[int], max_tokens: int,
         temperature: float | None, top_p: float, seed: int, system_prompt: str | None, batch_size: int,
         backend: str, template: "PromptTemplate | None" = None, as_benchmarks: bool = False,
         decoder: "DecodingConfig | None" = None) -> "EvalResult":
    from rlvr.evaluate.model_eval import evaluate_model

    params = _params(samples, max_tokens, temperature, top_p, seed)
    problems = _problems(task_names, n, as_benchmarks, levels, seed)
    if decoder is not None and decoder.strategy not in ("greedy", "sample"):
        return _stepwise(model, task_names, n, samples, levels, problems, params, seed, system_prompt, template,
                         as_benchmarks, decoder)
    with progress("sampling", len(problems) * samples) as advance:
        result = evaluate_model(model, task_names, n or len(problems), samples=samples, difficulties=levels,
                                params=params, seed=seed, system_prompt=system_prompt, backend=backend,
                                batch_size=batch_size, progress=advance, problems=problems, template=template)
    if decoder is not None:
        from rlvr.evaluate.decoded import record_cost

        record_cost(result, decoder)
    if as_benchmarks:
        from rlvr.evaluate.benchmarks import benchmark_rows

        result.meta["benchmarks"] = [row.to_dict() for row in benchmark_rows(result)]
    return result


def _stepwise(model: str, task_names: list[str], n: int | None, samples: int, levels: list[int],
              problems: list["Problem"], params: "SamplingParams", seed: int, system_prompt: str | None,
              template: "PromptTemplate | None", as_benchmarks: bool, decoder: "DecodingConfig") -> "EvalResult":
    """`--decoding best-of-n|majority|predictive`: rlvr.decoding on transformers (see rlvr/evaluate/decoded.py)."""
    from rlvr.evaluate.decoded import evaluate_decoded

    with progress(f"decoding ({decoder.strategy})", len(problems) * samples) as advance:
        result = evaluate_decoded(model, problems, samples, params, decoder, system_prompt=system_prompt,
                                  template=template, progress=advance)
    result.meta.update(seed=seed, tasks=list(task_names), difficulties=list(levels), n=n or len(problems),
                       template=template.name if template is not None else "task")
    note(f"{decoder.strategy}: {result.meta['decoding']['generated_tokens_per_problem']:.0f} generated tokens per "
         "problem (every rollout and sample counted)")
    if as_benchmarks:
        from rlvr.evaluate.benchmarks import benchmark_rows

        result.meta["benchmarks"] = [row.to_dict() for row in benchmark_rows(result)]
    return result


def _checkpoints(run: str, out: str | None, task_names: list[str], n: int | None, as_benchmarks: bool, samples: int,
                 levels: list[int], max_tokens: int, temperature: float | None, top_p: float, seed: int,
                 system_prompt: str | None, batch_size: int, backend: str, template: "PromptTemplate",
                 target: "AtomicFile | None" = None) -> None:
    import json
    from pathlib import Path

    from rlvr.atomic import OutputError

    from rlvr.evaluate.checkpoints import evaluate_checkpoints, find_points

    points = find_points(Path(run))
    params = _params(samples, max_tokens, temperature, top_p, seed)
    problems = _problems(task_names, n, as_benchmarks, levels, seed)
    folder = Path(out) if out else Path(run) / "eval"
    with progress("sampling checkpoints", len(points) * len(problems) * samples) as advance:
        curves = evaluate_checkpoints(points, problems, params, folder, samples=samples, template=template,
                                      system_prompt=system_prompt, backend=backend, batch_size=batch_size,
                                      progress=advance)
    for line in curves.lines():
        typer.echo(line)
    note(f"wrote {curves.png} and {curves.json}")
    if target is not None:
        try:
            target.temp.write_text(json.dumps(curves.document, indent=2) + "\n", encoding="utf-8")
        except OSError as err:
            raise OutputError(f"cannot write {target.path}: {err.strerror or err}") from None
        note(f"wrote {target.commit()}")
