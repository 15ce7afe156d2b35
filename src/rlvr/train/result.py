"""What a finished (or stopped) training run hands back, and the one-line summary scripts read."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rlvr.evaluate.runner import Summary

SUMMARY_FILE = "summary.json"


@dataclass
class RunResult:
    """Where the run lives, how it ended and the held-out numbers before and after."""

    output: Path
    final_model: Path | None
    steps: int
    stop_reason: str
    train_seconds: float
    wall_seconds: float
    before: Summary | None = None
    after: Summary | None = None
    # Accuracy among the responses whose answer could be read (None: no such response).
    before_formatted_accuracy: float | None = None
    after_formatted_accuracy: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def summary_line(self) -> str:
        """`held-out accuracy: 0.125 -> 0.406; format rate: 0.250 -> 0.906; accuracy among formatted
        answers: 0.500 -> 0.448; mean response tokens: 58.2 -> 41.0`."""
        if self.before is None or self.after is None:
            return "held-out accuracy: n/a (eval.problems is 0)"
        return (f"held-out accuracy: {self.before.accuracy:.3f} -> {self.after.accuracy:.3f}; "
                f"format rate: {self.before.format_rate:.3f} -> {self.after.format_rate:.3f}; "
                f"accuracy among formatted answers: {_figure(self.before_formatted_accuracy)} -> "
                f"{_figure(self.after_formatted_accuracy)}; "
                f"mean response tokens: {self.before.mean_tokens:.1f} -> {self.after.mean_tokens:.1f}")

    def to_dict(self) -> dict[str, Any]:
        return {
            "output": str(self.output),
            "final_model": str(self.final_model) if self.final_model else None,
            "steps": self.steps,
            "stop_reason": self.stop_reason,
            "train_seconds": self.train_seconds,
            "wall_seconds": self.wall_seconds,
            "before": self.before.to_dict() if self.before else None,
            "after": self.after.to_dict() if self.after else None,
            "before_formatted_accuracy": self.before_formatted_accuracy,
            "after_formatted_accuracy": self.after_formatted_accuracy,
            "summary": self.summary_line(),
            **self.extra,
        }

    def write(self) -> Path:
        path = self.output / SUMMARY_FILE
        path.write_text(json.dumps(self.to_dict(), indent=2) + "\n", encoding="utf-8")
        return path


def _figure(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def summary_from_dict(data: dict[str, Any] | None) -> Summary | None:
    """Inverse of `Summary.to_dict` (pass@k keys back to ints)."""
    if not data:
        return None
    values = dict(data)
    values["pass_at_k"] = {int(k): v for k, v in values.get("pass_at_k", {}).items()}
    return Summary(**values)


__all__ = ["SUMMARY_FILE", "RunResult", "summary_from_dict"]
