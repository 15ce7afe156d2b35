"""Per-response analysis values for an engine's per-sample extra logs (verl's `reward_extra_info`).

verl's reward loop carries each response's `reward_extra_info` dict into its batch and
averages every key over responses in its validation metrics
(`val-aux/<data_source>/<key>/mean@N`). Each value here is a per-response quantity whose mean
over a step's responses is the rate of the same name that `rlvr train` (engine trl) logs and
`rlvr analyze` reports:

- `analysis/reflection`: 1 if the response has a SimpleRL-Zoo reflection word (`rlvr.analysis.reflection`);
- `analysis/reflection_per_response`: the number of reflection words in the response;
- `analysis/verification`, `backtracking`, `subgoal_setting`, `enumeration`: 1 if the rule-based
  classifier (`rlvr.analysis.behaviours`) finds the behaviour;
- `analysis/format_rate`: 1 if the verdict found a final answer (its reason is not a format
  failure), as `rlvr analyze` decides it for samples that carry a `reason`;
- `analysis/hacking_share`: 1 if the verifier screened the response as hacking;
- `analysis/reward_divergence`: max(0, training reward - strict correctness) (what the reward pays above the strict check);
- `analysis/length_mean`: tokens; `analysis/clip_ratio`: 1 if cut at the length limit (only
  where the caller knows lengths and the limit).
- `analysis/response_key`: a string, 16 hex digits of BLAKE2b over the response with whitespace
  collapsed, so the step-level hook (`rlvr.engines.verl_metrics`) counts B-STaR's *distinct*
  correct responses without the text; verl's validation metrics skip string values.
B-STaR's group numbers and the alarms need a whole step: `rlvr.engines.verl_metrics` computes
them from these values per training step.
"""

from __future__ import annotations

import hashlib

from rlvr.analysis.behaviours import BEHAVIOURS, classify
from rlvr.analysis.reflection import reflection_count
from rlvr.analysis.responses import FORMAT_FAILURES
from rlvr.verify.verdict import Reason, Verdict

PREFIX = "analysis/"
RESPONSE_KEY = PREFIX + "response_key"


def response_key(text: str) -> str:
    """The response's identity for B-STaR's distinct count: whitespace collapsed (as `rlvr.analysis.bstar`), hashed."""
    return hashlib.blake2b(" ".join(text.split()).encode("utf-8", "replace"), digest_size=8).hexdigest()


def analysis_extras(text: str, verdict: Verdict, reward: float, *, length: int | None = None,
                    truncated: bool | None = None) -> dict[str, float | str]:
    """The per-response analysis values, keyed `analysis/<rate name>`: floats, plus the string `response_key`."""
    behaviours = classify(text).to_dict()
    reflections = reflection_count(text)
    out: dict[str, float | str] = {f"{PREFIX}reflection": float(reflections > 0),
                                   f"{PREFIX}reflection_per_response": float(reflections)}
    out.update({f"{PREFIX}{name}": float(behaviours[name]) for name in BEHAVIOURS})
    out[f"{PREFIX}format_rate"] = float(verdict.reason not in FORMAT_FAILURES)
    out[f"{PREFIX}hacking_share"] = float(verdict.reason == Reason.HACKING)
    out[f"{PREFIX}reward_divergence"] = max(0.0, float(reward) - float(verdict.correct))
    if length is not None:
        out[f"{PREFIX}length_mean"] = float(length)
    if truncated is not None:
        out[f"{PREFIX}clip_ratio"] = float(truncated)
    out[RESPONSE_KEY] = response_key(text)
    return out
