"""Training and monitoring data for a recipe: TRL rows drawn from the task mixture.

With fixed difficulties the training set is a plain `datasets.Dataset` of
`tasks.train_problems` rows. With a curriculum it is a stream (`IterableDataset`) that
reads each family's difficulty from the curriculum when the row is drawn, so the
levels follow the policy's recent success rate.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from rlvr.tasks.curriculum import Curriculum
from rlvr.tasks.mixture import Mixture
from rlvr.tasks.rows import to_trl_row
from rlvr.train.config import TrainConfig

# LASER-D monitoring prompts come from their own seed, apart from training and held-out sets.
MONITOR_SEED_OFFSET = 7_919


def make_curriculum(config: TrainConfig) -> Curriculum | None:
    """The recipe's curriculum, or None for fixed difficulties."""
    c = config.tasks.curriculum
    if c is None:
        return None
    return Curriculum(config.task_names, start=c.start, raise_above=c.raise_above, lower_below=c.lower_below,
                      window=c.window, min_difficulty=c.min_difficulty, max_difficulty=c.max_difficulty)


def make_mixture(config: TrainConfig, seed: int | None = None, curriculum: Curriculum | None = None) -> Mixture:
    """The recipe's task mixture at its difficulties (or under `curriculum`)."""
    entries = config.tasks.mixture
    return Mixture([e.name for e in entries], weights=[e.weight for e in entries],
                   seed=config.tasks.seed if seed is None else seed, difficulty=config.tasks.difficulty,
                   curriculum=curriculum)


def train_rows(config: TrainConfig) -> list[dict[str, Any]]:
    """`tasks.train_problems` TRL rows from the training seed."""
    mixture = make_mixture(config)
    return [to_trl_row(p, config.system_prompt) for p in mixture.generate(config.tasks.train_problems)]


def train_dataset(config: TrainConfig, curriculum: Curriculum | None = None) -> Any:
    """The dataset GRPOTrainer draws prompts from."""
    from datasets import Dataset, IterableDataset

    if curriculum is None:
        return Dataset.from_list(train_rows(config))
    mixture = make_mixture(config, curriculum=curriculum)
    system_prompt = config.system_prompt

    def stream() -> Iterator[dict[str, Any]]:
        index = 0
        while True:
            yield to_trl_row(mixture.problem(index), system_prompt)
            index += 1

    return IterableDataset.from_generator(stream)


def monitor_rows(config: TrainConfig) -> list[dict[str, Any]]:
    """`tasks.monitor_problems` prompts for stateful rewards' monitoring batches (LASER-D), disjoint from training."""
    mixture = make_mixture(config, seed=config.tasks.seed + MONITOR_SEED_OFFSET)
    return [to_trl_row(p, config.system_prompt) for p in mixture.generate(config.tasks.monitor_problems)]
