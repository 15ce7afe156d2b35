"""Foresight re-sampling (rlvr.selfimprove.genius) with a scripted foresight, and once on a tiny model."""

from __future__ import annotations

import math
import random

import pytest

from rlvr.decoding.foresight import Rollout
from rlvr.selfimprove.genius import (GeniusError, ResampleSettings, draw_without_replacement, foresight_score,
                                     resample,
                                     softmax)

PROMPT = [1, 2, 3]
NL = 10   # the scripted "newline" token


class ScriptedForesight:
    """Returns rollouts whose scores come from a script, one list of scores per call; records each call."""

    def __init__(self, scores: list[list[float]], finished_at: int | None = None,
                 finished: set[tuple[int, int]] = frozenset(), truncated: set[tuple[int, int]] = frozenset()) -> None:
        self.scores = scores
        self.calls: list[dict] = []
        self.finished_at = finished_at
        self.finished = finished   # (call, candidate) pairs whose step ends the response
        self.truncated = truncated  # (call, candidate) pairs whose rollout hit the length limit

    def __call__(self, model, tokenizer, prefix_ids, *, k, horizon_steps, max_new_tokens, temperature, top_p, seed):
        call = len(self.calls)
        self.calls.append({"prefix": list(prefix_ids), "k": k, "horizon": horizon_steps, "max_new": max_new_tokens})
        out = []
        for i, score in enumerate(self.scores[call][:k]):
            token = 100 + 10 * call + i
            finished = (self.finished_at is not None and call >= self.finished_at) or (call, i) in self.finished
            step = [token, NL] + ([0] if finished else [])
            rest = [] if finished else [token + 1000, NL]
            out.append(Rollout(step=f"s{token}\n", step_ids=step, continuation="" if finished else "c\n",
                               continuation_ids=rest, step_logprob=-1.0, foresight_logprob=score,
                               finished=(call, i) not in self.truncated, generated=len(step) + len(rest)))
        return out


def test_first_step_pairs_best_with_worst_and_advantage_is_the_score():
    script = ScriptedForesight([[-0.5, -2.0, -0.1, -1.0]])
    trace = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=4, max_steps=1, rejected="worst"),
                     rng=random.Random(0), foresight_fn=script)
    (pair,) = trace.pairs
    assert pair.chosen_ids == [102, NL, 1102, NL] and pair.rejected_ids == [101, NL, 1101, NL]
    assert pair.prompt_ids == PROMPT
    # Q_0 = 0, so A = f - 0.
    assert (pair.chosen_advantage, pair.rejected_advantage) == (-0.1, -2.0)
    assert script.calls[0] == {"prefix": PROMPT, "k": 4, "horizon": None, "max_new": 64}
    assert trace.generated_tokens == 16


def test_later_steps_use_the_beams_value_as_baseline_and_keep_prefixes():
    # Step 0: 2 beams x 2 candidates = 4 rollouts from the prompt; tiny tau makes the draw the top two.
    # Step 1: beam from candidate 2 (f=-0.1) and beam from candidate 0 (f=-0.5), 2 candidates each.
    script = ScriptedForesight([[-0.5, -3.0, -0.1, -2.0], [-0.4, -0.9], [-0.2, -0.3]])
    settings = ResampleSettings(beams=2, candidates=2, tau=1e-3, max_steps=2, rejected="worst")
    trace = resample(None, None, PROMPT, settings, rng=random.Random(0), foresight_fn=script)
    assert [c["k"] for c in script.calls] == [4, 2, 2]
    first, second = script.calls[1]["prefix"], script.calls[2]["prefix"]
    assert {tuple(first), tuple(second)} == {(*PROMPT, 102, NL), (*PROMPT, 100, NL)}
    step1 = trace.pairs[1]
    # Best of step 1 is f=-0.2, worst f=-0.9; they grew from different beams, so the prompt is the
    # bare prompt and each side carries its own beam's prefix.
    by_prefix = {tuple(c["prefix"][len(PROMPT):]): i for i, c in enumerate(script.calls)}
    beam_of_best = [k for k, v in by_prefix.items() if v == 2][0]
    beam_of_worst = [k for k, v in by_prefix.items() if v == 1][0]
    assert step1.prompt_ids == PROMPT
    assert step1.chosen_ids[:2] == list(beam_of_best) and step1.rejected_ids[:2] == list(beam_of_worst)
    value = {(102, NL): -0.1, (100, NL): -0.5}
    assert step1.chosen_advantage == pytest.approx(-0.2 - value[beam_of_best])
    assert step1.rejected_advantage == pytest.approx(-0.9 - value[beam_of_worst])
    # The response is a committed path plus its last foresight.
    assert trace.response_ids[:2] in ([102, NL], [100, NL]) and trace.response_ids[-2:][1] == NL
    assert trace.steps == 2


