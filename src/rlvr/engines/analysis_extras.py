"""Per-response analysis values for an engine's per-sample extra logs (verl's `reward_extra_info`).

verl's reward loop carries each response's `reward_extra_info` dict into its batch and
averages every key over responses in its validation metrics
(`val-aux/<data_source>/<key>/mean@N`). Each value here is a per-response quantity whose mean
over a step's responses is the rate of the same name that `rlvr train` (engine trl) logs and
`rlvr analyze` reports:

- `analysis/reflection`: 1 if the response has a SimpleRL-Zoo reflection word (`rlvr.analysis.reflection`);
- `analysis/verification`, `backtracking`, `subgoal_setting`, `enumeration`: 1 if the rule-based
  classifier (`rlvr.analysis.behaviours`) finds the behaviour;
- `analysis/format_rate`: 1 if the verdict found a final answer (its reason is not a format
  failure), as `rlvr analyze` decides it for samples that carry a `reason`;
- `analysis/hacking_share`: 1 if the verifier screened the response as hacking;
- `analysis/reward_divergence`: max(0, training reward - strict correctness) (what the reward pays above the strict check);
- `analysis/length_mean`: tokens; `analysis/clip_ratio`: 1 if cut at the length limit (only
  where the caller knows lengths and the limit).
B-STaR's group numbers and the alarms need a whole step and are not per-response values.
"""

from __future__ import annotations

from rlvr.analysis.behaviours import BEHAVIOURS, classify
from rlvr.analysis.reflection import reflection_count
from rlvr.analysis.responses import FORMAT_FAILURES
from rlvr.verify.verdict import Reason, Verdict

PREFIX = "analysis/"


def analysis_extras(text: str, verdict: Verdict, reward: float, *, length: int | None = None,
                    truncated: bool | None = None) -> dict[str, float]:
    """The per-response analysis values, keyed `analysis/<rate name>`, all floats."""
    behaviours = classify(text).to_dict()
    out = {f"{PREFIX}reflection": float(reflection_count(text) > 0)}
    out.update({f"{PREFIX}{name}": float(behaviours[name]) for name in BEHAVIOURS})
    out[f"{PREFIX}format_rate"] = float(verdict.reason not in FORMAT_FAILURES)
    out[f"{PREFIX}hacking_share"] = float(verdict.reason == Reason.HACKING)
    out[f"{PREFIX}reward_divergence"] = max(0.0, float(reward) - float(verdict.correct))
    if length is not None:
        out[f"{PREFIX}length_mean"] = float(length)
    if truncated is not None:
        out[f"{PREFIX}clip_ratio"] = float(truncated)
    return out
