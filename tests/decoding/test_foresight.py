"""foresight() on a tiny real model: step cuts, the horizon, policy log-probs, token counts, bad input."""

from __future__ import annotations

import pytest

from rlvr.decoding import DecodingError, foresight, split_steps
from rlvr.decoding.foresight import step_length


def test_split_steps_keeps_text_and_blank_lines_stay_with_their_step() -> None:
    text = "first\nsecond\n\nthird"
    assert split_steps(text) == ["first\n", "second\n\n", "third"]
    assert "".join(split_steps(text)) == text
    assert split_steps("") == []
    assert split_steps("a\n") == ["a\n"]


def test_step_length_ends_after_the_first_run_of_newline_tokens() -> None:
    closes = {10}.__contains__  # token 10 is the newline
    assert step_length([1, 2, 10, 10, 3, 10], closes) == 4
    assert step_length([1, 2, 3], closes) == 3
    assert step_length([], closes) == 0


@pytest.mark.parametrize("horizon", [0, 1, 3])
def test_rollouts_stop_after_the_horizon(tiny, prefix, horizon: int) -> None:
    model, tokenizer = tiny
    rollouts = foresight(model, tokenizer, prefix, k=6, horizon_steps=horizon, max_new_tokens=120,
                         temperature=1.0, seed=1)
    assert len(rollouts) == 6
    cut_by_horizon = 0
    for r in rollouts:
        assert tokenizer.decode(r.step_ids, skip_special_tokens=True) == r.step
        steps = split_steps(r.continuation)
        assert len(steps) <= horizon
        if not r.finished and r.generated < 120:
            # Stopped by the horizon: the step and exactly `horizon` further steps, all closed,
            # and the first token of the next step was generated but dropped.
            cut_by_horizon += 1
            assert r.step.endswith("\n") and len(steps) == horizon
            assert all(s.endswith("\n") for s in steps)
            assert r.generated == len(r.step_ids) + len(r.continuation_ids) + 1
    assert cut_by_horizon > 0  # the bias makes most rollouts close their steps well before 120 tokens


def test_logprobs_are_the_policys_own(tiny, prefix) -> None:
    import torch

    model, tokenizer = tiny
    rollouts = foresight(model, tokenizer, prefix, k=3, horizon_steps=2, max_new_tokens=40, temperature=1.3, seed=2)
    for r in rollouts:
        ids = r.step_ids + r.continuation_ids
        with torch.no_grad():
            logits = model(torch.tensor([prefix + ids])).logits[0, len(prefix) - 1:-1]
        expected = torch.log_softmax(logits.float(), -1).gather(1, torch.tensor(ids)[:, None]).squeeze(1)
        assert list(r.token_logprobs) == pytest.approx(expected.tolist(), abs=1e-4)
        assert r.step_logprob == pytest.approx(float(expected[:len(r.step_ids)].sum()), abs=1e-3)
        assert r.foresight_logprob == pytest.approx(float(expected.mean()), abs=1e-4)


def test_greedy_rollouts_match_plain_greedy_generation(tiny, prefix) -> None:
    import torch

    model, tokenizer = tiny
    rollouts = foresight(model, tokenizer, prefix, k=2, horizon_steps=None, max_new_tokens=30, temperature=0.0)
    assert rollouts[0].step_ids == rollouts[1].step_ids
    with torch.no_grad():
        out = model.generate(torch.tensor([prefix]), max_new_tokens=30, do_sample=False,
                             eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    plain = out[0, len(prefix):].tolist()
    got = rollouts[0].step_ids + rollouts[0].continuation_ids
    assert got == plain[:len(got)] and len(got) == rollouts[0].generated
    assert rollouts[0].finished == (tokenizer.eos_token_id in got)


def test_same_seed_same_rollouts(tiny, prefix) -> None:
    model, tokenizer = tiny
    first = foresight(model, tokenizer, prefix, k=3, horizon_steps=1, max_new_tokens=30, temperature=1.0, seed=5)
    again = foresight(model, tokenizer, prefix, k=3, horizon_steps=1, max_new_tokens=30, temperature=1.0, seed=5)
    assert [r.step_ids for r in first] == [r.step_ids for r in again]


@pytest.mark.parametrize("kwargs, word", [
    ({"k": 0}, r"k \(foresight rollouts\)"),
    ({"horizon_steps": -1}, "horizon_steps"),
    ({"max_new_tokens": 0}, "max_new_tokens"),
    ({"temperature": -0.5}, "temperature"),
    ({"top_p": 0.0}, "top_p"),
])
def test_bad_arguments_name_the_argument(tiny, prefix, kwargs: dict, word: str) -> None:
    model, tokenizer = tiny
    options = {"k": 2, "horizon_steps": 1, "max_new_tokens": 5, "temperature": 1.0, **kwargs}
    with pytest.raises(DecodingError, match=word):
        foresight(model, tokenizer, prefix, **options)
    with pytest.raises(DecodingError, match="prefix_ids"):
        foresight(model, tokenizer, [], k=1, horizon_steps=1, max_new_tokens=5, temperature=1.0)
