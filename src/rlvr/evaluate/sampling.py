"""Sampling completions from a chat model: transformers batched generation, or vLLM on a GPU.

A sampler turns chat prompts into `n` completions each and counts their tokens the
way trainers do: up to and including the end-of-turn token, and a completion that
never ends within `max_tokens` is marked truncated.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

Messages = list[dict[str, str]]
ProgressHook = Callable[[int], None]


class SamplingError(ValueError):
    """Bad sampling arguments (n < 1, max_tokens < 1, negative temperature, ...)."""


@dataclass(frozen=True)
class Completion:
    """One sampled response: its text, its length in tokens and whether it hit the token limit."""

    text: str
    tokens: int
    truncated: bool


@dataclass(frozen=True)
class SamplingParams:
    """How to sample: `temperature` 0 means greedy."""

    max_tokens: int = 256
    temperature: float = 0.7
    top_p: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        if not isinstance(self.max_tokens, int) or self.max_tokens < 1:
            raise SamplingError(f"max_tokens must be a positive integer, got {self.max_tokens!r}")
        if not math.isfinite(self.temperature) or self.temperature < 0:
            raise SamplingError(f"temperature must be >= 0 (0 = greedy), got {self.temperature!r}")
        if not 0 < self.top_p <= 1:
            raise SamplingError(f"top_p must be in (0, 1], got {self.top_p!r}")


class Sampler(Protocol):
    """Anything that samples `n` completions for each chat prompt."""

    def sample(
        self, prompts: Sequence[Messages], n: int, params: SamplingParams, progress: ProgressHook | None = None
    ) -> list[list[Completion]]:
        """One list of `n` completions per prompt, in prompt order."""
        ...


class TransformersSampler:
    """Batched `generate` with left padding; works on CPU and GPU alike."""

    def __init__(self, model: Any, tokenizer: Any, batch_size: int = 32) -> None:
        if batch_size < 1:
            raise SamplingError(f"batch_size must be >= 1, got {batch_size}")
        self.model = model
        self.tokenizer = tokenizer
        self.batch_size = batch_size

    def render(self, prompt: Messages) -> str:
        """The prompt in the model's chat template, ready for the assistant turn."""
        return self.tokenizer.apply_chat_template(prompt, tokenize=False, add_generation_prompt=True)

    def sample(
        self, prompts: Sequence[Messages], n: int, params: SamplingParams, progress: ProgressHook | None = None
    ) -> list[list[Completion]]:
        import torch

        if n < 1:
            raise SamplingError(f"n (samples per prompt) must be >= 1, got {n}")
        texts = [self.render(p) for p in prompts]
        # Repeat each prompt n times so one batch can mix prompts; order stays prompt-major.
        jobs = [(i, text) for i, text in enumerate(texts) for _ in range(n)]
        results: list[list[Completion]] = [[] for _ in prompts]
        ends = self._end_ids()
        torch.manual_seed(params.seed)
        was_training = self.model.training
        self.model.eval()
        try:
            for start in range(0, len(jobs), self.batch_size):
                chunk = jobs[start:start + self.batch_size]
                for (index, _), completion in zip(chunk, self._generate([t for _, t in chunk], params, ends), strict=True):
                    results[index].append(completion)
                if progress is not None:
                    progress(len(chunk))
        finally:
            if was_training:
                self.model.train()
        return results

    def _end_ids(self) -> set[int]:
        ends = {self.tokenizer.eos_token_id}
        configured = getattr(self.model.generation_config, "eos_token_id", None)
        if isinstance(configured, int):
            ends.add(configured)
        elif configured:
            ends.update(configured)
        return {e for e in ends if e is not None}

    def _generate(self, texts: list[str], params: SamplingParams, ends: set[int]) -> list[Completion]:
        import torch

        encoded = self.tokenizer(texts, return_tensors="pt", padding=True, add_special_tokens=False)
        encoded = {k: v.to(self.model.device) for k, v in encoded.items()}
        options: dict[str, Any] = {"max_new_tokens": params.max_tokens, "pad_token_id": self.tokenizer.pad_token_id,
                                   "eos_token_id": sorted(ends)}
        if params.temperature > 0:
            options.update(do_sample=True, temperature=params.temperature, top_p=params.top_p, top_k=0)
        else:
            options.update(do_sample=False, temperature=None, top_p=None, top_k=None)
        with torch.inference_mode():
            output = self.model.generate(**encoded, **options)
        new_tokens = output[:, encoded["input_ids"].shape[1]:].tolist()
        completions = []
        for row in new_tokens:
            length = next((i + 1 for i, token in enumerate(row) if token in ends), None)
            truncated = length is None
            kept = row if truncated else row[:length]
            text = self.tokenizer.decode(kept, skip_special_tokens=True)
            completions.append(Completion(text=text, tokens=len(kept), truncated=truncated))
        return completions


class VLLMSampler:
    """vLLM's offline engine, for GPUs: much faster than `generate` on long completions."""

    def __init__(self, model_path: str, gpu_memory_utilization: float = 0.8) -> None:
        try:
            from vllm import LLM
        except ImportError:
            raise SamplingError(
                "the vllm backend needs vLLM (pip install vllm, on a machine with a CUDA GPU); "
                "use --backend transformers otherwise"
            ) from None
        self.engine = LLM(model=model_path, gpu_memory_utilization=gpu_memory_utilization)

    def sample(
        self, prompts: Sequence[Messages], n: int, params: SamplingParams, progress: ProgressHook | None = None
    ) -> list[list[Completion]]:
        from vllm import SamplingParams as VParams

        if n < 1:
            raise SamplingError(f"n (samples per prompt) must be >= 1, got {n}")
        options = VParams(n=n, max_tokens=params.max_tokens, temperature=params.temperature,
                          top_p=params.top_p, seed=params.seed)
        outputs = self.engine.chat(list(prompts), options, use_tqdm=False)
        results = [
            [Completion(text=o.text, tokens=len(o.token_ids), truncated=o.finish_reason == "length") for o in out.outputs]
            for out in outputs
        ]
        if progress is not None:
            progress(len(prompts) * n)
        return results


def vllm_usable() -> bool:
    """True when vLLM is installed and a CUDA GPU is visible."""
    import importlib.util

    if importlib.util.find_spec("vllm") is None:
        return False
    import torch

    return torch.cuda.is_available()
