"""rlvr's reward manager in several real verl RewardLoopWorkers (Ray actors on CPU), sharing one group hub.

The batches are built as verl's rollout builds them (test_verl.verl_batch); the expected
rewards come from scoring each whole step in process with a RewardPipeline.
"""

from __future__ import annotations

import numpy as np
import pytest
from engine_helpers import problems
from test_verl import G, RESPONSE_WIDTH, verl_batch, verl_config

pytest.importorskip("verl")
ray = pytest.importorskip("ray")

from rlvr.engines.groups import uid_groups  # noqa: E402
from rlvr.engines.pipeline import RewardPipeline, TrainingSteps  # noqa: E402
from rlvr.engines.verl import row_of  # noqa: E402
from rlvr.rewards.base import RewardError  # noqa: E402
from rlvr.tasks import get as get_task  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.verl]

LASER = {"laser_d": {"monitor_every": 1, "grid_lower": 8, "grid_upper": 256, "grid_step": 8}}


@pytest.fixture(scope="module")
def ray_session():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield ray
    ray.shutdown()


@pytest.fixture
def local_ray(ray_session):
    """One Ray session for the module (starting Ray is slow); each test's named actors are ended after it."""
    yield ray_session
    for name in ray.util.list_named_actors():
        ray.kill(ray.get_actor(name))


def whole_step_rewards(method, params, steps, problem_lists):
    """Each step scored whole, in process: the task's own check, then RewardPipeline over the step."""
    pipeline = RewardPipeline(method, params=params)
    counter = TrainingSteps(pipeline, len(steps[0][0]))
    out = []
    for (data, texts, lengths, ids), problem_list in zip(steps, problem_lists):
        flat = [t for group in texts for t in group]
        owners = [p for p, group in zip(problem_list, texts) for _ in group]
        verdicts = [get_task(p.task).check(p, t) for p, t in zip(owners, flat)]
        uids = list(data.non_tensor_batch["uid"])
        group = uid_groups(uids)
        rows = data.non_tensor_batch
        keys = [""] * (int(group.max()) + 1)
        for i, g in enumerate(group.tolist()):
            keys[g] = row_of(rows["data_source"][i], rows["reward_model"][i]["ground_truth"], rows["extra_info"][i], 1.0).key
        counter.begin()
        scored = pipeline.score_verdicts(
            verdicts, [n for group_lengths in lengths for n in group_lengths], group,
            texts=flat, token_ids=ids, truncated=[len(x) >= RESPONSE_WIDTH for x in ids], prompt_ids=keys,
        )
        counter.record(scored.batch)
        out.append(scored.total)
    return out


def reward_loop_manager(config):
    from verl.experimental.reward_loop.reward_loop import RewardLoopManager

    return RewardLoopManager(config)


def hub_stats():
    from rlvr.engines.ray_hub import GroupHubActor  # noqa: F401 - the class Ray names the actor after

    hubs = [a for a in ray.util.list_named_actors() if a.startswith("rlvr_group_hub_")]
    assert len(hubs) == 1, hubs  # every worker found the same hub
    return ray.get(ray.get_actor(hubs[0]).stats.remote())


def test_8192_responses_split_over_four_workers_score_as_the_whole_step(local_ray, tokenizer, tokenizer_dir):
    """verl's own RewardLoopManager.compute_rm_score: pads, chunks over 4 workers, gathers, places on tokens."""
    prompts = 2048  # x G=4 = 8,192 responses a step
    steps = [verl_batch(tokenizer, problems("arithmetic", prompts), seed=seed * 10_000, uid_prefix=f"s{seed}-") for seed in range(2)]
    expected = whole_step_rewards("laser_d", LASER, steps, [problems("arithmetic", prompts)] * 2)
    config = verl_config(tokenizer_dir, {"rewards": "laser_d", "params": LASER}, num_workers=4, prompts_per_step=prompts)
    manager = reward_loop_manager(config)
    assert len(manager.reward_loop_workers) == 4
    for step, (data, _, lengths, _) in enumerate(steps):
        # verl balances the batch across ranks before scoring, so a prompt's responses are split across workers.
        order = np.random.default_rng(step).permutation(len(data))
        out = manager.compute_rm_score(data[order.tolist()])
        got = np.asarray(out.non_tensor_batch["score"], dtype=np.float64)
        np.testing.assert_array_equal(got, expected[step][order], err_msg=f"step {step}")
        # verl's own placement: the reward sits on each response's last token.
        last = np.array([n for group_lengths in lengths for n in group_lengths])[order] - 1
        rm = out.batch["rm_scores"]
        np.testing.assert_array_equal(rm[np.arange(len(order)), last].numpy(), expected[step][order].astype(np.float32))
        assert int((rm != 0).sum()) <= len(order)
    stats = hub_stats()
    assert stats["step"] == 2 and stats["groups"] == 2 * prompts and stats["timeouts"] == 0
    assert stats["state"]["last_monitor_step"] == 1  # step 1 monitored step 0's rollouts


