"""`rlvr eval --decoding`: evaluate a step-level decoding strategy (rlvr.decoding) on problems.

greedy and sample keep the ordinary samplers (so vLLM serves them on a GPU); best-of-n, majority
and predictive run `rlvr.decoding.DecodingSampler` on transformers. Either way the result's
`meta["decoding"]` holds the settings and the tokens generated per problem (every rollout and
discarded sample counted), the number to match when comparing strategies.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from rlvr.decoding import DecodingConfig, DecodingError, DecodingSampler
from rlvr.evaluate.runner import EvalResult, evaluate_problems
from rlvr.evaluate.sampling import ProgressHook, SamplingParams
from rlvr.models import LoadedModel, load
from rlvr.tasks import Problem

# Strategies that need the policy's log-probs step by step: transformers only (for now).
STEPWISE = ("best-of-n", "majority", "predictive")


def decoding_config(name: str, n: int, k: int, horizon: int, tau: float, temperature: float | None,
                    top_p: float, max_tokens: int, backend: str) -> DecodingConfig:
    """The validated settings of `--decoding NAME` (errors name the option)."""
    if name == "greedy":
        temperature = 0.0
    elif temperature is None:
        temperature = 0.7
    config = DecodingConfig(strategy=name, n=n, k=k, horizon=horizon, tau=tau, temperature=temperature,
                            top_p=top_p, max_tokens=max_tokens)
    if name in STEPWISE and backend == "vllm":
        raise DecodingError(f"--decoding {name} runs on the transformers backend; drop --backend vllm")
    return config


def evaluate_decoded(model: str | LoadedModel, problems: Sequence[Problem], samples: int, params: SamplingParams,
                     config: DecodingConfig, *, system_prompt: str | None = None, template: Any = None,
                     progress: ProgressHook | None = None) -> EvalResult:
    """Decode each problem `samples` times with a step-level strategy, check and summarise."""
    loaded = model if isinstance(model, LoadedModel) else load(model)
    sampler = DecodingSampler(loaded.model, loaded.tokenizer, config, problems)
    result = evaluate_problems(sampler, problems, samples, params, system_prompt=system_prompt,
                               model_name=str(loaded.path), progress=progress, template=template)
    result.meta.update(backend="transformers")
    record_cost(result, config, sampler.generated)
    return result


def record_cost(result: EvalResult, config: DecodingConfig, generated: list[int] | None = None) -> None:
    """Put the settings and the generated tokens per problem into `result.meta["decoding"]`.

    Without `generated` (the ordinary samplers), a problem's cost is its responses' tokens.
    """
    if generated is None:
        per: dict[str, int] = {}
        for record in result.records:
            per[record.problem_id] = per.get(record.problem_id, 0) + record.tokens
        generated = list(per.values())
    settings = {key: value for key, value in asdict(config).items() if key not in ("seed", "max_tokens")}
    result.meta["decoding"] = {**settings, "generated_tokens_per_problem": sum(generated) / max(len(generated), 1),
                               "generated_tokens_total": sum(generated)}
