"""`rlvr eval`: sample a model on verifiable tasks, verify, report accuracy, pass@k and lengths."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

import typer

from rlvr.cli_support import fail, note, progress
from rlvr.evaluate.runner import HELDOUT_SEED, heldout_problems

if TYPE_CHECKING:
    from rlvr.evaluate.runner import EvalResult


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


def evaluate(
    model: str = typer.Argument("default", help="Model: 'default' (embedded SmolLM2-135M-Instruct), a folder, a training run, or a cached HF id."),
    tasks: str = typer.Option("arithmetic", "--tasks", help="Comma-separated task families (see `rlvr tasks list`)."),
    n: int = typer.Option(64, "--n", help="Distinct problems per task and difficulty (all of them where fewer exist)."),
    samples: int = typer.Option(1, "--samples", "-k", help="Responses per problem (pass@k is reported for k up to this)."),
    difficulty: str = typer.Option("1", "--difficulty", help="Difficulty levels: '2', '1,3' or '1-4'."),
    max_tokens: int = typer.Option(256, "--max-tokens", help="Most tokens per response."),
    temperature: float = typer.Option(None, "--temperature", help="Sampling temperature; default 0 (greedy) for one sample, 0.7 for several."),
    top_p: float = typer.Option(1.0, "--top-p", help="Nucleus sampling threshold."),
    seed: int = typer.Option(HELDOUT_SEED, "--seed", help="Problem seed (the held-out default never overlaps training's)."),
    system_prompt: str = typer.Option(None, "--system-prompt", help="System message; default: the model's own."),
    batch_size: int = typer.Option(32, "--batch-size", help="Sequences per generate call (transformers backend)."),
    backend: str = typer.Option("auto", "--backend", help="auto | transformers | vllm (auto: vLLM on a GPU when installed)."),
    json_out: str = typer.Option(None, "--json", help="Also write the result, every response included, to this JSON file."),
) -> None:
    """Evaluate a model on verifiable tasks: accuracy, pass@k, response tokens, format rate."""
    from rlvr.atomic import AtomicFile, OutputError

    target = None
    try:
        task_names = _split(tasks)
        levels = parse_difficulties(difficulty)
        # Opened before sampling, so a bad --json path fails at once instead of after the
        # whole evaluation; the file is renamed into place only once it is complete.
        target = AtomicFile(json_out) if json_out else None
        result = _run(model, task_names, n, samples, levels, max_tokens, temperature, top_p, seed,
                      system_prompt, batch_size, backend)
        from rlvr.evaluate.report import show, write_json

        show(result)
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


def _run(model: str, task_names: list[str], n: int, samples: int, levels: list[int], max_tokens: int,
         temperature: float | None, top_p: float, seed: int, system_prompt: str | None, batch_size: int,
         backend: str) -> "EvalResult":
    from rlvr.evaluate.model_eval import evaluate_model
    from rlvr.evaluate.sampling import SamplingParams

    temp = temperature if temperature is not None else (0.0 if samples == 1 else 0.7)
    params = SamplingParams(max_tokens=max_tokens, temperature=temp, top_p=top_p, seed=seed)
    problems = heldout_problems(task_names, n, levels, seed)
    found = Counter((p.task, p.difficulty) for p in problems)
    for name in task_names:
        for level in levels:
            if found[name, level] < n:
                note(f"{name} difficulty {level} has {found[name, level]} distinct problems; evaluating all of them")
    with progress("sampling", len(problems) * samples) as advance:
        return evaluate_model(model, task_names, n, samples=samples, difficulties=levels, params=params,
                              seed=seed, system_prompt=system_prompt, backend=backend, batch_size=batch_size,
                              progress=advance, problems=problems)
