"""The training recipe: one YAML or TOML file, read into a validated dataclass tree.

Every section is a dataclass; unknown keys, wrong types and out-of-range values raise
`ConfigError` naming the key (`algorithm.group_size`) and what is allowed. Defaults
fill anything a file leaves out, so a recipe only states what it changes.
"""

from __future__ import annotations

import dataclasses
import math
import tomllib
import types
import typing
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

ENGINES = ("trl", "verl")
LOSS_TYPES = ("grpo", "dr_grpo", "dapo", "bnpo", "cispo", "sapo")
SCALE_REWARDS = ("group", "batch", "none")
DTYPES = ("auto", "float32", "bfloat16", "float16")
RECIPE_SUFFIXES = (".yaml", ".yml", ".toml")


class ConfigError(ValueError):
    """A recipe that cannot be used; the message names the key and what is allowed."""


@dataclass
class TaskEntry:
    """One family of the task mixture and its sampling weight."""

    name: str = "arithmetic"
    weight: float = 1.0


@dataclass
class CurriculumConfig:
    """Adaptive difficulty: move a family up or down by its recent success rate."""

    start: int = 1
    raise_above: float = 0.7
    lower_below: float = 0.3
    window: int = 32
    min_difficulty: int = 1
    max_difficulty: int = 10


@dataclass
class TasksConfig:
    """What to train on: a weighted mixture at fixed difficulties or under a curriculum."""

    mixture: list[TaskEntry] = field(default_factory=lambda: [TaskEntry()])
    difficulty: int | dict[str, int] = 1
    curriculum: CurriculumConfig | None = None
    train_problems: int = 4096
    seed: int = 0
    monitor_problems: int = 16   # prompts in each monitoring batch of stateful rewards (LASER-D)
    monitor_rollouts: int | None = None   # samples per monitoring prompt; None = algorithm.group_size


@dataclass
class RewardEntry:
    """One reward method by its `rlvr.rewards` name, its weight and its parameters."""

    name: str = "correct"
    weight: float = 1.0
    params: dict[str, Any] = field(default_factory=dict)


