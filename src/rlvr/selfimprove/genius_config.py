"""The Genius recipe (`rlvr self-improve genius`, or any recipe file with `algorithm: genius`).

Read with the same rules as every rlvr recipe (rlvr.train.config): unknown keys, wrong types and
out-of-range values raise `ConfigError` naming the key; defaults fill what a file leaves out.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.selfimprove.genius import GeniusError, ResampleSettings
from rlvr.train.config import RECIPE_SUFFIXES, ConfigError, _apply_override, _build, read_file

ALGORITHM = "genius"
LR_SCHEDULERS = ("constant", "linear", "cosine", "constant_with_warmup")
# The answer format the verifier reads; the 135M model rarely boxes its answer without an example.
BOXED_PROMPT = ("You are a helpful AI assistant named SmolLM, trained by Hugging Face. Give the final answer in "
                "\\boxed{}, for example: 12 + 30 = 42, so the answer is \\boxed{42}.")


@dataclass
class GeniusTasks:
    """Training prompts: one task family at one difficulty. Only the prompts are used, never the answers."""

    name: str = "arithmetic"
    difficulty: int = 2
    problems: int = 32
    seed: int = 0


@dataclass
class GeniusSampling:
    """Foresight re-sampling (see rlvr.selfimprove.genius.ResampleSettings)."""

    beams: int = 2
    candidates: int = 4
    tau: float = 0.1
    temperature: float = 0.7
    top_p: float = 1.0
    max_steps: int = 3
    max_new_tokens: int = 64
    rejected: str = "random"
    score: str = "continuation"
    pairs_from: str = "finished"

    def settings(self) -> ResampleSettings:
        return ResampleSettings(**dataclasses.asdict(self))


@dataclass
class AcoSettings:
    """ACO training on the pairs (TRL DPOTrainer with the ACO loss)."""

    beta: float = 0.1
    alpha: float = 1.0
    learning_rate: float = 5e-6
    epochs: float = 1.0
    batch_size: int = 4
    lr_scheduler: str = "constant"
    warmup_ratio: float = 0.0
    max_length: int | None = None


@dataclass
class GeniusEval:
    """Held-out evaluation (the only place the verifier is used), before and after training."""

    problems: int = 64
    temperature: float = 0.0
    max_tokens: int | None = None   # null = sampling.max_new_tokens
    seed: int = 10_000
    batch_size: int = 32


@dataclass
class GeniusConfig:
    """A whole Genius recipe."""

    algorithm: str = ALGORITHM
    name: str = "genius"
    model: str = "default"
    output: str = "runs/genius"
    seed: int = 0
    system_prompt: str | None = BOXED_PROMPT
    threads: int | None = None
    tasks: GeniusTasks = field(default_factory=GeniusTasks)
    sampling: GeniusSampling = field(default_factory=GeniusSampling)
    aco: AcoSettings = field(default_factory=AcoSettings)
    eval: GeniusEval = field(default_factory=GeniusEval)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def eval_max_tokens(self) -> int:
        return self.eval.max_tokens or self.sampling.max_new_tokens


def recipe_algorithm(source: str | Path | None) -> str | None:
    """The `algorithm` a recipe names (None when it names none or cannot be read); 'genius' for the shipped name."""
    if source is None:
        return None
    if str(source) == ALGORITHM:
        return ALGORITHM
    path = Path(source).expanduser()
    if not path.is_file() or path.suffix not in RECIPE_SUFFIXES:
        return None
    try:
        data = read_file(path)
    except ConfigError:
        return None
    value = data.get("algorithm")
    return value if isinstance(value, str) else None


def load_genius_config(source: str | Path | None = None, overrides: list[str] | None = None) -> GeniusConfig:
    """A validated Genius recipe from a file path or the shipped name 'genius'."""
    if source is None or str(source) == ALGORITHM:
        from importlib import resources

        path = Path(str(resources.files("rlvr.selfimprove") / "recipes" / "genius.yaml"))
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            raise ConfigError(f"recipe file {str(source)!r} does not exist")
    data = read_file(path)
    for item in overrides or []:
        _apply_override(data, item)
    return genius_from_dict(data)


def genius_from_dict(data: dict[str, Any]) -> GeniusConfig:
    """Build and validate a `GeniusConfig` from a plain mapping."""
    config = _build(GeniusConfig, data, "")
    validate_genius(config)
    return config


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def validate_genius(config: GeniusConfig) -> None:
    """Range and cross-field checks, with the key in every message."""
    from rlvr.tasks import names as task_names

    _need(config.algorithm == ALGORITHM, f"algorithm must be {ALGORITHM!r} in a Genius recipe; got {config.algorithm!r}")
    _need(bool(config.model.strip()), "model must name 'default', a local folder or a cached HF id")
    _need(bool(config.output.strip()), "output must name a folder")
    _need(config.threads is None or config.threads >= 1, f"threads must be >= 1 or null; got {config.threads}")
    known = task_names()
    t = config.tasks
    _need(t.name in known, f"tasks.name: unknown task {t.name!r}; known: {', '.join(known)}")
    _need(1 <= t.difficulty <= 10, f"tasks.difficulty must be 1..10; got {t.difficulty}")
    _need(t.problems >= 1, f"tasks.problems must be >= 1 (an empty training set gives no pairs); got {t.problems}")
    try:
        config.sampling.settings()
    except GeniusError as err:
        raise ConfigError(str(err)) from None
    a = config.aco
    _need(a.beta > 0, f"aco.beta must be > 0 (the DPO temperature); got {a.beta}")
    _need(a.alpha > 0, f"aco.alpha must be > 0 (it scales the advantage gap); got {a.alpha}")
    _need(0 < a.learning_rate < 1, f"aco.learning_rate must be in (0, 1); got {a.learning_rate}")
    _need(a.epochs > 0, f"aco.epochs must be > 0; got {a.epochs}")
    _need(a.batch_size >= 1, f"aco.batch_size must be >= 1; got {a.batch_size}")
    _need(a.lr_scheduler in LR_SCHEDULERS, f"aco.lr_scheduler must be one of {', '.join(LR_SCHEDULERS)}; got {a.lr_scheduler!r}")
    _need(0 <= a.warmup_ratio < 1, f"aco.warmup_ratio must be in [0, 1); got {a.warmup_ratio}")
    _need(a.max_length is None or a.max_length >= 2, f"aco.max_length must be >= 2 or null; got {a.max_length}")
    e = config.eval
    _need(e.problems >= 1, f"eval.problems must be >= 1; got {e.problems}")
    _need(e.temperature >= 0, f"eval.temperature must be >= 0 (0 = greedy); got {e.temperature}")
    _need(e.max_tokens is None or e.max_tokens >= 1, f"eval.max_tokens must be >= 1 or null; got {e.max_tokens}")
    _need(e.batch_size >= 1, f"eval.batch_size must be >= 1; got {e.batch_size}")
    _need(e.seed != t.seed, f"eval.seed ({e.seed}) must differ from tasks.seed so held-out problems stay unseen")


def dump_genius_yaml(config: GeniusConfig) -> str:
    """The resolved recipe as YAML (written next to every run)."""
    import yaml

    return yaml.safe_dump(config.to_dict(), sort_keys=False)