def test_same_beam_pairs_put_the_shared_prefix_in_the_prompt():
    script = ScriptedForesight([[-0.1, -2.0], [-0.3, -0.8]])
    trace = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=2, tau=1e-3, max_steps=2),
                     rng=random.Random(0), foresight_fn=script)
    step1 = trace.pairs[1]
    assert step1.prompt_ids == [*PROMPT, 100, NL]
    assert step1.chosen_ids == [110, NL, 1110, NL] and step1.rejected_ids == [111, NL, 1111, NL]
    assert step1.chosen_advantage == pytest.approx(-0.3 - -0.1)


def test_resample_rule_never_rejects_the_winner():
    rng = random.Random(3)
    for _ in range(30):
        script = ScriptedForesight([[-0.5, -0.6, -0.1, -0.7]])
        trace = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=4, max_steps=1, rejected="resample"),
                         rng=rng, foresight_fn=script)
        assert trace.pairs[0].chosen_ids[0] == 102 and trace.pairs[0].rejected_ids[0] != 102


def test_identical_candidates_give_no_pair():
    class Same(ScriptedForesight):
        def __call__(self, *args, **kwargs):
            rollouts = super().__call__(*args, **kwargs)
            return [rollouts[0]] * len(rollouts)

    trace = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=3, max_steps=1),
                     rng=random.Random(0), foresight_fn=Same([[-0.5, -0.6, -0.7]]))
    assert trace.pairs == []


def test_a_step_that_ends_the_response_stops_the_beam():
    script = ScriptedForesight([[-0.5, -0.6], [-0.1, -0.2]], finished_at=0)
    trace = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=2, max_steps=3),
                     rng=random.Random(0), foresight_fn=script)
    assert len(script.calls) == 1 and trace.steps == 1
    assert trace.response_ids[-1] == 0   # ends on the scripted end token


def test_softmax_and_draws_follow_the_scores():
    probs = softmax([0.0, math.log(3.0)], tau=1.0)
    assert probs == pytest.approx([0.25, 0.75])
    rng = random.Random(0)
    firsts = [draw_without_replacement(probs, 1, rng)[0] for _ in range(4000)]
    assert firsts.count(1) / 4000 == pytest.approx(0.75, abs=0.03)
    assert sorted(draw_without_replacement([0.5, 0.3, 0.2], 3, rng)) == [0, 1, 2]


@pytest.mark.parametrize(("key", "value"), [("beams", 0), ("candidates", 0), ("tau", 0.0), ("temperature", 0.0),
                                            ("top_p", 1.5), ("max_steps", 0), ("max_new_tokens", 0),
                                            ("rejected", "nope"), ("score", "mean"), ("pairs_from", "some")])
def test_bad_settings_name_the_key(key, value):
    with pytest.raises(GeniusError, match=f"sampling.{key}"):
        ResampleSettings(**{key: value})


def test_one_candidate_in_all_cannot_make_a_pair():
    with pytest.raises(GeniusError, match="beams x sampling.candidates"):
        ResampleSettings(beams=1, candidates=1)


def test_empty_prompt_is_refused():
    with pytest.raises(GeniusError, match="prompt is empty"):
        resample(None, None, [], ResampleSettings(), rng=random.Random(0), foresight_fn=ScriptedForesight([[]]))


def test_runs_on_a_tiny_model_with_the_real_foresight(tiny_model_dir):
    pytest.importorskip("torch")
    from rlvr.models import load

    loaded = load(str(tiny_model_dir), device="cpu")
    prompt = loaded.tokenizer.apply_chat_template([{"role": "user", "content": "1+1?"}], tokenize=True,
                                                  add_generation_prompt=True)
    prompt = list(prompt["input_ids"] if isinstance(prompt, dict) or hasattr(prompt, "keys") else prompt)
    settings = ResampleSettings(beams=2, candidates=2, max_steps=2, max_new_tokens=12, temperature=1.0)
    trace = resample(loaded.model, loaded.tokenizer, prompt, settings, rng=random.Random(0))
    assert 1 <= trace.steps <= 2 and 0 < len(trace.response_ids) <= 12
    assert trace.generated_tokens >= len(trace.response_ids)
    for pair in trace.pairs:
        assert pair.prompt_ids[:len(prompt)] == prompt
        assert pair.chosen_score >= pair.rejected_score and pair.chosen_ids != pair.rejected_ids


