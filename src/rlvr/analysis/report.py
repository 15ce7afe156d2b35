"""The offline analysis of a set of samples: every metric of rlvr.analysis, per step and overall.

`analyze(rows)` groups samples by `step` and returns, for each step and for all samples
together, the rates by name: `reflection` (share of responses with a SimpleRL-Zoo reflection
word), `reflection_per_response`, `verification`, `backtracking`, `subgoal_setting`,
`enumeration` (shares, rule-based classifier), `accuracy`, `format_rate`, `length_mean`,
`length_median`, `length_p90`, `length_max`, `clip_ratio`, `entropy`, the B-STaR numbers
(`pass_at_k_s`, `distinct_correct`, `reward_at_k_s`, `balance`), `hacking_share` and
`reward_divergence`; plus the alarms that fired. A metric the samples cannot give (no
prompts for B-STaR, no log-probs for entropy, ...) is None.

Lengths are the rows' `length` (tokens) where given, else whitespace-separated words.
Correctness is the strict verifier's (`rlvr.verify.check`) where a row has a gold answer,
else the row's `correct`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from rlvr.analysis.alarms import AlarmConfig, StepSignals, check_alarms
from rlvr.analysis.behaviours import BEHAVIOURS, classify
from rlvr.analysis.bstar import Sample, explore_exploit
from rlvr.analysis.errors import AnalysisError
from rlvr.analysis.policy import sample_entropy
from rlvr.analysis.reflection import reflection_count
from rlvr.analysis.responses import FORMAT_FAILURES
from rlvr.analysis.samples import Row
from rlvr.verify.extract import find_answer
from rlvr.verify.screen import screen_response
from rlvr.verify.verdict import Reason, Verdict


class _Judged:
    """Per-row facts computed once: strict verdict (if gold), behaviours, reflection."""

    def __init__(self, row: Row, timeout: float) -> None:
        from rlvr.verify import check

        self.row = row
        verdict: Verdict | None = check(row.response, row.gold, timeout=timeout) if row.gold is not None else None
        self.correct = verdict.correct if verdict is not None else row.correct
        if verdict is not None:
            self.reason: str | None = verdict.reason
            self.formatted = verdict.reason not in FORMAT_FAILURES
        else:
            extraction = find_answer(row.response)
            # A verdict reason computed upstream (the task's own checker, as in rlvr train's samples) decides the
            # format: a task that asks for \boxed{} does not count a bare trailing number as an answer.
            self.formatted = row.reason not in FORMAT_FAILURES if row.reason is not None else extraction.answer is not None
            self.reason = row.reason
            if self.reason is None and screen_response(extraction.region, row.response) is not None:
                self.reason = Reason.HACKING
        self.hacking = self.reason == Reason.HACKING
        self.behaviours = classify(row.response).to_dict()
        self.reflections = reflection_count(row.response)
        self.length = row.length if row.length is not None else len(row.response.split())


def _mean(values: Sequence[float]) -> float | None:
    return float(np.mean(values)) if len(values) else None


def _summary(items: Sequence[_Judged], max_length: int | None, bstar: dict[str, Any]) -> dict[str, Any]:
    n = len(items)
    lengths = np.asarray([j.length for j in items], dtype=np.float64)
    out: dict[str, Any] = {"samples": n}
    out["reflection"] = sum(1 for j in items if j.reflections) / n
    out["reflection_per_response"] = sum(j.reflections for j in items) / n
    for name in BEHAVIOURS:
        out[name] = sum(1 for j in items if j.behaviours[name]) / n
    known = [j for j in items if j.correct is not None]
    out["accuracy"] = _mean([float(j.correct) for j in known])
    out["format_rate"] = sum(1 for j in items if j.formatted) / n
    out["length_mean"] = float(lengths.mean())
    out["length_median"] = float(np.median(lengths))
    out["length_p90"] = float(np.percentile(lengths, 90))
    out["length_max"] = int(lengths.max())
    if all(j.row.truncated is not None for j in items):
        out["clip_ratio"] = sum(1 for j in items if j.row.truncated) / n
    elif max_length is not None:
        out["clip_ratio"] = float(np.mean(lengths >= max_length))
    else:
        out["clip_ratio"] = None
    with_logprobs = [list(j.row.logprobs) for j in items if j.row.logprobs]
    out["entropy"] = sample_entropy(with_logprobs) if with_logprobs else None
    out["hacking_share"] = sum(1 for j in items if j.hacking) / n
    paired = [(j.row.reward, float(j.correct)) for j in items if j.row.reward is not None and j.correct is not None]
    # One-sided: what the training reward pays above the strict check. A penalty (a format
    # reward's minus on an unformatted answer) is not a reward the policy can exploit.
    out["reward_divergence"] = _mean([max(0.0, r - c) for r, c in paired])
    samples = [Sample(j.row.prompt, j.row.response, bool(j.correct), j.row.reward) for j in items
               if j.row.prompt is not None and j.correct is not None]
    if samples:
        e = explore_exploit(samples, **bstar)
        out.update(pass_at_k_s=e.pass_at_k_s, distinct_correct=e.distinct_correct, reward_at_k_s=e.reward_at_k_s,
                   balance=e.balance, bstar_k=e.k, bstar_prompts=e.prompts)
    else:
        out.update(pass_at_k_s=None, distinct_correct=None, reward_at_k_s=None, balance=None)
    return out


def summarize(rows: Sequence[Row], *, max_length: int | None = None, timeout: float = 2.0,
              bstar: dict[str, Any] | None = None) -> dict[str, Any]:
    """Every rate of `analyze` over `rows` taken as one set (no per-step split, no alarms).

    For callers that analyse one step at a time and keep their own alarm history (rlvr train).
    """
    if not rows:
        raise AnalysisError("analysis of no samples is undefined")
    return _summary([_Judged(row, timeout) for row in rows], max_length, bstar or {})


def analyze(
    rows: Sequence[Row],
    *,
    max_length: int | None = None,
    timeout: float = 2.0,
    alarms: AlarmConfig | None = None,
    bstar: dict[str, Any] | None = None,
    progress: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Every metric over `rows`: {"overall": {...}, "steps": [{"step": s, ...}], "alarms": [...]}."""
    judged = []
    for row in rows:
        judged.append(_Judged(row, timeout))
        if progress is not None:
            progress(1)
    settings = bstar or {}
    by_step: dict[int, list[_Judged]] = defaultdict(list)
    for j in judged:
        by_step[j.row.step].append(j)
    steps = [{"step": s, **_summary(items, max_length, settings)} for s, items in sorted(by_step.items())]
    signals = [StepSignals(s["step"], s["samples"], s["hacking_share"], s["reward_divergence"], s["format_rate"]) for s in steps]
    fired = check_alarms(signals, alarms)
    return {"overall": _summary(judged, max_length, settings), "steps": steps, "alarms": [a.to_dict() for a in fired]}
