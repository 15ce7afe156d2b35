"""B-STaR's pieces of the loop: score samples, accept them, measure a configuration, pick the best.

Source: Zeng et al. 2024, "B-STaR: Monitoring and Balancing Exploration and Exploitation in
Self-Taught Reasoners" (ICLR 2025, arXiv:2412.17256), section 4, and its released code
(hkust-nlp/B-STaR: train_code/train_bstar.sh, determine_hyper.py).

- Accept (the STaR/RFT filter): with the verifier as reward, a sample is kept when it is correct;
  with a scoring reward r, when r > tau (determine_hyper.py keeps `score > score_threshold`).
  Kept samples are deduplicated per prompt after collapsing whitespace.
- Measure: Pass@K-S, distinct correct answers, Reward@K-S and the balance score
  bs = mean_i min(n'_i / n*, 1) * n'_i / n_i of `rlvr.analysis.bstar.explore_exploit`, with
  "selected" = accepted, on K samples of each held-out probe prompt.
- Choose: every (T, tau) of the grid is measured on the probe; the configuration with the highest
  balance score trains the next iteration (ties: the first in grid order, temperatures ascending as listed).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from rlvr.analysis.bstar import ExploreExploit, Sample, explore_exploit
from rlvr.evaluate.sampling import Completion
from rlvr.tasks import Problem, get
from rlvr.tasks.rows import problem_to_json


@dataclass(frozen=True)
class Scored:
    """One sampled response with the verifier's decision and the reward's score."""

    problem_id: str
    text: str
    tokens: int
    truncated: bool
    correct: bool
    score: float


@dataclass(frozen=True)
class Choice:
    """One (temperature, tau) configuration measured on the probe."""

    temperature: float
    tau: float
    metrics: ExploreExploit

    def to_dict(self) -> dict[str, Any]:
        return {"temperature": self.temperature, "tau": self.tau, **self.metrics.to_dict()}


def score_groups(problems: Sequence[Problem], completions: Sequence[Sequence[Completion]],
                 reward: Any | None) -> list[list[Scored]]:
    """Check every completion with its task; score it with `reward` (None: score = correctness 1/0)."""
    from rlvr.rewards import RolloutBatch

    if len(problems) != len(completions):
        raise ValueError(f"got {len(completions)} completion groups for {len(problems)} problems")
    tasks: dict[str, Any] = {}
    correct: list[list[bool]] = []
    for problem, outs in zip(problems, completions, strict=True):
        task = tasks.setdefault(problem.task, get(problem.task))
        correct.append([task.check(problem, out.text).correct for out in outs])
    flat = [(g, out, ok) for g, (outs, oks) in enumerate(zip(completions, correct, strict=True))
            for out, ok in zip(outs, oks, strict=True)]
    if reward is None or not flat:
        scores = [float(ok) for _, _, ok in flat]
    else:
        batch = RolloutBatch(correct=[float(ok) for _, _, ok in flat], length=[out.tokens for _, out, _ in flat],
                             group=[g for g, _, _ in flat], truncated=[out.truncated for _, out, _ in flat],
                             texts=[out.text for _, out, _ in flat],
                             prompt_ids=[problems[g].id for g, _, _ in flat])
        scores = [float(x) for x in reward.score(batch).total]
    groups: list[list[Scored]] = [[] for _ in problems]
    for (g, out, ok), score in zip(flat, scores, strict=True):
        groups[g].append(Scored(problem_id=problems[g].id, text=out.text, tokens=out.tokens,
                                truncated=out.truncated, correct=ok, score=score))
    return groups


def _key(text: str) -> str:
    return " ".join(text.split())


def accepts(sample: Scored, tau: float, score_reward: bool) -> bool:
    """The filter: correct (verifier) or score > tau (scoring reward)."""
    return sample.score > tau if score_reward else sample.correct


def accept(group: Sequence[Scored], tau: float, score_reward: bool, max_per_prompt: int | None = None) -> list[Scored]:
    """The distinct accepted samples of one prompt, highest score first (at most `max_per_prompt`)."""
    seen: set[str] = set()
    kept: list[Scored] = []
    ranked = sorted(group, key=lambda s: -s.score)   # stable: equal scores keep sampling order
    for sample in ranked:
        key = _key(sample.text)
        if not key or key in seen or not accepts(sample, tau, score_reward):
            continue
        seen.add(key)
        kept.append(sample)
        if max_per_prompt is not None and len(kept) >= max_per_prompt:
            break
    return kept


def measure(groups: Sequence[Sequence[Scored]], tau: float, score_reward: bool, *, n_star: int = 4,
            top_s: int = 1) -> ExploreExploit:
    """Pass@K-S, distinct correct, Reward@K-S and balance score of probe samples under threshold `tau`."""
    # explore_exploit selects reward >= threshold; the loop accepts score > tau, so the threshold
    # is the next float above tau. The verifier's reward is 1/0 and 0.5 splits it.
    threshold = math.nextafter(tau, math.inf) if score_reward else 0.5
    samples = [Sample(prompt=s.problem_id, response=s.text, correct=s.correct,
                      reward=s.score if score_reward else float(s.correct))
               for group in groups for s in group]
    return explore_exploit(samples, threshold=threshold, top_s=top_s, n_star=n_star)


def choose(choices: Sequence[Choice]) -> Choice:
    """The configuration with the highest balance score; ties go to the first listed."""
    if not choices:
        raise ValueError("no configuration to choose from")
    best = choices[0]
    for choice in choices[1:]:
        if choice.metrics.balance > best.metrics.balance:
            best = choice
    return best


def sft_rows(problems: Sequence[Problem], accepted: Sequence[Sequence[Scored]],
             system_prompt: str | None = None) -> list[dict[str, Any]]:
    """Prompt-completion rows for TRL's SFTTrainer (loss on the completion only)."""
    from rlvr.tasks.rows import to_messages

    rows = []
    for problem, kept in zip(problems, accepted, strict=True):
        for sample in kept:
            rows.append({"prompt": to_messages(problem, system_prompt),
                         "completion": [{"role": "assistant", "content": sample.text}],
                         "problem_json": problem_to_json(problem)})
    return rows
