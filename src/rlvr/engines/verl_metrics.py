"""Training-step analysis metrics for verl: `analysis/*` per step, through verl's own logger.

verl 0.9 averages a response's `reward_extra_info` only in validation (`val-aux/...`); in a
training step it stores the values with the batch and never logs them. This module closes
that gap without changing verl's files: `install()` wraps the function that collects a
training step's metrics, so the step's `analysis/*` numbers join the metrics dict that the
trainer then hands to its `Tracking` logger (`trainer.logger=[console,tensorboard,wandb,...]`).

- verl's default trainer (`trainer.use_v1=True`): `PPOTrainer._compute_metrics` of
  `verl.trainer.ppo.v1.trainer_base`; the wrapper reads the step's `extra_fields`
  (`reward_extra_info` per response) from the TransferQueue, as verl's own replay buffer does,
  before verl clears the step.
- the legacy trainer (`trainer.use_v1=False`): `compute_data_metrics` as
  `verl.trainer.ppo.ray_trainer` calls it; the values sit in `batch.non_tensor_batch`.

verl runs its trainer inside a Ray actor (`TaskRunner`), so the patch has to happen in that
process: `rlvr train` (engine verl) sets Ray's `worker_process_setup_hook` to `install` through
verl's `ray_kwargs.ray_init.runtime_env` (`HOOK_OVERRIDE`); Ray runs it in every worker process
of the job before any task or actor. `install` only registers an import hook, so a worker
that never imports verl's trainer (rollout, reward workers) pays nothing.

Per step (`step_metrics`), from the per-response values of `rlvr.engines.analysis_extras` plus
rlvr's `acc` (strict correctness) and `score` (training reward), grouped by verl's `uid`:
the means `analysis/<rate>`, `analysis/accuracy`, `analysis/length_median|p90|max`, B-STaR's
`pass_at_k_s`, `distinct_correct`, `reward_at_k_s`, `balance` (`rlvr.analysis.bstar`, distinct
responses told apart by `analysis/response_key`), and the reward-hacking alarm flags
`analysis/alarm_*` (`rlvr.analysis.alarms` over the steps seen so far; a firing alarm is also
warned about in the trainer's log). Values that are missing, None or not finite are skipped.
"""

from __future__ import annotations

import importlib.abc
import importlib.util
import logging
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from rlvr.analysis.alarms import ALARM_NAMES, AlarmConfig, AlarmTracker, StepSignals
from rlvr.analysis.bstar import Sample, explore_exploit
from rlvr.engines.analysis_extras import PREFIX, RESPONSE_KEY

log = logging.getLogger("rlvr.analysis")

HOOK = "rlvr.engines.verl_metrics.install"
HOOK_OVERRIDE = f"+ray_kwargs.ray_init.runtime_env.worker_process_setup_hook={HOOK}"
V1_MODULE = "verl.trainer.ppo.v1.trainer_base"
V0_MODULE = "verl.trainer.ppo.ray_trainer"
MARK = "__rlvr_analysis__"
ALARMS = ALARM_NAMES  # the alarm_* flags logged every step


def _number(value: Any) -> float | None:
    """A finite float, or None (missing, None, a string, NaN, inf)."""
    if isinstance(value, (bool, np.bool_)):
        return float(value)
    if isinstance(value, (int, float, np.integer, np.floating)):
        out = float(value)
        return out if math.isfinite(out) else None
    return None


def _mean(rows: Sequence[Mapping[str, Any]], key: str) -> tuple[float | None, list[float]]:
    values = [v for v in (_number(r.get(key)) for r in rows) if v is not None]
    return (float(np.mean(values)) if values else None), values


