"""B-STaR's pieces: the accept filter, the probe metrics under tau, and the choice of (T, tau)."""

from __future__ import annotations

import math

import pytest
from selfimprove_helpers import ScriptedSampler

from rlvr import rewards
from rlvr.analysis.bstar import ExploreExploit
from rlvr.evaluate.sampling import Completion
from rlvr.selfimprove.bstar import Choice, Scored, accept, choose, measure, score_groups, sft_rows
from rlvr.selfimprove.config import load_config
from rlvr.selfimprove.loop import monitor, probe_problems
from rlvr.tasks import get


def scored(text: str, correct: bool, score: float | None = None, pid: str = "p") -> Scored:
    return Scored(problem_id=pid, text=text, tokens=5, truncated=False, correct=correct,
                  score=float(correct) if score is None else score)


def metrics(balance: float) -> ExploreExploit:
    return ExploreExploit(prompts=1, k=1, pass_at_k_s=0.0, distinct_correct=0.0, reward_at_k_s=0.0, balance=balance)


def test_the_verifier_keeps_distinct_correct_samples_only() -> None:
    group = [scored("a  \\boxed{3}", True), scored("b \\boxed{4}", False), scored("a \\boxed{3}", True),
             scored("c \\boxed{3}", True), scored("   ", True)]
    kept = accept(group, 0.5, score_reward=False)
    # whitespace-only variants count once; an empty response is never training data
    assert [s.text for s in kept] == ["a  \\boxed{3}", "c \\boxed{3}"]
    assert [s.text for s in accept(group, 0.5, False, max_per_prompt=1)] == ["a  \\boxed{3}"]


def test_a_score_reward_accepts_strictly_above_tau_highest_first() -> None:
    group = [scored("x", True, 0.4), scored("y", False, 0.9), scored("z", True, 0.7)]
    assert [s.text for s in accept(group, 0.4, score_reward=True)] == ["y", "z"]   # 0.4 is not > 0.4
    assert [s.text for s in accept(group, 0.0, score_reward=True)] == ["y", "z", "x"]
    assert accept(group, 0.9, score_reward=True) == []


def test_measure_selects_like_accept_at_the_threshold() -> None:
    # One prompt: the only correct sample scores exactly tau, so it is not selected and Pass@K-S is 0.
    groups = [[scored("right", True, 0.5), scored("wrong", False, 0.8)]]
    at = measure(groups, 0.5, score_reward=True)
    below = measure(groups, math.nextafter(0.5, -math.inf), score_reward=True)
    assert at.pass_at_k_s == 0.0 and at.balance == 0.0
    assert below.pass_at_k_s == 1.0 and below.distinct_correct == 1.0
    # Reward@K-S (S=1): the top-scored sample is the wrong one
    assert at.reward_at_k_s == 0.0


def test_balance_rewards_many_distinct_correct_answers() -> None:
    # n* = 4: 4 distinct correct of 4 selected -> 1.0; 2 of 2 -> 0.5; 2 correct of 4 selected -> 0.25
    four = [[scored(f"r{i}", True) for i in range(4)]]
    two = [[scored("r0", True), scored("r1", True), scored("w0", False), scored("w1", False)]]
    assert measure(four, 0.5, False).balance == pytest.approx(1.0)
    assert measure(two, 0.5, False).balance == pytest.approx(0.5)
    mixed = [[scored("r0", True, 0.9), scored("r1", True, 0.9), scored("w0", False, 0.9), scored("w1", False, 0.9)]]
    assert measure(mixed, 0.5, True).balance == pytest.approx(0.5 * 2 / 4)


def test_choose_takes_the_best_balance_and_the_first_on_ties() -> None:
    grid = [Choice(0.5, 0.0, metrics(0.2)), Choice(0.7, 0.0, metrics(0.6)), Choice(0.9, 0.0, metrics(0.6)),
            Choice(1.1, 0.0, metrics(0.1))]
    assert choose(grid).temperature == 0.7
    with pytest.raises(ValueError):
        choose([])


