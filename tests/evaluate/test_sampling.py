"""TransformersSampler on a tiny real model: left padding, token counts, truncation, prompt order."""

from __future__ import annotations

from pathlib import Path

import pytest

from rlvr.evaluate.sampling import SamplingError, SamplingParams, TransformersSampler
from rlvr.models import load

PROMPTS = [[{"role": "user", "content": "What is 1 + 1?"}], [{"role": "user", "content": "Hi"}],
           [{"role": "user", "content": "A much longer prompt so that padding is needed on the left side"}]]


def test_counts_tokens_and_marks_truncation(tiny_model_dir: Path) -> None:
    loaded = load(str(tiny_model_dir), device="cpu")
    sampler = TransformersSampler(loaded.model, loaded.tokenizer, batch_size=4)
    done = []
    out = sampler.sample(PROMPTS, 2, SamplingParams(max_tokens=6, temperature=1.0, seed=3), done.append)
    assert [len(per) for per in out] == [2, 2, 2]
    assert sum(done) == 6
    for per in out:
        for c in per:
            assert 1 <= c.tokens <= 6
            assert c.truncated == (c.tokens == 6 and not c.text.endswith("<end>"))


def test_greedy_is_independent_of_batching(tiny_model_dir: Path) -> None:
    loaded = load(str(tiny_model_dir), device="cpu")
    params = SamplingParams(max_tokens=5, temperature=0.0)
    together = TransformersSampler(loaded.model, loaded.tokenizer, batch_size=8).sample(PROMPTS, 1, params)
    alone = [TransformersSampler(loaded.model, loaded.tokenizer, batch_size=1).sample([p], 1, params)[0] for p in PROMPTS]
    assert [c[0].text for c in together] == [c[0].text for c in alone]


def test_rejects_bad_arguments(tiny_model_dir: Path) -> None:
    loaded = load(str(tiny_model_dir), device="cpu")
    with pytest.raises(SamplingError, match="batch_size"):
        TransformersSampler(loaded.model, loaded.tokenizer, batch_size=0)
    with pytest.raises(SamplingError, match="n \\(samples"):
        TransformersSampler(loaded.model, loaded.tokenizer).sample(PROMPTS, 0, SamplingParams())