class StepAnalysis:
    """The per-step metrics of a verl run; keeps the alarm history of the steps seen so far."""

    def __init__(self, alarms: AlarmConfig | None = None, warn: Callable[[str], None] | None = None) -> None:
        self.alarms = AlarmTracker(alarms)
        self.warn = warn
        self.steps = 0

    @property
    def history(self) -> list[StepSignals]:
        """The alarm signals of the steps seen so far."""
        return self.alarms.history

    def step_metrics(self, rows: Sequence[Mapping[str, Any]], uids: Sequence[Any] | None, step: int | None = None) -> dict[str, float]:
        """`analysis/*` of one training step from its responses' reward_extra_info dicts (and their uids)."""
        step = self.steps + 1 if step is None else int(step)
        self.steps += 1
        rows = [r if isinstance(r, Mapping) else {} for r in rows]
        if not any(key.startswith(PREFIX) for r in rows for key in r):
            return {}  # the reward did not add analysis values (reward_kwargs.analysis off)
        out: dict[str, float] = {}
        names = sorted({key for r in rows for key in r if key.startswith(PREFIX) and key != RESPONSE_KEY})
        for key in names:
            mean, values = _mean(rows, key)
            if mean is None:
                continue
            out[key] = mean
            if key == f"{PREFIX}length_mean":
                out[f"{PREFIX}length_median"] = float(np.median(values))
                out[f"{PREFIX}length_p90"] = float(np.percentile(values, 90))
                out[f"{PREFIX}length_max"] = float(np.max(values))
        accuracy, _ = _mean(rows, "acc")
        if accuracy is not None:
            out[f"{PREFIX}accuracy"] = accuracy
        out.update(self._bstar(rows, uids))
        out.update(self._alarms(step, len(rows), out))
        return out

    @staticmethod
    def _bstar(rows: Sequence[Mapping[str, Any]], uids: Sequence[Any] | None) -> dict[str, float]:
        if uids is None or len(uids) != len(rows):
            return {}
        samples = []
        for i, (row, uid) in enumerate(zip(rows, uids, strict=True)):
            correct = _number(row.get("acc"))
            if correct is None:
                continue
            key = row.get(RESPONSE_KEY)
            samples.append(Sample(prompt=str(uid), response=key if isinstance(key, str) else f"#{i}",
                                  correct=correct >= 0.5, reward=_number(row.get("score"))))
        if not samples:
            return {}
        numbers = explore_exploit(samples).to_dict()
        return {f"{PREFIX}{name}": float(numbers[name]) for name in ("pass_at_k_s", "distinct_correct", "reward_at_k_s", "balance")}

    def _alarms(self, step: int, n: int, metrics: Mapping[str, float]) -> dict[str, float]:
        signals = StepSignals(step, n, metrics.get(f"{PREFIX}hacking_share"), metrics.get(f"{PREFIX}reward_divergence"),
                              metrics.get(f"{PREFIX}format_rate"))
        now = self.alarms.observe(signals)
        for alarm in now:
            message = f"reward-hacking alarm ({alarm.name}): {alarm.message}"
            (self.warn or log.warning)(message)
        return {f"{PREFIX}alarm_{name}": flag for name, flag in AlarmTracker.flags(now).items()}


ANALYSIS = StepAnalysis()  # one per process: the trainer's, where the patched function runs


def dataproto_rows(batch: Any) -> tuple[list[dict[str, Any]], list[Any] | None]:
    """Per-response reward_extra_info dicts and uids of a verl `DataProto` (legacy trainer: values in non_tensor_batch)."""
    non_tensor = getattr(batch, "non_tensor_batch", None) or {}
    keys = [k for k in non_tensor if k.startswith(PREFIX) or k in ("acc", "score")]
    n = len(batch)
    rows = [{k: non_tensor[k][i] for k in keys} for i in range(n)]
    uids = non_tensor.get("uid")
    return rows, (list(uids) if uids is not None else None)


def extra_fields_rows(keys: Sequence[Any], extra_fields: Sequence[Any], mask: Sequence[bool] | None = None) -> tuple[list[dict[str, Any]], list[str]]:
    """Per-response reward_extra_info dicts and uids from TransferQueue rows (verl v1 trainer).

    verl's keys are `<uid>_<index>` (its replay buffer groups by `key.split("_")[0]`); padding
    rows (mask False) are left out, as verl leaves them out of its own metrics.
    """
    rows, uids = [], []
    for i, (key, value) in enumerate(zip(keys, extra_fields, strict=True)):
        if mask is not None and not mask[i]:
            continue
        fields = getattr(value, "data", value)
        info = fields.get("reward_extra_info", {}) if isinstance(fields, Mapping) else {}
        rows.append(dict(info) if isinstance(info, Mapping) else {})
        uids.append(str(key).split("_")[0])
    return rows, uids


