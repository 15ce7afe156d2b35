"""The group hub: streamed responses give exactly the rewards of scoring each step whole."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from rlvr import rewards
from rlvr.engines.group_hub import GroupHub, GroupTimeoutError, HubMember
from rlvr.engines.groups import uid_groups
from rlvr.engines.pipeline import RewardPipeline, TrainingSteps
from rlvr.rewards.base import RewardError
from rlvr.verify.verdict import Verdict

G = 4
PARAMS = {
    "laser_d": {"monitor_every": 1, "grid_lower": 8, "grid_upper": 256, "grid_step": 8, "target_initial": 64},
    "laser_de": {"monitor_every": 1, "grid_lower": 8, "grid_upper": 256, "grid_step": 8, "target_initial": 64},
    "thinkprune": {"limits": [200, 100, 50], "stage_steps": [0, 1, 2]},
    "l1_max": {"target_length": 60},
    "l1_exact": {"target_length": 60},
}


def make_step(seed: int, prompts: int, group_size: int = G, partial: bool = True):
    """One step's responses in batch order: uid per prompt, verdicts (some partial credit), lengths, tokens."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(prompts):
        for j in range(group_size):
            score = float(rng.choice([0.0, 1.0, 0.3])) if partial else float(rng.integers(0, 2))
            length = int(rng.integers(1, 240))
            tokens = rng.integers(0, 50, size=length).tolist()
            text = "x " * (length // 2) + ("<answer>1</answer>" if score else "")
            verdict = Verdict(correct=score >= 0.5, reason="t", score=score)
            rows.append((f"s{seed}-p{k}", HubMember(verdict, length, text, tokens, length >= 230, key=f"prompt-{k}", order=len(rows))))
    return rows


def reference(method: str, steps: list[list[tuple[str, HubMember]]], per_step: int) -> list[np.ndarray]:
    """Each step scored whole, in process: RewardPipeline over the step's batch, TrainingSteps for the steps."""
    pipeline = RewardPipeline(method, params={method: PARAMS[method]} if method in PARAMS else None)
    counter = TrainingSteps(pipeline, per_step)
    out = []
    for rows in steps:
        uids = [uid for uid, _ in rows]
        members = [m for _, m in rows]
        group = uid_groups(uids)
        keys = [""] * (int(group.max()) + 1)
        for g, m in zip(group, members):
            keys[g] = m.key
        counter.begin()
        scored = pipeline.score_verdicts(
            [m.verdict for m in members], [m.length for m in members], group,
            texts=[m.text for m in members], token_ids=[m.token_ids for m in members],
            truncated=[m.truncated for m in members], prompt_ids=keys,
        )
        counter.record(scored.batch)
        out.append(scored.total)
    return out


async def stream(hub: GroupHub, rows, seed: int, training: bool = True) -> np.ndarray:
    """Submit every response concurrently in a shuffled order; rewards come back in batch order."""
    order = np.random.default_rng(seed).permutation(len(rows))
    tasks = {}
    for i in order.tolist():
        uid, member = rows[i]
        tasks[i] = asyncio.ensure_future(hub.submit(uid, member, training=training))
        if i % 7 == 0:
            await asyncio.sleep(0)  # interleave arrivals with scoring
    done = await asyncio.wait_for(asyncio.gather(*(tasks[i] for i in range(len(rows)))), 30)
    return np.array([d["score"] for d in done])


@pytest.mark.parametrize("method", rewards.names())
def test_streamed_steps_equal_whole_step_scoring_for_every_method(method):
    prompts = 12
    steps = [make_step(seed, prompts) for seed in range(3)]
    expected = reference(method, steps, prompts * G)
    pipeline = RewardPipeline(method, params={method: PARAMS[method]} if method in PARAMS else None)
    hub = GroupHub(pipeline, group_size=G, responses_per_step=prompts * G, group_timeout=30)

    async def run():
        return [await stream(hub, rows, seed) for seed, rows in enumerate(steps)]

    got = asyncio.run(run())
    for step, (g, e) in enumerate(zip(got, expected)):
        np.testing.assert_array_equal(g, e, err_msg=f"{method} step {step}")
    assert hub.step == 3


def test_laser_d_first_step_is_scored_whole_and_later_steps_use_its_targets():
    prompts = 8
    steps = [make_step(seed, prompts, partial=False) for seed in range(2)]
    pipeline = RewardPipeline("laser_d", params={"laser_d": PARAMS["laser_d"]})
    hub = GroupHub(pipeline, group_size=G, responses_per_step=prompts * G, group_timeout=30)
    asyncio.run(stream(hub, steps[0], 0))
    # Targets came from the whole first step, not from whichever group completed first.
    ref_pipeline = RewardPipeline("laser_d", params={"laser_d": PARAMS["laser_d"]})
    members = [m for _, m in steps[0]]
    ref_pipeline.score_verdicts([m.verdict for m in members], [m.length for m in members], uid_groups([u for u, _ in steps[0]]))
    assert pipeline.method.targets == ref_pipeline.method.targets
    assert pipeline.method.targets != rewards.get("laser_d", **PARAMS["laser_d"]).targets  # they moved from the initial 64


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("sampled", [False, True])
def test_validation_padding_copies_never_join_a_group_nor_make_it_wait(seed, sampled):
    prompts, val_n, pad = 5, 2, 3
    rows = make_step(7, prompts, group_size=val_n)
    # verl pads the validation batch to a multiple of its workers with copies of its first rows
    # (greedy decoding: the same tokens; sampling: new ones), at the end of the batch.
    resampled = make_step(99, prompts, group_size=val_n)
    copies = [
        (uid, HubMember((r if sampled else m).verdict, (r if sampled else m).length, (r if sampled else m).text,
                        (r if sampled else m).token_ids, m.truncated, m.key, order=len(rows) + j))
        for j, ((uid, m), (_, r)) in enumerate(zip(rows[:pad], resampled))
    ]
    hub = GroupHub(RewardPipeline("group_penalty"), group_size=G, val_group_size=val_n, responses_per_step=8 * G, group_timeout=30)
    got = asyncio.run(asyncio.wait_for(stream(hub, rows + copies, seed, training=False), 5))
    expected = reference("group_penalty", [rows], len(rows))[0]
    np.testing.assert_array_equal(got[: len(rows)], expected)  # originals scored among originals only
    if not sampled:
        np.testing.assert_array_equal(got[len(rows) :], expected[:pad])  # a copy gets its original's reward
    assert hub.stats()["duplicates"] == pad and hub.stats()["pending"] == 0 and hub.step == 0


def test_validation_without_positions_completes_on_the_first_arrivals():
    rows = make_step(8, 2, group_size=2)
    rows = [(u, HubMember(m.verdict, m.length, m.text, m.token_ids, m.truncated, m.key)) for u, m in rows]
    hub = GroupHub(RewardPipeline("group_penalty"), group_size=G, val_group_size=2, group_timeout=30)

    async def run():
        first = await stream(hub, rows, 0, training=False)
        copy = await asyncio.wait_for(hub.submit(*rows[0], training=False), 1)
        return first, copy

    first, copy = asyncio.run(run())
    np.testing.assert_array_equal(first, reference("group_penalty", [rows], len(rows))[0])
    assert copy["score"] == first[0] and hub.stats()["duplicates"] == 1


def test_validation_does_not_move_a_stateful_methods_targets():
    pipeline = RewardPipeline("laser_d", params={"laser_d": PARAMS["laser_d"]})
    hub = GroupHub(pipeline, group_size=G, responses_per_step=4 * G, group_timeout=30)
    before = dict(pipeline.method.targets)
    asyncio.run(stream(hub, make_step(1, 4), 1, training=False))
    assert pipeline.method.targets == before and pipeline.method.last_monitor_step is None and hub.step == 0


def test_incomplete_group_times_out_with_a_one_line_error_and_late_members_fail_at_once():
    rows = make_step(2, 1)
    hub = GroupHub(RewardPipeline("group_penalty"), group_size=G, group_timeout=0.3)

    async def run():
        waiting = [asyncio.ensure_future(hub.submit(uid, m)) for uid, m in rows[:3]]
        results = await asyncio.wait_for(asyncio.gather(*waiting, return_exceptions=True), 5)
        with pytest.raises(GroupTimeoutError) as late:
            await asyncio.wait_for(hub.submit(*rows[3]), 0.1)
        return results, late.value

    results, late = asyncio.run(run())
    assert all(isinstance(r, GroupTimeoutError) for r in results)
    message = str(results[0])
    assert "\n" not in message and "'s2-p0'" in message and "3 of 4 training responses" in message and "group_size" in message
    assert str(late) == message and hub.stats()["timeouts"] == 1


def test_first_step_held_whole_times_out_when_the_step_is_smaller_than_configured():
    rows = make_step(4, 2)
    hub = GroupHub(RewardPipeline("laser_d", params={"laser_d": PARAMS["laser_d"]}), group_size=G, responses_per_step=3 * G, group_timeout=0.3)
    with pytest.raises(GroupTimeoutError, match="step 0 got 8 of 12 responses.*train_batch_size"):
        asyncio.run(stream(hub, rows, 0))


def test_surplus_training_response_is_a_configuration_error():
    rows = make_step(5, 1)
    hub = GroupHub(RewardPipeline("group_penalty"), group_size=G, group_timeout=30)

    async def run():
        await stream(hub, rows, 0)
        await hub.submit(*rows[0])

    with pytest.raises(RewardError, match="more than group_size=4 training responses"):
        asyncio.run(run())


def test_bad_settings_and_input_are_one_line_errors():
    pipeline = RewardPipeline("group_penalty")
    with pytest.raises(RewardError, match="group_size"):
        GroupHub(pipeline, group_size=0)
    with pytest.raises(RewardError, match="group_timeout"):
        GroupHub(pipeline, group_size=2, group_timeout=float("inf"))
    hub = GroupHub(pipeline, group_size=2)
    with pytest.raises(RewardError, match="HubMember"):
        asyncio.run(hub.submit("u", {"score": 1}))
    with pytest.raises(RewardError, match="uid"):
        asyncio.run(hub.submit(None, make_step(0, 1)[0][1]))
