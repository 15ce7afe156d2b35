"""Exploration and exploitation of one step's samples, after B-STaR.

Source: Zeng et al. 2024, "B-STaR: Monitoring and Balancing Exploration and Exploitation in
Self-Taught Reasoners" (ICLR 2025, arXiv:2412.17256), sections 3-4, and its released code
(hkust-nlp/B-STaR, train_code/metric_modiacc_auto.py). For prompt i with K samples:

- Pass@K-S: 1 if at least one of the *selected* samples is correct, else 0, averaged over
  prompts. Selected = samples whose reward is >= `threshold` (B-STaR's reward threshold tau);
  with the verifier as the reward this is pass@K on the K samples.
- distinct correct: n'_i = number of distinct correct selected responses (responses compared
  after collapsing whitespace, as the released code deduplicates response strings), averaged.
- Reward@K-S: share of correct responses among the top-S samples ranked by reward
  (ties keep sampling order), averaged over prompts; how well the reward picks right answers.
- balance score: bs_i = min(n'_i / n*, 1) * n'_i / n_i, where n_i is the number of distinct
  selected responses (0 when nothing is selected); the mean over prompts. n* = 4 by default
  (the paper's value; the released code's soft accuracy uses 8, pass `n_star=8` for that).

rlvr's `correct` is the strict verifier's decision and `reward` the training reward; when
no reward is given it falls back to 1.0 for correct and 0.0 for wrong samples.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass

from rlvr.analysis.errors import AnalysisError


@dataclass(frozen=True)
class Sample:
    """One sampled response to one prompt."""

    prompt: str
    response: str
    correct: bool
    reward: float | None = None


@dataclass(frozen=True)
class ExploreExploit:
    prompts: int
    k: int  # largest number of samples for one prompt
    pass_at_k_s: float
    distinct_correct: float
    reward_at_k_s: float
    balance: float

    def to_dict(self) -> dict[str, float]:
        return asdict(self)


def _key(response: str) -> str:
    return " ".join(response.split())


def explore_exploit(samples: Sequence[Sample], *, threshold: float = 0.5, top_s: int = 1, n_star: int = 4) -> ExploreExploit:
    """B-STaR's Pass@K-S, distinct correct answers, Reward@K-S and balance score over `samples`."""
    if not samples:
        raise AnalysisError("B-STaR metrics of no samples are undefined")
    if top_s < 1 or n_star < 1:
        raise AnalysisError(f"top_s and n_star must be >= 1; got top_s={top_s}, n_star={n_star}")
    groups: dict[str, list[Sample]] = defaultdict(list)
    for s in samples:
        groups[s.prompt].append(s)
    passes, distinct, reward_at, balance = [], [], [], []
    for group in groups.values():
        rewards = [s.reward if s.reward is not None else float(s.correct) for s in group]
        selected = [s for s, r in zip(group, rewards, strict=True) if r >= threshold]
        unique = {_key(s.response): s.correct for s in selected}
        n_sel, n_good = len(unique), sum(unique.values())
        passes.append(float(any(s.correct for s in selected)))
        distinct.append(float(n_good))
        order = sorted(range(len(group)), key=lambda i: -rewards[i])[:top_s]
        reward_at.append(sum(group[i].correct for i in order) / len(order))
        balance.append(min(n_good / n_star, 1.0) * n_good / n_sel if n_sel else 0.0)
    n = len(groups)
    return ExploreExploit(
        prompts=n,
        k=max(len(g) for g in groups.values()),
        pass_at_k_s=sum(passes) / n,
        distinct_correct=sum(distinct) / n,
        reward_at_k_s=sum(reward_at) / n,
        balance=sum(balance) / n,
    )
