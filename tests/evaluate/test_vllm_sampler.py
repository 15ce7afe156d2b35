"""VLLMSampler against a stand-in `vllm` module: vLLM's calling convention, token counts, truncation, errors.

CI has no GPU and no vLLM, so a small module with vLLM's offline API (LLM.chat, SamplingParams,
RequestOutput.outputs[*].text/token_ids/finish_reason) stands in for it.
"""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from rlvr.evaluate.model_eval import make_sampler
from rlvr.evaluate.sampling import SamplingError, SamplingParams, VLLMSampler


@dataclass
class FakeParams:
    n: int = 1
    max_tokens: int = 16
    temperature: float = 1.0
    top_p: float = 1.0
    seed: int | None = None


@dataclass
class FakeCompletion:
    text: str
    token_ids: list[int]
    finish_reason: str


@dataclass
class FakeRequest:
    outputs: list[FakeCompletion] = field(default_factory=list)


class FakeLLM:
    """Answers each chat with the user's words; a reply longer than max_tokens is cut and marked 'length'."""

    instances: list[FakeLLM] = []

    def __init__(self, model: str, gpu_memory_utilization: float = 0.9) -> None:
        self.model = model
        self.calls: list[tuple[list, FakeParams]] = []
        FakeLLM.instances.append(self)

    def chat(self, messages: list, sampling_params: FakeParams, use_tqdm: bool = True) -> list[FakeRequest]:
        self.calls.append((messages, sampling_params))
        results = []
        for conversation in messages:
            words = conversation[-1]["content"].split()
            outputs = []
            for sample in range(sampling_params.n):
                reply = [*words, str(sample)]
                ended = len(reply) <= sampling_params.max_tokens
                kept = reply[: sampling_params.max_tokens]
                outputs.append(FakeCompletion(" ".join(kept), list(range(len(kept))), "stop" if ended else "length"))
            results.append(FakeRequest(outputs))
        return results


@pytest.fixture
def fake_vllm(monkeypatch: pytest.MonkeyPatch) -> type[FakeLLM]:
    module = types.ModuleType("vllm")
    module.LLM = FakeLLM
    module.SamplingParams = FakeParams
    monkeypatch.setitem(sys.modules, "vllm", module)
    FakeLLM.instances.clear()
    return FakeLLM


PROMPTS = [[{"role": "user", "content": "one two"}], [{"role": "user", "content": "a b c d e f g h"}]]


def test_maps_parameters_and_counts_tokens(fake_vllm: type[FakeLLM]) -> None:
    done: list[int] = []
    sampler = VLLMSampler("/models/x")
    out = sampler.sample(PROMPTS, 3, SamplingParams(max_tokens=5, temperature=0.6, top_p=0.9, seed=7), done.append)
    (messages, params), = fake_vllm.instances[0].calls
    assert fake_vllm.instances[0].model == "/models/x"
    assert messages == PROMPTS
    assert (params.n, params.max_tokens, params.temperature, params.top_p, params.seed) == (3, 5, 0.6, 0.9, 7)
    assert [len(per) for per in out] == [3, 3]
    assert [c.text for c in out[0]] == ["one two 0", "one two 1", "one two 2"]
    assert all(c.tokens == 3 and not c.truncated for c in out[0])
    assert all(c.tokens == 5 and c.truncated for c in out[1])
    assert done == [6]


def test_rejects_zero_samples(fake_vllm: type[FakeLLM]) -> None:
    with pytest.raises(SamplingError, match="n \\(samples per prompt\\)"):
        VLLMSampler("/models/x").sample(PROMPTS, 0, SamplingParams())


def test_explicit_backend_gives_vllm_the_runs_final_model(fake_vllm: type[FakeLLM], tmp_path: Path) -> None:
    final = tmp_path / "run" / "final"
    final.mkdir(parents=True)
    (final / "config.json").write_text("{}")
    sampler, name = make_sampler(str(tmp_path / "run"), backend="vllm")
    assert name == "vllm" and isinstance(sampler, VLLMSampler)
    assert fake_vllm.instances[-1].model == str(final)


def test_missing_vllm_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "vllm", None)  # makes `import vllm` raise ImportError
    with pytest.raises(SamplingError, match="pip install vllm"):
        VLLMSampler("/models/x")
