"""The reward protocol shared by every shaping method and every engine adapter.

A batch holds G responses for each of several prompts, flattened, with a `group`
index per response. A method maps it to one total reward per response plus named
components (so trainers can log them). Methods that need the whole group (group
penalties, LASER-D) read `group`; per-sample methods ignore it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any, ClassVar

import numpy as np


CORRECT_THRESHOLD = 0.5


class RewardError(ValueError):
    """Bad reward input or configuration (mismatched lengths, unknown method, ...)."""


def _numbers(values: Any, name: str) -> np.ndarray:
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise RewardError(f"{name} must hold numbers") from None


def _token_counts(values: Any) -> np.ndarray:
    """Lengths as int64; floats are accepted only when they are whole numbers (e.g. mask sums)."""
    raw = np.asarray(values)
    if raw.dtype.kind == "f":
        if not np.isfinite(raw).all() or (raw != np.round(raw)).any():
            raise RewardError("length must hold whole token counts (finite, no fractions)")
    elif raw.dtype.kind not in "iub" and raw.size:
        raise RewardError(f"length must hold token counts (integers); got {raw.dtype} values")
    return raw.astype(np.int64)


def _group_ids(values: Any) -> np.ndarray:
    """Group ids as int64; other hashable ids (e.g. verl's uid strings) are numbered in sorted order."""
    raw = np.asarray(values)
    if raw.dtype.kind in "iu" or not raw.size:
        return raw.astype(np.int64)
    if raw.ndim != 1:
        raise RewardError(f"group must be 1-D; got shape {raw.shape}")
    try:
        return np.unique(raw.astype(str), return_inverse=True)[1].reshape(-1).astype(np.int64)
    except (TypeError, ValueError):
        raise RewardError("group must hold one prompt id per response (integers or strings)") from None


@dataclass
class RolloutBatch:
    """Flattened responses of a batch of prompts.

    correct:       C(y) per response, 1.0/0.0 (or a checker's score).
    length:        response length in tokens (never characters).
    group:         which prompt each response belongs to (equal ids = same prompt).
    token_ids:     optional token ids per response (repetition detectors need them).
    target_length: optional per-response target from the prompt (L1-style methods).
    truncated:     optional flag: generation stopped at the length limit.
    prompt_ids:    optional stable key per group (LASER-D monitors by prompt).
    texts:         optional decoded response text (format rewards read tags from it).

    `token_ids` may be a list of per-response sequences or a padded 2-D integer array
    (rows are read up to `length`). A response counts as correct for the gates of
    the shaping methods when `correct >= CORRECT_THRESHOLD` (0.5).
    """

    correct: np.ndarray
    length: np.ndarray
    group: np.ndarray
    token_ids: Sequence[Sequence[int]] | None = None
    target_length: np.ndarray | None = None
    truncated: np.ndarray | None = None
    prompt_ids: Sequence[str] | None = None
    texts: Sequence[str] | None = None

    def __post_init__(self) -> None:
        self.correct = _numbers(self.correct, "correct")
        self.length = _token_counts(self.length)
        self.group = _group_ids(self.group)
        n = self.correct.shape[0] if self.correct.ndim else -1
        if self.correct.ndim != 1 or self.length.shape != (n,) or self.group.shape != (n,):
            raise RewardError(
                f"correct, length and group must be 1-D and equally long; got {self.correct.shape}, "
                f"{self.length.shape}, {self.group.shape}"
            )
        if n and self.length.min() < 0:
            raise RewardError("response lengths must be >= 0 tokens")
        if n and not (np.isfinite(self.correct).all() and self.correct.min() >= 0.0 and self.correct.max() <= 1.0):
            raise RewardError("correct must hold finite scores in [0, 1] (1.0 = right, 0.0 = wrong)")
        if self.target_length is not None:
            self.target_length = np.asarray(self.target_length, dtype=np.float64)
            if self.target_length.shape != (n,):
                raise RewardError("target_length must have one entry per response")
        if self.truncated is not None:
            self.truncated = np.asarray(self.truncated, dtype=bool)
            if self.truncated.shape != (n,):
                raise RewardError("truncated must have one entry per response")
        if self.token_ids is not None and len(self.token_ids) != n:
            raise RewardError("token_ids must have one entry per response")
        if self.texts is not None and len(self.texts) != n:
            raise RewardError("texts must have one entry per response")

    @property
    def passed(self) -> np.ndarray:
        """Boolean mask of responses that count as correct for gating."""
        return self.correct >= CORRECT_THRESHOLD

    def __len__(self) -> int:
        return int(self.correct.shape[0])

    @classmethod
    def from_groups(cls, correct: Sequence[Sequence[float]], length: Sequence[Sequence[int]], **kw: Any) -> "RolloutBatch":
        """Build from nested lists: one inner list per prompt."""
        if len(correct) != len(length):
            raise RewardError("correct and length need the same number of groups")
        group = [g for g, row in enumerate(correct) for _ in row]
        flat_c = [c for row in correct for c in row]
        flat_l = [n for row in length for n in row]
        return cls(correct=np.array(flat_c, dtype=np.float64), length=np.array(flat_l, dtype=np.int64), group=np.array(group), **kw)


@dataclass
class Scores:
    """Rewards for a batch: `total` per response, and each named component."""

    total: np.ndarray
    components: dict[str, np.ndarray] = field(default_factory=dict)


_KINDS: dict[str, tuple[type, ...]] = {"float": (int, float), "int": (int,), "str": (str,), "bool": (bool,)}


def _check_param_types(method: str, config: type, params: dict[str, Any]) -> None:
    """Reject parameters of the wrong type before the config compares them (clear message, no TypeError)."""
    annotations = {f.name: str(f.type) for f in fields(config)}
    for key, value in params.items():
        annotation = annotations.get(key)
        if annotation is None:
            continue  # the config's own error lists the known parameters
        kinds = [part.strip() for part in annotation.split("|")]
        if value is None and "None" in kinds:
            continue
        if any(kind.startswith("tuple") for kind in kinds):
            if isinstance(value, (list, tuple)) and all(
                isinstance(item, int) and not isinstance(item, bool) for item in value
            ):
                continue
            raise RewardError(f"{method}: {key} must be a list of integers; got {value!r}")
        allowed = tuple(t for kind in kinds for t in _KINDS.get(kind, ()))
        if not allowed:
            continue
        if isinstance(value, bool) and bool not in allowed:
            raise RewardError(f"{method}: {key} must be {' or '.join(kinds)}; got {value!r}")
        if isinstance(value, float) and float not in allowed and value.is_integer():
            continue  # 4096.0 is a fine token count
        if not isinstance(value, allowed):
            raise RewardError(f"{method}: {key} must be {' or '.join(kinds)}; got {value!r}")


class RewardMethod(ABC):
    """A reward-shaping method: a dataclass `Config` plus `score`.

    Stateful methods (ThinkPrune's stage, LASER-D's adaptive targets) keep their
    state on the instance; `on_step` is called by adapters once per training step
    and `monitor` with a monitoring batch when the method asks for one.
    """

    name: ClassVar[str]
    Config: ClassVar[type]
    needs_group: ClassVar[bool] = False
    source: ClassVar[str] = ""
    formula: ClassVar[str] = ""

    includes_correctness: ClassVar[bool] = True
    length_term_on_incorrect: ClassVar[bool] = False
    stateful: ClassVar[bool] = False

    def __init__(self, config: Any = None, **params: Any) -> None:
        if config is not None and params:
            raise RewardError("pass either a config or keyword parameters, not both")
        if config is None and is_dataclass(self.Config):
            _check_param_types(self.name, self.Config, params)
        try:
            self.config = config if config is not None else self.Config(**params)
        except TypeError as err:
            known = ", ".join(f.name for f in fields(self.Config))
            raise RewardError(f"{self.name}: {err}; known parameters: {known}") from None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.config!r})"

    @abstractmethod
    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        """Rewards for every response in the batch."""

    def on_step(self, step: int) -> None:  # noqa: B027 - optional hook
        """Called once per training step (stateful schedules)."""

    def wants_monitoring(self, step: int) -> bool:
        """True when the method needs a monitoring batch at this step."""
        return False

    def monitor(self, batch: RolloutBatch, step: int) -> None:  # noqa: B027 - optional hook
        """Update internal state from a monitoring batch."""

    def state_dict(self) -> dict[str, Any]:
        return {}

    def load_state_dict(self, state: dict[str, Any]) -> None:  # noqa: B027
        """Restore what `state_dict` returned (checkpoint resume)."""