@dataclass
class LoraConfig:
    """Train low-rank adapters instead of every weight."""

    r: int = 16
    alpha: int = 32
    dropout: float = 0.0
    target_modules: list[str] = field(default_factory=lambda: ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"])


@dataclass
class AlgorithmConfig:
    """GRPO: group size, loss, KL, optimiser and sampling settings."""

    group_size: int = 8
    prompts_per_step: int = 4
    loss_type: str = "dapo"
    beta: float = 0.0
    learning_rate: float = 1e-5
    lr_scheduler: str = "constant"
    warmup_steps: int = 0
    weight_decay: float = 0.0
    max_grad_norm: float = 1.0
    epsilon: float = 0.2
    scale_rewards: str = "group"
    num_iterations: int = 1
    max_completion_tokens: int = 64
    temperature: float = 1.0
    top_p: float = 1.0
    mask_truncated_completions: bool = False
    lora: LoraConfig | None = None
    dtype: str = "auto"
    gradient_checkpointing: bool = False
    # Completions per forward/backward pass; a step's gradient is accumulated over its micro-batches, so
    # this trades memory for nothing but speed (null = all prompts_per_step x group_size at once).
    micro_batch: int | None = None
    # Freeze the token embedding and the first N transformer blocks (rlvr.ilo.freeze; the ILO paper's
    # selective freezing, which keeps early-layer cross-lingual alignment). 0 = train every layer.
    freeze_layers: int = 0


@dataclass
class BudgetConfig:
    """When to stop: after `steps`, or after `minutes` of training, whichever comes first."""

    steps: int = 200
    minutes: float | None = None


@dataclass
class EvalConfig:
    """Held-out evaluation before, during (every `every_steps`) and after training."""

    problems: int = 64
    samples: int = 1
    difficulty: int | None = None
    max_tokens: int | None = None
    temperature: float = 0.0
    every_steps: int = 0
    seed: int = 10_000
    batch_size: int = 64


@dataclass
class CheckpointConfig:
    """Save every `every_steps` steps, keeping the newest `keep`."""

    every_steps: int = 25
    keep: int = 2


# `report_to` backends: transformers' reporting integrations (engine trl) and verl's trainer.logger (engine verl).
REPORT_TO_TRL = ("tensorboard", "wandb", "mlflow", "comet_ml", "clearml", "dvclive", "trackio", "swanlab", "neptune",
                 "azure_ml", "dagshub", "flyte", "codecarbon")
REPORT_TO_VERL = ("tensorboard", "wandb", "mlflow", "swanlab", "clearml", "trackio")


@dataclass
class LoggingConfig:
    """Where a run's metrics go (besides metrics.jsonl) and rlvr's live analysis of each step."""

    report_to: list[str] = field(default_factory=lambda: ["tensorboard"])
    analysis: bool = True            # analysis/* metrics every step (rlvr.train.live)
    samples_every_steps: int = 1     # samples/step_NNNNNN.jsonl every N steps (0 = none); needs analysis


@dataclass
class VerlConfig:
    """Cluster settings for the verl engine."""

    nnodes: int = 1
    gpus_per_node: int = 1
    rollout: str = "vllm"
    gpu_memory_utilization: float = 0.5
    tensor_parallel_size: int = 1
    overrides: list[str] = field(default_factory=list)


@dataclass
class TrainConfig:
    """A whole recipe."""

    name: str = "custom"
    model: str = "default"
    engine: str = "trl"
    output: str = "runs/custom"
    seed: int = 0
    system_prompt: str | None = None
    threads: int | None = None
    tools: str | None = None   # "python": a sandboxed interpreter the policy may call (engine trl)
    tasks: TasksConfig = field(default_factory=TasksConfig)
    rewards: list[RewardEntry] = field(default_factory=lambda: [RewardEntry()])
    algorithm: AlgorithmConfig = field(default_factory=AlgorithmConfig)
    budget: BudgetConfig = field(default_factory=BudgetConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    checkpoint: CheckpointConfig = field(default_factory=CheckpointConfig)
    verl: VerlConfig = field(default_factory=VerlConfig)
    logging: LoggingConfig = field(default_factory=LoggingConfig)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @property
    def eval_difficulty(self) -> int:
        """The held-out difficulty: as configured, else the (first) training difficulty."""
        if self.eval.difficulty is not None:
            return self.eval.difficulty
        if self.tasks.curriculum is not None:
            return self.tasks.curriculum.start
        level = self.tasks.difficulty
        return level if isinstance(level, int) else min(level.values())

    @property
    def eval_max_tokens(self) -> int:
        return self.eval.max_tokens or self.algorithm.max_completion_tokens

    @property
    def task_names(self) -> list[str]:
        return [entry.name for entry in self.tasks.mixture]


# Reading ---------------------------------------------------------------------


def shipped_recipes(package: str) -> list[str]:
    """Names of the recipe files in `package`'s `recipes` folder (rlvr.train, rlvr.selfimprove)."""
    folder = resources.files(package) / "recipes"
    return sorted(Path(item.name).stem for item in folder.iterdir() if item.name.endswith(RECIPE_SUFFIXES))


def shipped_recipe(package: str, name: str) -> Path | None:
    """The file of recipe `name` in `package`'s `recipes` folder, or None."""
    folder = resources.files(package) / "recipes"
    for suffix in RECIPE_SUFFIXES:
        candidate = folder / f"{name}{suffix}"
        if candidate.is_file():
            return Path(str(candidate))
    return None


def recipe_names() -> list[str]:
    """The recipes shipped with rlvr (`rlvr train NAME` accepts these)."""
    return shipped_recipes("rlvr.train")


def recipe_path(name: str) -> Path:
    """The file of a shipped recipe."""
    found = shipped_recipe("rlvr.train", name)
    if found is None:
        raise ConfigError(f"no recipe named {name!r}; shipped recipes: {', '.join(recipe_names())}, or pass a file path")
    return found


def load_config(source: str | Path | None = None, overrides: list[str] | None = None) -> TrainConfig:
    """A validated recipe from a file path or a shipped recipe name (None = 'default')."""
    path = _locate(source)
    data = read_file(path)
    for item in overrides or []:
        _apply_override(data, item)
    return from_dict(data)


def _locate(source: str | Path | None) -> Path:
    if source is None:
        return recipe_path("default")
    path = Path(source).expanduser()
    if path.is_file():
        return path
    if path.suffix in RECIPE_SUFFIXES or "/" in str(source):
        raise ConfigError(f"recipe file {str(source)!r} does not exist")
    return recipe_path(str(source))


def read_file(path: Path) -> dict[str, Any]:
    """The raw mapping in a YAML or TOML file."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".toml":
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as err:
            raise ConfigError(f"{path}: invalid TOML: {err}") from None
    elif path.suffix in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError:
            raise ConfigError("YAML recipes need PyYAML: pip install 'rlvr[train]'") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as err:
            raise ConfigError(f"{path}: invalid YAML: {err}") from None
    else:
        raise ConfigError(f"{path}: a recipe must be a .yaml, .yml or .toml file")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: the top level must be a mapping of keys (model, tasks, rewards, ...)")
    return data


def _apply_override(data: dict[str, Any], item: str) -> None:
    """`algorithm.learning_rate=2e-5` -> data['algorithm']['learning_rate'] = 2e-5 (value parsed as YAML)."""
    key, sep, raw = item.partition("=")
    if not sep or not key.strip():
        raise ConfigError(f"override {item!r} must look like section.key=value")
    try:
        import yaml

        value = yaml.safe_load(raw)
    except Exception:  # noqa: BLE001 - without PyYAML (or on odd text) keep the raw string
        value = raw
    parts = key.strip().split(".")
    node = data
    for part in parts[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ConfigError(f"override {item!r}: {part!r} is not a section")
        node = child
    node[parts[-1]] = value


def from_dict(data: dict[str, Any]) -> TrainConfig:
    """Build and validate a `TrainConfig` from a plain mapping."""
    config = _build(TrainConfig, data, "")
    validate(config)
    return config


# Typed construction ------------------------------------------------------------


def _build(cls: type, data: Any, where: str) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"{where or 'recipe'} must be a mapping of keys, got {type(data).__name__}")
    hints = typing.get_type_hints(cls)
    allowed = [f.name for f in dataclasses.fields(cls)]
    unknown = [key for key in data if key not in allowed]
    if unknown:
        raise ConfigError(f"unknown key {_join(where, unknown[0])!r}; allowed keys here: {', '.join(allowed)}")
    values = {key: _coerce(hints[key], value, _join(where, key)) for key, value in data.items()}
    return cls(**values)


def _join(where: str, key: Any) -> str:
    return f"{where}.{key}" if where else str(key)


def _coerce(hint: Any, value: Any, where: str) -> Any:
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        errors = []
        for option in (a for a in args if a is not type(None)):
            try:
                return _coerce(option, value, where)
            except ConfigError as err:
                errors.append(str(err))
        raise ConfigError(errors[-1] if len(errors) == 1 else f"{where}: expected {_describe(hint)}, got {value!r}")
    if dataclasses.is_dataclass(hint):
        return _build(hint, value, where)
    if origin is list:
        if not isinstance(value, list):
            raise ConfigError(f"{where}: expected a list, got {value!r}")
        return [_coerce(args[0], item, f"{where}[{i}]") for i, item in enumerate(value)]
    if origin is dict:
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: expected a mapping, got {value!r}")
        return {str(k): _coerce(args[1], v, _join(where, k)) for k, v in value.items()}
    if hint is Any:
        return value
    if hint is bool:
        if not isinstance(value, bool):
            raise ConfigError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ConfigError(f"{where}: expected an integer, got {value!r}")
        return value
    if hint is float:
        if isinstance(value, str):
            # YAML 1.1 reads `3e-5` (no dot) as text; accept any number written that way.
            try:
                value = float(value)
            except ValueError:
                raise ConfigError(f"{where}: expected a number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise ConfigError(f"{where}: expected a number, got {value!r}")
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise ConfigError(f"{where}: expected text, got {value!r}")
        return value
    raise ConfigError(f"{where}: unsupported setting type {hint!r}")


def _describe(hint: Any) -> str:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    names = {int: "an integer", float: "a number", str: "text", bool: "true/false"}
    parts = [names.get(a, "a mapping" if typing.get_origin(a) is dict else getattr(a, "__name__", str(a))) for a in args]
    if type(None) in typing.get_args(hint):
        parts.append("null")
    return " or ".join(parts)


# Semantic checks ----------------------------------------------------------------


def _need(ok: bool, message: str) -> None:
    if not ok:
        raise ConfigError(message)


def validate(config: TrainConfig) -> None:
    """Range and cross-field checks, with the key in every message."""
    _need(config.engine in ENGINES, f"engine must be one of {', '.join(ENGINES)}; got {config.engine!r}")
    _need(bool(config.model.strip()), "model must name 'default', a local folder or a cached HF id")
    _need(bool(config.output.strip()), "output must name a folder")
    _need(config.threads is None or config.threads >= 1, "threads must be >= 1 or null")
    _need(config.tools in (None, "python"), f"tools must be python or null; got {config.tools!r}")
    _need(config.tools is None or config.engine == "trl", "tools: python needs engine trl (verl runs tools through its own agent loop)")
    _need(config.algorithm.freeze_layers == 0 or config.engine == "trl",
          "algorithm.freeze_layers needs engine trl (verl builds its own model workers)")
    _validate_tasks(config.tasks)
    _validate_rewards(config.rewards)
    _validate_algorithm(config.algorithm)
    budget = config.budget
    _need(budget.steps >= 1, f"budget.steps must be >= 1; got {budget.steps}")
    _need(budget.minutes is None or budget.minutes > 0, f"budget.minutes must be > 0 or null; got {budget.minutes}")
    ev = config.eval
    _need(ev.problems >= 0, f"eval.problems must be >= 0 (0 = no held-out evaluation); got {ev.problems}")
    _need(ev.samples >= 1, f"eval.samples must be >= 1; got {ev.samples}")
    _need(ev.difficulty is None or 1 <= ev.difficulty <= 10, f"eval.difficulty must be 1..10 or null; got {ev.difficulty}")
    _need(ev.max_tokens is None or ev.max_tokens >= 1, f"eval.max_tokens must be >= 1 or null; got {ev.max_tokens}")
    _need(ev.temperature >= 0, f"eval.temperature must be >= 0 (0 = greedy); got {ev.temperature}")
    _need(ev.every_steps >= 0, f"eval.every_steps must be >= 0 (0 = only before and after); got {ev.every_steps}")
    _need(ev.batch_size >= 1, f"eval.batch_size must be >= 1; got {ev.batch_size}")
    _need(ev.seed != config.tasks.seed, f"eval.seed ({ev.seed}) must differ from tasks.seed so held-out problems stay unseen")
    ck = config.checkpoint
    _need(ck.every_steps >= 0, f"checkpoint.every_steps must be >= 0 (0 = only at the end); got {ck.every_steps}")
    _need(ck.keep >= 1, f"checkpoint.keep must be >= 1; got {ck.keep}")
    vc = config.verl
    _need(vc.nnodes >= 1 and vc.gpus_per_node >= 1, "verl.nnodes and verl.gpus_per_node must be >= 1")
    # verl 0.9 generates only through server rollouts; its HF rollout is gone, and asking for it
    # would fail only after Ray has started.
    _need(vc.rollout in ("vllm", "sglang"), f"verl.rollout must be vllm or sglang (verl 0.9 generates only with vllm or "
          f"sglang; its HF rollout was removed, use engine=trl to sample with transformers); got {vc.rollout!r}")
    _need(0 < vc.gpu_memory_utilization <= 1, "verl.gpu_memory_utilization must be in (0, 1]")
    _need(vc.tensor_parallel_size >= 1, "verl.tensor_parallel_size must be >= 1")
    _validate_logging(config.logging, config.engine)


def _validate_logging(lg: LoggingConfig, engine: str) -> None:
    known = REPORT_TO_TRL if engine == "trl" else REPORT_TO_VERL
    for i, name in enumerate(lg.report_to):
        _need(name in known, f"logging.report_to[{i}]: unknown backend {name!r} for engine {engine}; known: "
              f"{', '.join(known)} (an empty list reports to metrics.jsonl only)")
    _need(len(set(lg.report_to)) == len(lg.report_to), "logging.report_to lists a backend twice")
    _need(lg.samples_every_steps >= 0, f"logging.samples_every_steps must be >= 0 (0 = no samples files); "
          f"got {lg.samples_every_steps}")


def _validate_tasks(tasks: TasksConfig) -> None:
    from rlvr.tasks import names as task_names

    known = task_names()
    _need(bool(tasks.mixture), "tasks.mixture needs at least one task")
    _need(tasks.monitor_problems >= 1, f"tasks.monitor_problems must be >= 1; got {tasks.monitor_problems}")
    _need(tasks.monitor_rollouts is None or tasks.monitor_rollouts >= 1,
          f"tasks.monitor_rollouts must be >= 1 (or null for algorithm.group_size); got {tasks.monitor_rollouts}")
    seen = set()
    for i, entry in enumerate(tasks.mixture):
        _need(entry.name in known, f"tasks.mixture[{i}].name: unknown task {entry.name!r}; known: {', '.join(known)}")
        _need(entry.name not in seen, f"tasks.mixture lists {entry.name!r} twice")
        _need(entry.weight > 0, f"tasks.mixture[{i}].weight must be > 0; got {entry.weight}")
        seen.add(entry.name)
    levels = tasks.difficulty if isinstance(tasks.difficulty, dict) else {"*": tasks.difficulty}
    for name, level in levels.items():
        _need(name == "*" or name in seen, f"tasks.difficulty names {name!r}, which is not in tasks.mixture")
        _need(1 <= level <= 10, f"tasks.difficulty must be 1..10; got {level} for {name!r}")
    _need(tasks.train_problems >= 1, f"tasks.train_problems must be >= 1; got {tasks.train_problems}")
    if tasks.curriculum is not None:
        c = tasks.curriculum
        _need(1 <= c.min_difficulty <= c.start <= c.max_difficulty <= 10,
              "tasks.curriculum needs 1 <= min_difficulty <= start <= max_difficulty <= 10")
        _need(0 <= c.lower_below < c.raise_above <= 1, "tasks.curriculum needs 0 <= lower_below < raise_above <= 1")
        _need(c.window >= 1, "tasks.curriculum.window must be >= 1")


def _validate_rewards(rewards: list[RewardEntry]) -> None:
    from rlvr import rewards as registry

    _need(bool(rewards), "rewards needs at least one entry, e.g. [{name: correct, weight: 1.0}]")
    known = registry.names()
    seen = set()
    for i, entry in enumerate(rewards):
        _need(entry.name in known, f"rewards[{i}].name: unknown reward {entry.name!r}; known: {', '.join(known)}")
        _need(entry.name not in seen, f"rewards lists {entry.name!r} twice")
        _need(entry.weight != 0, f"rewards[{i}].weight must not be 0 (drop the entry instead)")
        seen.add(entry.name)
        try:
            registry.get(entry.name, **entry.params)
        except ValueError as err:
            raise ConfigError(f"rewards[{i}].params: {err}") from None


def _validate_algorithm(a: AlgorithmConfig) -> None:
    _need(a.group_size >= 2, f"algorithm.group_size must be >= 2 (GRPO compares responses within a group); got {a.group_size}")
    _need(a.prompts_per_step >= 1, f"algorithm.prompts_per_step must be >= 1; got {a.prompts_per_step}")
    _need(a.loss_type in LOSS_TYPES, f"algorithm.loss_type must be one of {', '.join(LOSS_TYPES)}; got {a.loss_type!r}")
    _need(a.beta >= 0, f"algorithm.beta (KL weight) must be >= 0; got {a.beta}")
    _need(0 < a.learning_rate < 1, f"algorithm.learning_rate must be in (0, 1); got {a.learning_rate}")
    _need(a.lr_scheduler in ("constant", "linear", "cosine", "constant_with_warmup"),
          f"algorithm.lr_scheduler must be constant, linear, cosine or constant_with_warmup; got {a.lr_scheduler!r}")
    _need(a.warmup_steps >= 0, "algorithm.warmup_steps must be >= 0")
    _need(a.weight_decay >= 0, "algorithm.weight_decay must be >= 0")
    _need(a.max_grad_norm > 0, "algorithm.max_grad_norm must be > 0")
    _need(0 < a.epsilon < 1, f"algorithm.epsilon (clip range) must be in (0, 1); got {a.epsilon}")
    _need(a.scale_rewards in SCALE_REWARDS, f"algorithm.scale_rewards must be one of {', '.join(SCALE_REWARDS)}")
    _need(a.num_iterations >= 1, "algorithm.num_iterations must be >= 1")
    _need(a.max_completion_tokens >= 1, f"algorithm.max_completion_tokens must be >= 1; got {a.max_completion_tokens}")
    _need(a.temperature > 0, f"algorithm.temperature must be > 0 (GRPO needs varied samples); got {a.temperature}")
    _need(0 < a.top_p <= 1, f"algorithm.top_p must be in (0, 1]; got {a.top_p}")
    per_step = a.prompts_per_step * a.group_size
    _need(a.micro_batch is None or (a.micro_batch >= 1 and per_step % a.micro_batch == 0),
          f"algorithm.micro_batch must be null or divide prompts_per_step x group_size ({per_step}); got {a.micro_batch}")
    _need(a.dtype in DTYPES, f"algorithm.dtype must be one of {', '.join(DTYPES)}; got {a.dtype!r}")
    _need(a.freeze_layers >= 0, f"algorithm.freeze_layers must be >= 0 (0 = train every layer); got {a.freeze_layers}")
    _need(a.freeze_layers == 0 or a.lora is None,
          "algorithm.freeze_layers works on full fine-tuning; with algorithm.lora set it to 0 (LoRA already freezes the base)")
    if a.lora is not None:
        _need(a.lora.r >= 1 and a.lora.alpha >= 1, "algorithm.lora.r and algorithm.lora.alpha must be >= 1")
        _need(0 <= a.lora.dropout < 1, "algorithm.lora.dropout must be in [0, 1)")
        _need(bool(a.lora.target_modules), "algorithm.lora.target_modules needs at least one module name")


def dump_yaml(config: TrainConfig) -> str:
    """The resolved recipe as YAML (written next to every run)."""
    import yaml

    return yaml.safe_dump(config.to_dict(), sort_keys=False)
