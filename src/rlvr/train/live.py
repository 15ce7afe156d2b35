"""Analysis metrics of every training step, live, through the trainer's own logging.

Each GRPO step, `LiveAnalysis.observe` takes the step's scored completions (prompt, response,
correctness, reward, group, tokens, truncated, verdict reason) and returns the rates of
`rlvr.analysis` for them (`rlvr.analysis.report.summarize`, the same code as `rlvr analyze`)
under stable names `analysis/<name>`: `reflection`, `reflection_per_response`, the four
behaviours, `accuracy`, `format_rate`, `length_mean`, `length_median`, `length_p90`,
`length_max`, `clip_ratio`, B-STaR's `pass_at_k_s`, `distinct_correct`, `reward_at_k_s`,
`balance` (over the step's groups), `hacking_share`, `reward_divergence`, and one 0/1 flag per
reward-hacking alarm (`alarm_hacking`, `alarm_reward_divergence`, `alarm_format_collapse`,
`rlvr.analysis.alarms` over the steps seen so far). An alarm that fires is also warned about.
Every `samples_every` steps the step's samples go to `samples/step_NNNNNN.jsonl` in the run
folder, in the format `rlvr analyze` reads, so the offline analysis of a run gives the same
numbers (for responses up to `MAX_ANALYSED_CHARS`).

The input comes from the policy being trained, so nothing in it may stop training: completions
that are None or not strings are analysed as text, non-finite rewards count as unknown (JSON
null), each response is analysed on at most `MAX_ANALYSED_CHARS` characters, a samples file
that cannot be written is one warning (and no more samples files), and any other failure skips
that step's analysis with one warning per kind of error.

`AnalysedReward` wraps rlvr's TRL reward function: after each scoring it analyses the batch and
hands the metrics to TRL's `log_metric`, so they reach every `report_to` backend
(TensorBoard, W&B, ...) and rlvr's metrics.jsonl with the rest of the step's logs.
"""

from __future__ import annotations

import json
import logging
import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.analysis.alarms import ALARM_NAMES, Alarm, AlarmConfig, AlarmTracker, StepSignals
from rlvr.analysis.behaviours import BEHAVIOURS
from rlvr.analysis.report import summarize
from rlvr.analysis.samples import Row

log = logging.getLogger("rlvr.analysis")

PREFIX = "analysis/"
RATES = ("reflection", "reflection_per_response", *BEHAVIOURS, "accuracy", "format_rate", "length_mean",
         "length_median", "length_p90", "length_max", "clip_ratio", "pass_at_k_s", "distinct_correct",
         "reward_at_k_s", "balance", "hacking_share", "reward_divergence")
SAMPLES_FOLDER = "samples"
ALARMS = ALARM_NAMES  # the alarm_* flags logged every step
# The policy writes what is analysed: the live analysis reads at most this many characters of a
# response (its first and last halves), so one step's cost stays bounded whatever the policy emits
# (the classifier is linear, about 2 s of CPU per MB; 100,000 characters is about 25,000 tokens).
# The samples file keeps the whole response, so `rlvr analyze` on it reads everything.
MAX_ANALYSED_CHARS = 100_000


def response_text(value: Any) -> str:
    """A completion as text for the analysis: None is empty, any other non-string its str()."""
    if isinstance(value, str):
        return value
    return "" if value is None else str(value)


def analysed_part(text: str, limit: int = MAX_ANALYSED_CHARS) -> str:
    """`text` itself, or its first and last `limit // 2` characters when it is longer."""
    if len(text) <= limit:
        return text
    half = limit // 2
    return text[:half] + "\n" + text[-half:]


