"""Evaluate a model named by a model argument (or already loaded) on held-out problems."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rlvr.evaluate.runner import HELDOUT_SEED, EvalResult, evaluate_problems, heldout_problems
from rlvr.evaluate.sampling import ProgressHook, Sampler, SamplingParams, TransformersSampler, VLLMSampler, vllm_usable
from rlvr.evaluate.templates import PromptTemplate
from rlvr.models import LoadedModel, load
from rlvr.tasks import Problem

BACKENDS = ("auto", "transformers", "vllm")


def make_sampler(model: str | LoadedModel, backend: str = "auto", batch_size: int = 32) -> tuple[Sampler, str]:
    """A sampler for the model and the name of the backend chosen ('auto': vLLM on a GPU when installed)."""
    if backend not in BACKENDS:
        raise ValueError(f"backend must be one of {', '.join(BACKENDS)}; got {backend!r}")
    if backend == "vllm" or (backend == "auto" and isinstance(model, str) and vllm_usable()):
        from rlvr.models import resolve

        path = model.path if isinstance(model, LoadedModel) else resolve(model)
        return VLLMSampler(str(path)), "vllm"
    loaded = model if isinstance(model, LoadedModel) else load(model)
    return TransformersSampler(loaded.model, loaded.tokenizer, batch_size=batch_size), "transformers"


def evaluate_model(
    model: str | LoadedModel,
    tasks: Sequence[str],
    n: int,
    *,
    samples: int = 1,
    difficulties: Sequence[int] = (1,),
    params: SamplingParams | None = None,
    seed: int = HELDOUT_SEED,
    system_prompt: str | None = None,
    backend: str = "auto",
    batch_size: int = 32,
    progress: ProgressHook | None = None,
    problems: Sequence[Problem] | None = None,
    template: PromptTemplate | None = None,
) -> EvalResult:
    """`n` held-out problems per task and difficulty, `samples` responses each, checked and summarised.

    `problems` passes the held-out set when the caller has already drawn it; `template` names
    how problems become prompts (`rlvr.evaluate.templates`; None: the task's own prompt).
    """
    if problems is None:
        problems = heldout_problems(tasks, n, difficulties, seed)
    sampler, used = make_sampler(model, backend, batch_size)
    name = str(model.path) if isinstance(model, LoadedModel) else str(model)
    result = evaluate_problems(sampler, problems, samples, params or SamplingParams(),
                               system_prompt=system_prompt, model_name=name, progress=progress, template=template)
    result.meta.update(backend=used, seed=seed, tasks=list(tasks), difficulties=list(difficulties), n=n,
                       template=template.name if template is not None else "task")
    return result


def describe(model: Any) -> str:
    """A short name for a model argument."""
    return str(model.path) if isinstance(model, LoadedModel) else str(model)
