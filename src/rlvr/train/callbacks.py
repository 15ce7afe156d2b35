"""TrainerCallbacks of an rlvr run: live progress, metrics.jsonl, time budget, Ctrl-C, held-out eval."""

from __future__ import annotations

import json
import math
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

# Where GRPOTrainer and rlvr's reward function put the numbers the bar shows.
REWARD_KEY = "reward"
LENGTH_KEY = "completions/mean_length"
ENTROPY_KEY = "entropy"
ANALYSIS_ENTROPY_KEY = "analysis/entropy"


def accuracy_key(reward_name: str) -> str:
    """The log key of batch accuracy written by rlvr's TRL reward function (`ScoredBatch.means`)."""
    return f"{reward_name}/accuracy"


class MetricsLog:
    """Appends one JSON object per logged step to `metrics.jsonl`; keeps them in memory for the report."""

    def __init__(self, path: Path, resume_from_step: int | None = None) -> None:
        self.path = path
        self.rows: list[dict[str, Any]] = []
        if path.exists():
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    row = json.loads(line)
                    # After a resume, steps past the checkpoint are replayed; drop their old rows.
                    if resume_from_step is None or row.get("step", 0) <= resume_from_step:
                        self.rows.append(row)
            self._rewrite()

    def _rewrite(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text("".join(json.dumps(r) + "\n" for r in self.rows), encoding="utf-8")

    def append(self, row: dict[str, Any]) -> None:
        clean = {k: v for k, v in row.items() if isinstance(v, (int, float, str)) and not (isinstance(v, float) and math.isnan(v))}
        self.rows.append(clean)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(clean) + "\n")


class RunCallback(TrainerCallback):
    """Progress bar, metrics log, minutes budget and graceful Ctrl-C in one place.

    The first Ctrl-C asks the trainer to save and stop after the current step; a second
    one interrupts at once.
    """

    def __init__(self, metrics: MetricsLog, accuracy_name: str, minutes: float | None, bar: Any = None,
                 task_id: Any = None) -> None:
        self.metrics = metrics
        self.accuracy_name = accuracy_name
        self.minutes = minutes
        self.bar = bar
        self.task_id = task_id
        self.started = time.monotonic()
        self.stop_reason: str | None = None
        self._interrupted = False
        self._previous_handler: Any = None
        self.last: dict[str, float] = {}

    # Ctrl-C ------------------------------------------------------------------
    def install_interrupt(self) -> None:
        self._previous_handler = signal.getsignal(signal.SIGINT)

        def handle(signum: int, frame: Any) -> None:
            if self._interrupted:
                signal.signal(signal.SIGINT, signal.default_int_handler)
                raise KeyboardInterrupt
            self._interrupted = True
            if self.bar is not None:
                self.bar.console.print("[yellow]Ctrl-C: saving a checkpoint after this step, then stopping "
                                       "(press again to abort at once)[/yellow]")

        signal.signal(signal.SIGINT, handle)

    def remove_interrupt(self) -> None:
        if self._previous_handler is not None:
            signal.signal(signal.SIGINT, self._previous_handler)
            self._previous_handler = None

    # Trainer hooks -------------------------------------------------------------
    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        self.started = time.monotonic()

    def on_step_end(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        if self._interrupted:
            self.stop_reason = "interrupted"
        elif self.minutes is not None and (time.monotonic() - self.started) / 60.0 >= self.minutes:
            self.stop_reason = f"time budget of {self.minutes:g} minutes reached"
        if self.stop_reason:
            control.should_training_stop = True
            control.should_save = True

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if not logs or REWARD_KEY not in logs:
            return  # the end-of-training summary log has no reward
        row = {"step": int(state.global_step), "elapsed_s": round(time.monotonic() - self.started, 2), **logs}
        if ENTROPY_KEY in logs:
            # TRL's exact per-token entropy of the policy (from logits), under the analysis names too.
            row.setdefault(ANALYSIS_ENTROPY_KEY, logs[ENTROPY_KEY])
        self.metrics.append(row)
        self.last = {
            "reward": float(logs.get(REWARD_KEY, math.nan)),
            "accuracy": float(logs.get(accuracy_key(self.accuracy_name), math.nan)),
            "tokens": float(logs.get(LENGTH_KEY, math.nan)),
        }
        if self.bar is not None:
            self.bar.update(self.task_id, completed=state.global_step, **self.last)


class HeldoutCallback(TrainerCallback):
    """Evaluates the policy on the held-out set every `every` steps and logs the result."""

    def __init__(self, every: int, evaluate: Callable[[Any], dict[str, float]], metrics: MetricsLog) -> None:
        self.every = every
        self.evaluate = evaluate
        self.metrics = metrics

    def on_step_end(self, args: Any, state: Any, control: Any, model: Any = None, **kwargs: Any) -> None:
        step = int(state.global_step)
        if self.every <= 0 or step % self.every or control.should_training_stop:
            return
        result = self.evaluate(getattr(model, "module", model))
        self.metrics.append({"step": step, **{f"heldout/{k}": v for k, v in result.items()}})


CURRICULUM_FILE = "rlvr_curriculum.json"


class CurriculumCallback(TrainerCallback):
    """Logs the curriculum's current level per family and keeps its state in every checkpoint."""

    def __init__(self, curriculum: Any) -> None:
        self.curriculum = curriculum

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        if folder.is_dir():
            (folder / CURRICULUM_FILE).write_text(json.dumps(self.curriculum.state_dict(), default=str), encoding="utf-8")

    def load_checkpoint(self, folder: Path) -> None:
        """Restore the levels and recent results saved by `on_save` (resume)."""
        path = folder / CURRICULUM_FILE
        if path.exists():
            self.curriculum.load_state_dict(json.loads(path.read_text(encoding="utf-8")))

    def on_log(self, args: Any, state: Any, control: Any, logs: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if logs is not None:
            for name, level in self.curriculum.levels().items():
                logs[f"curriculum/{name}"] = float(level)