def finite_or_none(value: Any) -> float | None:
    """A reward as a finite float; NaN, infinities and non-numbers become None (no reward known)."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def metric_name(name: str) -> str:
    """The log key of an analysis rate or alarm flag (`analysis/reflection`, `analysis/alarm_hacking`)."""
    return PREFIX + name


def samples_path(output: str | Path, step: int) -> Path:
    """Where the samples of training step `step` are written in a run folder."""
    return Path(output) / SAMPLES_FOLDER / f"step_{step:06d}.jsonl"


def prompt_text(prompt: Any) -> str:
    """A prompt as text: itself, or the last user message of a chat (what tells problems apart)."""
    if isinstance(prompt, str):
        return prompt
    if isinstance(prompt, Sequence):
        for message in reversed(prompt):
            if isinstance(message, Mapping) and message.get("role") == "user":
                content = message.get("content")
                return content if isinstance(content, str) else json.dumps(content, default=str)
    return json.dumps(prompt, default=str)


@dataclass(frozen=True)
class StepSamples:
    """The scored completions of one training step, one entry per completion."""

    step: int
    prompts: Sequence[str]
    responses: Sequence[str]
    correct: Sequence[bool]
    rewards: Sequence[float]
    groups: Sequence[int]
    lengths: Sequence[int]
    truncated: Sequence[bool] | None = None
    reasons: Sequence[str | None] | None = None

    def records(self) -> list[dict[str, Any]]:
        """One JSON-ready record per completion, as `rlvr analyze` reads them (plus `group`)."""
        out = []
        for i, response in enumerate(self.responses):
            record: dict[str, Any] = {"step": self.step, "group": int(self.groups[i]), "prompt": response_text(self.prompts[i]),
                                      "response": response_text(response), "correct": bool(self.correct[i]),
                                      "reward": finite_or_none(self.rewards[i]), "length": int(self.lengths[i])}
            if self.truncated is not None:
                record["truncated"] = bool(self.truncated[i])
            if self.reasons is not None and self.reasons[i] is not None:
                record["reason"] = str(self.reasons[i])
            out.append(record)
        return out

    def rows(self) -> list[Row]:
        """The records as analysis rows, each response cut to `MAX_ANALYSED_CHARS` (`analysed_part`)."""
        return [Row(response=analysed_part(r["response"]), prompt=r["prompt"], correct=r["correct"], reward=r["reward"],
                    length=r["length"], step=r["step"], truncated=r.get("truncated"), reason=r.get("reason"))
                for r in self.records()]


class LiveAnalysis:
    """Analyses each training step's samples; keeps the alarm history and the CPU time it spent.

    output:        the run folder (samples go to `samples/`); None writes no samples.
    samples_every: write the samples of every N-th step (0 = never).
    alarms:        alarm thresholds (`rlvr.analysis.AlarmConfig`).
    warn:          called with each alarm's message (default: a warning on the `rlvr.analysis` logger).
    """

    def __init__(self, output: str | Path | None = None, *, samples_every: int = 1, alarms: AlarmConfig | None = None,
                 warn: Callable[[str], None] | None = None) -> None:
        self.output = Path(output) if output is not None else None
        self.samples_every = samples_every
        self.alarms = AlarmTracker(alarms)
        self.warn = warn
        self.fired: list[Alarm] = []
        self.cpu_seconds = 0.0   # process CPU time spent in observe, samples files included
        self.steps = 0
        self.failures = 0        # steps whose analysis failed (warned once per kind of error)
        self._warned: set[str] = set()

    def observe(self, samples: StepSamples) -> dict[str, float]:
        """The step's metrics by log key; writes its samples file when due and warns on alarms."""
        start = time.process_time()
        try:
            return self._observe(samples)
        except Exception as err:  # noqa: BLE001 - the analysis is optional; training must go on
            self.failures += 1
            self._warn_once(type(err).__name__, f"rlvr live analysis skipped step {samples.step} "
                            f"({type(err).__name__}: {err}); training continues, later failures of this kind are not warned")
            return {}
        finally:
            self.cpu_seconds += time.process_time() - start
            self.steps += 1

    def _observe(self, samples: StepSamples) -> dict[str, float]:
        records = samples.records()
        if not records:
            return {}
        summary = summarize(samples.rows())
        metrics = {metric_name(name): float(summary[name]) for name in RATES if summary.get(name) is not None}
        now = self.alarms.observe(StepSignals(samples.step, summary["samples"], summary["hacking_share"],
                                              summary["reward_divergence"], summary["format_rate"]))
        metrics.update({metric_name(f"alarm_{name}"): flag for name, flag in AlarmTracker.flags(now).items()})
        for alarm in now:
            self._say(f"reward-hacking alarm ({alarm.name}): {alarm.message}")
        self.fired.extend(now)
        if self.output is not None and self.samples_every > 0 and samples.step % self.samples_every == 0:
            path = samples_path(self.output, samples.step)
            try:
                _write_jsonl(path, records)
            except OSError as err:
                # A read-only or full disk: one warning, then no more samples files this run.
                self.samples_every = 0
                self._warn_once("samples", f"cannot write {path} ({err.strerror or err}); rlvr writes no more samples "
                                "files in this run, training and its metrics continue")
        return metrics

    def _say(self, message: str) -> None:
        if self.warn is not None:
            self.warn(message)
        else:
            log.warning(message)

    def _warn_once(self, kind: str, message: str) -> None:
        if kind not in self._warned:
            self._warned.add(kind)
            self._say(message)


