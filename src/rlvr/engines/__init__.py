"""Engine adapters: the same rlvr rewards in TRL, verl and OpenRLHF.

Change the reward by changing one value (`"laser_d"`, `"l1_max"`, `"laser_d:1,format:0.1"`):

- TRL:      `rlvr.engines.trl.RlvrReward(rewards, num_generations=G)` as a GRPOTrainer
            reward function, plus `RlvrRewardCallback` for stateful methods.
- verl:     `rlvr.engines.verl.compute_score` (per-sample) and `RlvrRewardManager`
            (group-based and stateful methods).
- OpenRLHF: `rlvr/engines/openrlhf_reward.py` for `--remote_rm_url`.

All three call `RewardPipeline` (verdicts + token lengths + groups -> `Scores`), so they
give the same numbers on the same batch. The engine modules import their engine; this
package itself does not.
"""

from rlvr.engines.groups import consecutive_groups, uid_groups
from rlvr.engines.pipeline import RewardPipeline, ScoredBatch, build_method
from rlvr.engines.scoring import RowChecker, row_checker

__all__ = ["RewardPipeline", "RowChecker", "ScoredBatch", "build_method", "consecutive_groups", "row_checker", "uid_groups"]