def test_a_finished_beam_keeps_its_place_while_the_other_goes_on():
    # Step 0: candidate 0 (f=-0.1) ends the response, candidate 1 (f=-0.2) goes on; tiny tau keeps both.
    script = ScriptedForesight([[-0.1, -0.2], [-0.3, -0.4]], finished={(0, 0)})
    trace = resample(None, None, PROMPT, ResampleSettings(beams=2, candidates=1, tau=1e-3, max_steps=2),
                     rng=random.Random(0), foresight_fn=script)
    # Only the live beam is extended at step 1, with N = 1 candidate.
    assert [c["k"] for c in script.calls] == [2, 1] and script.calls[1]["prefix"] == [*PROMPT, 101, NL]
    # The finished beam (value -0.1) beats the other (value -0.3) in the final draw at tiny tau.
    assert trace.response_ids == [100, NL, 0]


def _rollout(step_ids, rest_ids, logprobs, mean):
    return Rollout(step="s\n", step_ids=step_ids, continuation="c", continuation_ids=rest_ids, step_logprob=0.0,
                   foresight_logprob=mean, finished=True, token_logprobs=tuple(logprobs))


def test_score_is_the_mean_log_prob_after_the_step_as_in_the_authors_code():
    # step tokens -1, -3; rollout tokens -0.5, -1.5: after the step (-0.5 - 1.5) / 2 = -1.0;
    # step + rollout (-1 - 3 - 0.5 - 1.5) / 4 = -1.5 (the value foresight reports).
    rollout = _rollout([5, NL], [6, 7], [-1.0, -3.0, -0.5, -1.5], -1.5)
    assert foresight_score(rollout, "continuation") == pytest.approx(-1.0)
    assert foresight_score(rollout, "step_and_continuation") == pytest.approx(-1.5)
    # A step that ended the response has no rollout after it: its own mean, not the authors' 0.
    ended = _rollout([5, 0], [], [-1.0, -3.0], -2.0)
    assert foresight_score(ended, "continuation") == pytest.approx(-2.0)


def test_resample_scores_candidates_by_the_rollout_after_the_step():
    # Candidate 0: cheap step, poor rollout; candidate 1: costly step, good rollout. Over step + rollout
    # candidate 0 wins (-1.25 vs -1.5); over the rollout alone candidate 1 wins (-0.5 vs -2.0).
    rollouts = [_rollout([100, NL], [1100, 0], [-0.25, -0.25, -2.0, -2.0], -1.125),
                _rollout([101, NL], [1101, 0], [-2.5, -2.5, -0.5, -0.5], -1.5)]

    def fixed(*args, **kwargs):
        return rollouts

    for rule, winner in (("continuation", 101), ("step_and_continuation", 100)):
        trace = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=2, max_steps=1, score=rule),
                         rng=random.Random(0), foresight_fn=fixed)
        assert trace.pairs[0].chosen_ids[0] == winner


def test_random_rule_draws_the_rejected_uniformly_from_the_others():
    rng = random.Random(5)
    seen = []
    for _ in range(600):
        trace = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=4, max_steps=1),
                         rng=rng, foresight_fn=ScriptedForesight([[-0.5, -0.6, -0.1, -0.7]]))
        assert trace.pairs[0].chosen_ids[0] == 102
        seen.append(trace.pairs[0].rejected_ids[0])
    # Three others, each 1/3 (s.e. ~0.02 at n = 600); the worst rule would give 103 every time.
    for token in (100, 101, 103):
        assert seen.count(token) / 600 == pytest.approx(1 / 3, abs=0.08)


def test_rollouts_cut_by_the_length_limit_stay_out_of_pairs():
    # The best (f=-0.1, candidate 2) and the worst (f=-2.0, candidate 1) were cut by the limit.
    scores = [[-0.5, -2.0, -0.1, -1.0]]
    truncated = {(0, 1), (0, 2)}
    finished = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=4, max_steps=1, rejected="worst"),
                        rng=random.Random(0), foresight_fn=ScriptedForesight(scores, truncated=truncated))
    (pair,) = finished.pairs
    assert (pair.chosen_ids[0], pair.rejected_ids[0]) == (100, 103)
    everything = resample(None, None, PROMPT,
                          ResampleSettings(beams=1, candidates=4, max_steps=1, rejected="worst", pairs_from="all"),
                          rng=random.Random(0), foresight_fn=ScriptedForesight(scores, truncated=truncated))
    assert (everything.pairs[0].chosen_ids[0], everything.pairs[0].rejected_ids[0]) == (102, 101)
    # One finished rollout cannot make a pair.
    alone = resample(None, None, PROMPT, ResampleSettings(beams=1, candidates=4, max_steps=1),
                     rng=random.Random(0), foresight_fn=ScriptedForesight(scores, truncated={(0, 0), (0, 1), (0, 2)}))
    assert alone.pairs == []