def _write_jsonl(path: Path, records: Sequence[Mapping[str, Any]]) -> None:
    """Write atomically: a reader (rlvr analyze on a live run) never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    try:
        with partial.open("w", encoding="utf-8") as handle:
            for record in records:
                line = json.dumps(record, ensure_ascii=False)
                try:
                    line.encode("utf-8")
                except UnicodeEncodeError:  # a lone surrogate from the policy: escaped, still valid JSON
                    line = json.dumps(record)
                handle.write(line + "\n")
        os.replace(partial, path)
    except OSError:
        partial.unlink(missing_ok=True)
        raise


class AnalysedReward:
    """rlvr's TRL reward function (`rlvr.engines.trl.RlvrReward`) plus the live analysis of each batch.

    TRL calls it like the reward it wraps; the rewards are unchanged. The metrics go to TRL's
    `log_metric`, which averages them over the logging step and hands them to every reporter.
    """

    def __init__(self, reward: Any, live: LiveAnalysis) -> None:
        self.reward = reward
        self.live = live
        self.__name__ = reward.__name__

    def __repr__(self) -> str:
        return f"AnalysedReward({self.reward!r})"

    def __getattr__(self, name: str) -> Any:
        # `callback`, `last`, `pipeline`, ...: the wrapped reward's (only called for missing attributes).
        if name == "reward":
            raise AttributeError(name)
        return getattr(self.reward, name)

    def __call__(self, prompts: Sequence[Any], completions: Sequence[Any], completion_ids: Any = None, **kwargs: Any) -> list[float]:
        totals = self.reward(prompts, completions, completion_ids, **kwargs)
        scored = self.reward.last
        if scored is None:
            return totals
        state = kwargs.get("trainer_state")
        # TRL scores a step's completions before its optimiser step; the step is logged as global_step + 1.
        step = int(getattr(state, "global_step", 0) or 0) + 1
        try:
            batch = scored.batch
            texts = list(batch.texts) if batch.texts is not None else [completion_text(c) for c in completions]
            samples = StepSamples(
                step=step,
                prompts=[prompt_text(p) for p in prompts],
                responses=texts,
                correct=[bool(v.correct) for v in scored.verdicts],
                rewards=list(totals),
                groups=[int(g) for g in batch.group],
                lengths=[int(n) for n in batch.length],
                truncated=None if batch.truncated is None else [bool(t) for t in batch.truncated],
                reasons=[v.reason for v in scored.verdicts],
            )
        except Exception as err:  # noqa: BLE001 - the rewards are computed; only their analysis is lost
            self.live.failures += 1
            self.live._warn_once(type(err).__name__, f"rlvr live analysis skipped step {step} ({type(err).__name__}: {err})")
            return totals
        metrics = self.live.observe(samples)
        log_metric = kwargs.get("log_metric")
        if callable(log_metric):
            for key, value in metrics.items():
                log_metric(key, value)
        return totals


def completion_text(completion: Any) -> str:
    from rlvr.engines.trl import completion_text as text

    return text(completion)