def _safe(compute: Callable[[], dict[str, float]]) -> dict[str, float]:
    """Analysis must never stop training: a failure is one warning and no analysis metrics this step."""
    try:
        return compute()
    except Exception as err:  # noqa: BLE001 - any failure of an optional metric
        log.warning("rlvr analysis metrics skipped this step: %s: %s", type(err).__name__, err)
        return {}


def patch_v0(module: Any) -> None:
    """Wrap `compute_data_metrics` where verl's legacy trainer looks it up (module globals)."""
    original = module.compute_data_metrics
    if getattr(original, MARK, False):
        return

    def compute_data_metrics(batch: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        metrics = original(batch, *args, **kwargs)
        metrics.update(_safe(lambda: ANALYSIS.step_metrics(*dataproto_rows(batch))))
        return metrics

    setattr(compute_data_metrics, MARK, True)
    compute_data_metrics.__wrapped__ = original  # type: ignore[attr-defined]
    module.compute_data_metrics = compute_data_metrics


def patch_v1(module: Any) -> None:
    """Wrap `PPOTrainer._compute_metrics` (every v1 trainer inherits it) to add the step's analysis."""
    trainer = module.PPOTrainer
    original = trainer._compute_metrics
    if getattr(original, MARK, False):
        return

    def _compute_metrics(self: Any, batch: Any, metrics: dict, timing_raw: Any, global_steps: Any, epoch: Any) -> Any:
        def compute() -> dict[str, float]:
            data = module.tq.kv_batch_get(keys=batch.keys, partition_id=batch.partition_id, select_fields=["extra_fields"])
            mask = [not tag.get("is_padding", False) for tag in batch.tags]
            rows, uids = extra_fields_rows(batch.keys, list(data["extra_fields"]), mask)
            return ANALYSIS.step_metrics(rows, uids, step=int(global_steps))

        # Read before verl's own metrics: the step's rows are cleared from the queue right after.
        extra = _safe(compute)
        result = original(self, batch, metrics, timing_raw, global_steps=global_steps, epoch=epoch)
        metrics.update(extra)
        return result

    setattr(_compute_metrics, MARK, True)
    _compute_metrics.__wrapped__ = original  # type: ignore[attr-defined]
    trainer._compute_metrics = _compute_metrics


PATCHES: dict[str, Callable[[Any], None]] = {V1_MODULE: patch_v1, V0_MODULE: patch_v0}


class _PatchAfterImport(importlib.abc.MetaPathFinder):
    """Patches verl's trainer modules right after they are imported (and only if they are)."""

    def find_spec(self, name: str, path: Any = None, target: Any = None) -> Any:
        if name not in PATCHES:
            return None
        sys.meta_path.remove(self)  # find the real spec without finding ourselves
        try:
            spec = importlib.util.find_spec(name)
        finally:
            sys.meta_path.insert(0, self)
        if spec is None or spec.loader is None:
            return None
        loader, patch = spec.loader, PATCHES[name]
        exec_module = loader.exec_module

        def exec_and_patch(module: Any) -> None:
            exec_module(module)
            _apply(patch, module)

        loader.exec_module = exec_and_patch  # type: ignore[method-assign]
        return spec


def _apply(patch: Callable[[Any], None], module: Any) -> None:
    try:
        patch(module)
    except Exception as err:  # noqa: BLE001 - a verl whose internals moved: train on, without analysis
        log.warning("rlvr could not add analysis metrics to verl's %s (%s: %s); training continues without them",
                    module.__name__, type(err).__name__, err)


def install() -> None:
    """Add the step analysis to verl's training metrics in this process (Ray's worker_process_setup_hook).

    Modules already imported are patched now, the others when they are imported; idempotent.
    """
    for name, patch in PATCHES.items():
        if name in sys.modules:
            _apply(patch, sys.modules[name])
    if not any(isinstance(f, _PatchAfterImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _PatchAfterImport())


def installed() -> dict[str, bool]:
    """Which of verl's trainer entry points carry the analysis (imports them; for checks and tests)."""
    import importlib

    v1 = importlib.import_module(V1_MODULE)
    v0 = importlib.import_module(V0_MODULE)
    return {"v1": bool(getattr(v1.PPOTrainer._compute_metrics, MARK, False)),
            "v0": bool(getattr(v0.compute_data_metrics, MARK, False))}