def test_one_reward_worker_streams_a_step_of_8192_responses_all_waiting_at_once(local_ray, tokenizer, tokenizer_dir):
    """verl's agent loop sends each response on its own; LASER-D's first step waits whole, 8,192 calls in one worker.

    Ray's default would run 1,000 of them and queue the rest behind responses that wait for
    them: rlvr raises the limit of the workers verl's RewardLoopManager creates.
    """
    prompts = 2048
    step = verl_batch(tokenizer, problems("arithmetic", prompts), seed=5, uid_prefix="one")
    expected = whole_step_rewards("laser_d", LASER, [step], [problems("arithmetic", prompts)])[0]
    config = verl_config(tokenizer_dir, {"rewards": "laser_d", "params": LASER, "group_timeout": 120}, num_workers=1, prompts_per_step=prompts)
    worker = reward_loop_manager(config).reward_loop_workers[0]
    data = step[0]
    order = np.random.default_rng(5).permutation(len(data)).tolist()
    refs = {i: worker.compute_score.remote(data[i : i + 1]) for i in order}
    got = np.array([r["reward_score"] for r in ray.get([refs[i] for i in range(len(data))], timeout=150)])
    np.testing.assert_array_equal(got, expected)
    assert hub_stats()["step"] == 1


def test_streamed_responses_on_random_workers_with_validation_padding(local_ray, tokenizer, tokenizer_dir):
    """verl's agent loop: each finished response goes alone to a random worker; validation batches are padded."""
    from verl.protocol import pad_dataproto_to_divisor
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    config = verl_config(tokenizer_dir, {"rewards": "group_penalty"}, num_workers=2, prompts_per_step=64, val_n=G)
    workers = [ray.remote(RewardLoopWorker).remote(config) for _ in range(2)]
    rng = np.random.default_rng(0)

    def stream(data):
        order = rng.permutation(len(data)).tolist()
        refs = {i: workers[int(rng.integers(2))].compute_score.remote(data[i : i + 1]) for i in order}
        return np.array([ray.get(refs[i], timeout=60)["reward_score"] for i in range(len(data))])

    train_list = problems("arithmetic", 64)
    train = verl_batch(tokenizer, train_list, seed=1, uid_prefix="t")
    np.testing.assert_array_equal(stream(train[0]), whole_step_rewards("group_penalty", None, [train], [train_list])[0])

    # Validation: 13 prompts x 4, padded to a multiple of 8 agent workers with copies of the first rows
    # (their uid included), each row's position in the padded batch in `priority`, as verl 0.9 does.
    val_list = problems("arithmetic", 13)
    val = verl_batch(tokenizer, val_list, seed=2, split="test", uid_prefix="v")
    padded, pad = pad_dataproto_to_divisor(val[0], 8)
    padded.non_tensor_batch["priority"] = np.arange(len(padded), dtype=np.int64)
    assert pad == 4 and len(set(padded.non_tensor_batch["uid"])) == 13
    got = stream(padded)  # no group waits (each ray.get has 60 s, the group timeout is an hour)
    expected = whole_step_rewards("group_penalty", None, [val], [val_list])[0]
    np.testing.assert_array_equal(got[: len(val[0])], expected)
    np.testing.assert_array_equal(got[len(val[0]) :], expected[:pad])  # greedy copies: their originals' rewards
    stats = hub_stats()
    assert stats["duplicates"] == pad and stats["pending"] == 0 and stats["step"] == 0


def test_group_timeout_through_ray_is_one_clear_line(local_ray, tokenizer, tokenizer_dir):
    from verl.experimental.reward_loop.reward_loop import RewardLoopWorker

    config = verl_config(tokenizer_dir, {"rewards": "group_penalty", "group_timeout": 1})
    worker = ray.remote(RewardLoopWorker).remote(config)  # one worker: the hub's timer is what is tested
    data = verl_batch(tokenizer, problems("arithmetic", 1), uid_prefix="x")[0]
    refs = [worker.compute_score.remote(data[i : i + 1]) for i in range(3)]
    line = "group timeout: prompt uid 'x0-0' got 3 of 4 training responses within 1s; set reward_kwargs.group_size"
    for ref in refs:
        with pytest.raises(ray.exceptions.RayTaskError) as caught:
            ray.get(ref, timeout=60)
        assert isinstance(caught.value.cause, RewardError)
        # verl's caller gets Ray's traceback around it; rlvr's own message is one whole line of it.
        assert any(line in text and text.endswith("if generation is that slow") for text in str(caught.value).splitlines())