def test_score_groups_checks_with_the_task_and_scores_with_the_reward() -> None:
    problems = get("arithmetic").distinct(2, seed=3, difficulty=1)
    completions = [[Completion(f"\\boxed{{{p.answer}}}", 4, False), Completion("\\boxed{-99}", 40, False)] for p in problems]
    plain = score_groups(problems, completions, None)
    assert [[s.correct for s in g] for g in plain] == [[True, False], [True, False]]
    assert [[s.score for s in g] for g in plain] == [[1.0, 0.0], [1.0, 0.0]]
    cosine = score_groups(problems, completions, rewards.get("cosine"))
    for group in cosine:
        assert group[0].score > 0 > group[1].score   # a score, not 1/0: right answers above wrong ones
        assert group[0].score not in (0.0, 1.0)


def test_sft_rows_are_prompt_completion_pairs_of_the_accepted_samples() -> None:
    problems = get("arithmetic").distinct(2, seed=3, difficulty=1)
    rows = sft_rows(problems, [[scored("one", True)], []], system_prompt="be brief")
    assert len(rows) == 1
    assert rows[0]["prompt"] == [{"role": "system", "content": "be brief"}, {"role": "user", "content": problems[0].prompt}]
    assert rows[0]["completion"] == [{"role": "assistant", "content": "one"}]


def test_monitor_picks_the_temperature_with_the_best_balance() -> None:
    config = load_config("bstar", ["bstar.probe_problems=3", "bstar.probe_k=4", "bstar.temperatures=[0.5, 0.9, 1.3]"])
    # 1 right of 4 at 0.5, 4 of 4 at 0.9, 2 of 4 at 1.3 -> 0.9 is best
    sampler = ScriptedSampler(lambda t, n: {0.5: 1, 0.9: 4, 1.3: 2}[t])
    chosen, grid, tokens = monitor(config, sampler, probe_problems(config), None, seed=0)
    assert chosen.temperature == 0.9 and chosen.metrics.balance == pytest.approx(1.0)
    assert [c.temperature for c in grid] == [0.5, 0.9, 1.3]
    assert [c.metrics.distinct_correct for c in grid] == [1.0, 4.0, 2.0]
    assert sampler.calls == [(3, 4, 0.5), (3, 4, 0.9), (3, 4, 1.3)] and tokens > 0


def test_repeated_right_answers_are_not_exploration() -> None:
    config = load_config("bstar", ["bstar.probe_problems=2", "bstar.probe_k=4", "bstar.temperatures=[0.5, 1.0]"])
    # at 0.5 all four samples are the same right answer; at 1.0 two distinct right ones
    same = ScriptedSampler(lambda t, n: 4 if t == 0.5 else 0, distinct=False)
    varied = ScriptedSampler(lambda t, n: 2 if t == 1.0 else 0)

    class Both:
        def sample(self, prompts, n, params, progress=None):
            return (same if params.temperature == 0.5 else varied).sample(prompts, n, params)

    chosen, grid, _ = monitor(config, Both(), probe_problems(config), None, seed=0)
    assert [c.metrics.distinct_correct for c in grid] == [1.0, 2.0]
    assert chosen.temperature == 1.0


def test_a_score_reward_lets_bstar_choose_tau() -> None:
    config = load_config("bstar", ["reward.name=cosine", "bstar.taus=[-20.0, 0.0, 5.0]", "bstar.temperatures=[0.7]",
                                   "bstar.probe_problems=2", "bstar.probe_k=4"])
    sampler = ScriptedSampler(lambda t, n: 2)
    chosen, grid, _ = monitor(config, sampler, probe_problems(config), rewards.get("cosine"), seed=0)
    by_tau = {c.tau: c.metrics for c in grid}
    # cosine: right ~ +2, wrong ~ -10; tau -20 selects every sample (2 wrong among 4), tau 0 only the right ones, tau 5 none
    assert by_tau[-20.0].balance == pytest.approx(0.5 * 2 / 4)
    assert by_tau[0.0].balance == pytest.approx(0.5)
    assert by_tau[5.0].balance == 0.0 and by_tau[5.0].pass_at_k_s == 0.0
    assert chosen.tau == 0.0
    assert len(sampler.calls) == 1   # one temperature sampled once, every tau measured on the same samples
