"""Rewards: correctness, format and length-based shaping behind one small registry.

Every method maps a `RolloutBatch` (flattened responses, a `group` id per response,
`correct` in [0, 1], `length` in tokens) to `Scores` (`total` per response plus named
`components`). Pick one by name, or combine several by weight::

    from rlvr import rewards

    rewards.names()                        # ['correct', 'cosine', 'dapo_overlong', ...]
    method = rewards.get("laser_d", alpha=0.5, target_initial=8192)   # -> RewardMethod
    batch = rewards.RolloutBatch(correct=[1, 0, 1, 1], length=[900, 4000, 1200, 700],
                                 group=[0, 0, 1, 1])
    scores = method.score(batch, step=0)
    scores.total                          # np.ndarray, one reward per response
    scores.components                     # {'correct': ..., 'length': ...}
    method.targets_for(batch)             # LASER-D: the target each response was scored against

    # format reads RolloutBatch.texts; laser_de and repetition read RolloutBatch.token_ids
    batch.texts = ["<think>...</think> \\boxed{3}", "no answer", "\\boxed{5}", "\\boxed{5}"]
    recipe = rewards.Combined([("laser_d", 1.0), ("format", 1.0)])
    recipe.score(batch).components        # {'laser_d': ..., 'format': ..., 'laser_d/length': ...}
    rewards.Combined([("laser", 1.0, {"target_length": 2048}), ("repetition", 0.5)])

Conventions (engine adapters can rely on them):

- Each length method's `total` is its full formula, correctness included
  (`R = C + lambda * S`), so `get("laser_d")` alone is a complete reward. A method's
  components are additive: `sum(components.values()) == total` (length methods report
  `"correct"` and `"length"`, LASER-DE also `"explore"`, format `"answer"`/`"think"`).
  Class attributes: `includes_correctness` (carries C), `length_term_on_incorrect`
  (its shaping also touches wrong answers), `needs_group`, `stateful`, `source`, `formula`.
- A response counts as correct for the gates when `correct >= 0.5`; lengths are tokens.
- `Combined` sums `weight * member.total`; its components hold each member's
  unweighted total under the member's name, its weights in `Combined.weights`,
  and the members' own components as `"<member>/<component>"`. Combining two
  members that both carry correctness (e.g. `"correct"` with `"laser_d"`) would
  count C twice and raises `RewardError` unless `allow_double_correctness=True`.
- Stateful methods: call `method.on_step(step)` once per training step (ThinkPrune's
  staged limit); when `method.wants_monitoring(step)` is true, sample the monitoring
  prompts and pass them to `method.monitor(batch, step)` (LASER-D's adaptive targets).
  `state_dict()` / `load_state_dict()` carry that state through checkpoints.
- Bad input (mismatched lengths, negative lengths, unknown names, bad parameters)
  raises `RewardError`, a `ValueError` whose message says what to fix.

Default recipes: `rewards.RECIPES` (e.g. `"laser_d"`, `"laser_de"`, `"l1_max"`,
`"dapo"`, `"laser_d+format"`), each a list of `(name, weight)` pairs; `rewards.recipe(name)`
builds the `Combined`. The recommended default is `"laser_d"` (LASER-D, LASER paper).
"""

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.rewards.combined import Combined
from rlvr.rewards.registry import RECIPES, get, method_class, names, recipe, register

__all__ = [
    "RECIPES",
    "Combined",
    "RewardError",
    "RewardMethod",
    "RolloutBatch",
    "Scores",
    "get",
    "method_class",
    "names",
    "recipe",
    "register",
]
