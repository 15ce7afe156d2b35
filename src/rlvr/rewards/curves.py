"""Reward-against-length curves for plots and docs (numpy only; drawing lives in `plot`).

Group methods need a group: each plotted response joins the synthetic group
`SYNTHETIC_GROUP` below (7 other responses), and its reward is read as its own length
sweeps from 0 to `max_len`. Methods that take the target length from the prompt
(L1) get `max_len / 2` unless a target_length parameter is given; LASER-D/DE use
their current (initial) targets, scored with `preview` so that the synthetic batch is
never taken for a monitoring batch; ThinkPrune uses the limit at `step`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from rlvr.rewards.base import RewardMethod, RolloutBatch

# The 7 companions of every plotted response in group methods: lengths as shares of
# max_len, and whether each is correct (4 of 7: a medium-difficulty prompt for LASER-D).
SYNTHETIC_GROUP_LENGTHS = (0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
SYNTHETIC_GROUP_CORRECT = (1.0, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0)
SYNTHETIC_GROUP = (
    "each plotted response joins 7 others with lengths 0.2, 0.3, ..., 0.8 x max-len, "
    "4 of them correct (0.2, 0.4, 0.6, 0.8)"
)

_CHECK_LABELS = {"format": ("well-formed", "no tags, no answer"), "repetition": ("varied tokens", "looping tokens")}
_WELL_FORMED = "<think>Check the cases.</think> The answer is \\boxed{4}."
_MALFORMED = "Check the cases. The answer is four."


@dataclass(frozen=True)
class Curve:
    """One line of a plot: reward at each length."""

    label: str
    length: np.ndarray
    reward: np.ndarray


def _target_length(method: RewardMethod, max_len: int) -> float:
    configured = getattr(method.config, "target_length", None)
    return float(configured) if configured is not None else max_len / 2.0


def _batch(method: RewardMethod, lengths: np.ndarray, correct: float, flavour: str, max_len: int) -> tuple[RolloutBatch, np.ndarray]:
    """A batch in which rows `picked` are the plotted responses, one per length."""
    points = lengths.shape[0]
    companions = len(SYNTHETIC_GROUP_LENGTHS) if method.needs_group else 0
    size = companions + 1
    length = np.empty(points * size, dtype=np.int64)
    right = np.empty(points * size)
    picked = np.arange(points) * size
    length[picked] = lengths
    right[picked] = correct
    for k in range(companions):
        length[picked + k + 1] = int(SYNTHETIC_GROUP_LENGTHS[k] * max_len)
        right[picked + k + 1] = SYNTHETIC_GROUP_CORRECT[k]
    group = np.repeat(np.arange(points), size)
    width = int(length.max()) + 1
    if flavour == "violating":
        tokens = np.broadcast_to(np.arange(width) % 5, (length.shape[0], width))
        texts = [_MALFORMED] * length.shape[0]
    else:
        tokens = np.broadcast_to(np.arange(width), (length.shape[0], width))
        texts = [_WELL_FORMED] * length.shape[0]
    batch = RolloutBatch(
        correct=right,
        length=length,
        group=group,
        token_ids=tokens,
        texts=texts,
        target_length=np.full(length.shape[0], float(_target_length(method, max_len))),
    )
    return batch, picked


def curves(method: RewardMethod, max_len: int, points: int = 400) -> list[Curve]:
    """Reward against length for correct and incorrect responses (or compliant/violating ones)."""
    lengths = np.unique(np.linspace(0, max_len, points).astype(np.int64))
    if method.includes_correctness:
        cases = [("correct", 1.0, "plain"), ("incorrect", 0.0, "plain")]
    else:
        good, bad = _CHECK_LABELS.get(method.name, ("passes the check", "fails the check"))
        cases = [(good, 1.0, "plain"), (bad, 1.0, "violating")]
    lines = []
    preview = getattr(method, "preview", None)
    for label, correct, flavour in cases:
        batch, picked = _batch(method, lengths, correct, flavour, max_len)
        scores = preview(batch) if callable(preview) else method.score(batch)
        lines.append(Curve(label=label, length=lengths, reward=scores.total[picked]))
    return lines


_LENGTH_FIELDS = ("max_length", "grid_upper", "target_initial", "target_length")


def suggested_max_len(method: RewardMethod) -> int:
    """A plot range that shows the method's interesting lengths: 1.25 x its largest length setting."""
    config = method.config
    candidates = [getattr(config, name, None) for name in _LENGTH_FIELDS]
    candidates += list(getattr(config, "limits", ()))
    known = [float(value) for value in candidates if isinstance(value, (int, float)) and not isinstance(value, bool)]
    return int(1.25 * max(known)) if known else 16384
