"""The self-improvement recipe (`rlvr self-improve RECIPE`): one YAML or TOML file, validated.

The same reading rules as `rlvr train` recipes (rlvr.train.config): unknown keys, wrong types
and out-of-range values raise `ConfigError` naming the key; defaults fill what a file leaves
out. Shipped recipes: `bstar` (temperature, and tau with a score reward, tuned every iteration
by B-STaR's balance score) and `star` (the same loop at a fixed temperature: STaR / RFT).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The typed reader and YAML/TOML/override handling of `rlvr train` recipes, reused so both
# commands read and reject recipes the same way.
from rlvr.train.config import RECIPE_SUFFIXES, ConfigError, _apply_override, _build, read_file, shipped_recipe, shipped_recipes

# The only reward that is a verifier's yes/no rather than a score: tau (a score threshold) needs another.
VERIFIER_REWARD = "correct"
# B-STaR's released code sweeps temperatures 0.50..1.20 in steps of 0.05 (train_bstar.sh); rlvr's
# default grid is coarser to keep a CPU iteration short.
DEFAULT_TEMPERATURES = [0.5, 0.7, 0.9, 1.1]


@dataclass
class TasksConfig:
    """Training prompts: one task family at one difficulty, fresh prompts every iteration."""

    name: str = "arithmetic"
    difficulty: int = 1
    prompts_per_iteration: int = 64
    seed: int = 0


@dataclass
class RewardConfig:
    """What accepts a sample: `correct` (the verifier) or a scoring rlvr reward thresholded at tau."""

    name: str = VERIFIER_REWARD
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class SamplingConfig:
    """How training samples are drawn: K per prompt at `temperature` (the start value under auto-tuning)."""

    k: int = 8
    temperature: float = 0.7
    tau: float | None = None          # score threshold (score rewards only); null = 0.0
    top_p: float = 1.0
    max_tokens: int = 64
    max_per_prompt: int | None = None  # most accepted samples kept per prompt (null = all distinct ones)
    batch_size: int = 32


@dataclass
class BstarConfig:
    """Monitoring on a held-out probe and, with `auto`, choosing T (and tau) by the balance score."""

    auto: bool = True
    temperatures: list[float] = field(default_factory=lambda: list(DEFAULT_TEMPERATURES))
    taus: list[float] | None = None    # tau grid (score rewards only); null = just sampling.tau
    probe_problems: int = 16
    probe_k: int | None = None         # samples per probe prompt; null = sampling.k
    probe_seed: int = 20_000
    n_star: int = 4                    # the paper's n*: distinct correct answers that count as enough
    top_s: int = 1                     # S of Reward@K-S


@dataclass
class SftConfig:
    """The SFT on accepted samples each iteration (TRL's SFTTrainer), continuing from the last model."""

    learning_rate: float = 1e-5
    epochs: float = 1.0
    batch_size: int = 8
    lr_scheduler: str = "constant"
    warmup_steps: int = 0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    max_length: int = 512


@dataclass
class EvalConfig:
    """Held-out accuracy before the first and after every iteration."""

    problems: int = 64
    difficulty: int | None = None      # null = tasks.difficulty
    temperature: float = 0.0
    samples: int = 1
    max_tokens: int | None = None      # null = sampling.max_tokens
    seed: int = 10_000
    batch_size: int = 64


@dataclass
class SelfImproveConfig:
    """A whole self-improvement recipe."""

    name: str = "custom"
    model: str = "default"
    output: str = "runs/selfimprove"
    seed: int = 0
    iterations: int = 3
    system_prompt: str | None = None
    threads: int | None = None
    tasks: TasksConfig = field(default_factory=TasksConfig)
    reward: RewardConfig = field(default_factory=RewardConfig)
    sampling: SamplingConfig = field(default_factory=SamplingConfig)
    bstar: BstarConfig = field(default_factory=BstarConfig)
    sft: SftConfig = field(default_factory=SftConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def is_score_reward(self) -> bool:
        """True when the reward is a score (tau applies), False for the verifier's yes/no."""
        return self.reward.name != VERIFIER_REWARD

    @property
    def probe_k(self) -> int:
        return self.bstar.probe_k or self.sampling.k

    @property
    def eval_difficulty(self) -> int:
        return self.eval.difficulty if self.eval.difficulty is not None else self.tasks.difficulty

    @property
    def eval_max_tokens(self) -> int:
        return self.eval.max_tokens or self.sampling.max_tokens

    @property
    def tau_grid(self) -> list[float]:
        """The thresholds B-STaR may choose from (one value without a score reward: 0.5 on 0/1 correctness)."""
        if not self.is_score_reward:
            return [0.5]
        if self.bstar.auto and self.bstar.taus:
            return list(self.bstar.taus)
        return [self.sampling.tau if self.sampling.tau is not None else 0.0]

    @property
    def temperature_grid(self) -> list[float]:
        """The temperatures B-STaR may choose from (just sampling.temperature with auto-tuning off)."""
        return list(self.bstar.temperatures) if self.bstar.auto else [self.sampling.temperature]


# Reading ---------------------------------------------------------------------------


def recipe_names() -> list[str]:
    """The recipes shipped with rlvr (`rlvr self-improve NAME` accepts these)."""
    return shipped_recipes("rlvr.selfimprove")


def recipe_path(name: str) -> Path:
    """The file of a shipped self-improvement recipe."""
    found = shipped_recipe("rlvr.selfimprove", name)
    if found is None:
        raise ConfigError(f"no self-improvement recipe named {name!r}; shipped: {', '.join(recipe_names())}, "
                          "or pass a file path")
    return found


def load_config(source: str | Path | None = None, overrides: list[str] | None = None) -> SelfImproveConfig:
    """A validated recipe from a file path or a shipped recipe name (None = 'bstar')."""
    if source is None:
        path = recipe_path("bstar")
    else:
        path = Path(source).expanduser()
        if not path.is_file():
            if path.suffix in RECIPE_SUFFIXES or "/" in str(source):
                raise ConfigError(f"recipe file {str(source)!r} does not exist")
            path = recipe_path(str(source))
    data = read_file(path)
    for item in overrides or []:
        _apply_override(data, item)
    return from_dict(data)


def from_dict(data: dict[str, Any]) -> SelfImproveConfig:
    """Build and validate a `SelfImproveConfig` from a plain mapping."""
    if "reward" in data and isinstance(data["reward"], str):
        data = {**data, "reward": {"name": data["reward"]}}   # `reward: cosine` shorthand
    config = _build(SelfImproveConfig, data, "")
    validate(config)
    return config


def dump_yaml(config: SelfImproveConfig) -> str:
    """The resolved recipe as YAML (written next to every run)."""
    import yaml

    return yaml.safe_dump(config.to_dict(), sort_keys=False)


# Semantic checks --------------------------------------------------------------------


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def validate(config: SelfImproveConfig) -> None:
    """Range and cross-field checks, with the key in every message."""
    from rlvr import rewards as registry
    from rlvr.tasks import names as task_names

    _need(bool(config.model.strip()), "model must name 'default', a local folder or a cached HF id")
    _need(bool(config.output.strip()), "output must name a folder")
    _need(config.iterations >= 1, f"iterations must be >= 1; got {config.iterations}")
    _need(config.threads is None or config.threads >= 1, "threads must be >= 1 or null")
    t = config.tasks
    known = task_names()
    _need(t.name in known, f"tasks.name: unknown task {t.name!r}; known: {', '.join(known)}")
    _need(1 <= t.difficulty <= 10, f"tasks.difficulty must be 1..10; got {t.difficulty}")
    _need(t.prompts_per_iteration >= 1, f"tasks.prompts_per_iteration must be >= 1 (an empty training set "
          f"teaches nothing); got {t.prompts_per_iteration}")
    _validate_reward(config, registry)
    s = config.sampling
    _need(s.k >= 1, f"sampling.k (samples per prompt) must be >= 1; got {s.k}")
    _need(s.temperature > 0, f"sampling.temperature must be > 0 (self-improvement needs varied samples); got {s.temperature}")
    _need(0 < s.top_p <= 1, f"sampling.top_p must be in (0, 1]; got {s.top_p}")
    _need(s.max_tokens >= 1, f"sampling.max_tokens must be >= 1; got {s.max_tokens}")
    _need(s.max_per_prompt is None or s.max_per_prompt >= 1, f"sampling.max_per_prompt must be >= 1 or null; got {s.max_per_prompt}")
    _need(s.batch_size >= 1, f"sampling.batch_size must be >= 1; got {s.batch_size}")
    b = config.bstar
    _need(bool(b.temperatures), "bstar.temperatures needs at least one temperature")
    for i, value in enumerate(b.temperatures):
        _need(value > 0, f"bstar.temperatures[{i}] must be > 0; got {value}")
    _need(b.probe_problems >= 1, f"bstar.probe_problems must be >= 1 (the probe measures exploration); got {b.probe_problems}")
    _need(b.probe_k is None or b.probe_k >= 1, f"bstar.probe_k must be >= 1 or null (= sampling.k); got {b.probe_k}")
    _need(b.n_star >= 1, f"bstar.n_star must be >= 1; got {b.n_star}")
    _need(b.top_s >= 1, f"bstar.top_s must be >= 1; got {b.top_s}")
    _need(b.probe_seed not in (t.seed, config.eval.seed), f"bstar.probe_seed ({b.probe_seed}) must differ from tasks.seed "
          "and eval.seed so the probe is neither trained on nor the held-out set")
    f = config.sft
    _need(0 < f.learning_rate < 1, f"sft.learning_rate must be in (0, 1); got {f.learning_rate}")
    _need(f.epochs > 0, f"sft.epochs must be > 0; got {f.epochs}")
    _need(f.batch_size >= 1, f"sft.batch_size must be >= 1; got {f.batch_size}")
    _need(f.lr_scheduler in ("constant", "linear", "cosine", "constant_with_warmup"),
          f"sft.lr_scheduler must be constant, linear, cosine or constant_with_warmup; got {f.lr_scheduler!r}")
    _need(f.warmup_steps >= 0, "sft.warmup_steps must be >= 0")
    _need(f.weight_decay >= 0, "sft.weight_decay must be >= 0")
    _need(f.max_grad_norm > 0, "sft.max_grad_norm must be > 0")
    _need(f.max_length >= 2, f"sft.max_length must be >= 2; got {f.max_length}")
    e = config.eval
    _need(e.problems >= 1, f"eval.problems must be >= 1 (held-out accuracy is what the loop reports); got {e.problems}")
    _need(e.difficulty is None or 1 <= e.difficulty <= 10, f"eval.difficulty must be 1..10 or null; got {e.difficulty}")
    _need(e.temperature >= 0, f"eval.temperature must be >= 0 (0 = greedy); got {e.temperature}")
    _need(e.samples >= 1, f"eval.samples must be >= 1; got {e.samples}")
    _need(e.max_tokens is None or e.max_tokens >= 1, f"eval.max_tokens must be >= 1 or null; got {e.max_tokens}")
    _need(e.batch_size >= 1, f"eval.batch_size must be >= 1; got {e.batch_size}")
    _need(e.seed != t.seed, f"eval.seed ({e.seed}) must differ from tasks.seed so held-out problems stay unseen")


def _validate_reward(config: SelfImproveConfig, registry: Any) -> None:
    r = config.reward
    known = registry.names()
    _need(r.name in known, f"reward.name: unknown reward {r.name!r}; known: {', '.join(known)}")
    try:
        method = registry.get(r.name, **r.params)
    except ValueError as err:
        raise ConfigError(f"reward.params: {err}") from None
    # Monitoring rewards (LASER-D) re-estimate targets from their own training-time rollouts; the loop has none.
    _need(not getattr(method, "stateful", False), f"reward.name: {r.name!r} is stateful (it needs monitoring "
          "rollouts during training); pick a stateless reward")
    if not config.is_score_reward:
        _need(config.sampling.tau is None, f"sampling.tau needs a score reward, but reward.name is {VERIFIER_REWARD!r} "
              "(a yes/no verifier: it accepts correct samples); drop sampling.tau or name a scoring reward (e.g. cosine)")
        _need(config.bstar.taus is None, f"bstar.taus needs a score reward, but reward.name is {VERIFIER_REWARD!r} "
              "(a yes/no verifier); drop bstar.taus or name a scoring reward (e.g. cosine)")
    elif config.bstar.taus is not None:
        _need(bool(config.bstar.taus), "bstar.taus needs at least one threshold (or null)")
