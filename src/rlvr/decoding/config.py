"""The settings of a decoding strategy, validated once, with errors that name the CLI option."""

from __future__ import annotations

import math
from dataclasses import dataclass

from rlvr.decoding.errors import DecodingError

STRATEGIES = ("greedy", "sample", "best-of-n", "majority", "predictive")
SELECTIONS = ("sample", "argmax")


@dataclass(frozen=True)
class DecodingConfig:
    """How to decode one response.

    - `n`: samples per problem for best-of-n and majority (`--decoding-n`).
    - `k`: foresight rollouts per step for predictive (`--foresight-k`); the authors use 8.
    - `horizon`: steps of foresight after the candidate step (`--horizon`); 2 matches the
      authors' three-thought look-ahead (the candidate plus two).
    - `tau`: temperature of the re-weighting exp(score / tau) (`--tau`); the authors use 0.1.
    - `temperature`, `top_p`: how rollouts and samples are drawn; `max_tokens` bounds a response.
    - `select`: how predictive commits a step: 'sample' from the weights (the paper) or 'argmax'.
    """

    strategy: str = "greedy"
    n: int = 8
    k: int = 8
    horizon: int = 2
    tau: float = 0.1
    temperature: float = 0.7
    top_p: float = 1.0
    max_tokens: int = 256
    select: str = "sample"
    seed: int = 0

    def __post_init__(self) -> None:
        if self.strategy not in STRATEGIES:
            raise DecodingError(f"--decoding must be one of {', '.join(STRATEGIES)}; got {self.strategy!r}")
        _positive_int(self.n, "--decoding-n (samples for best-of-n and majority)")
        _positive_int(self.k, "--foresight-k (foresight rollouts per step)")
        _positive_int(self.max_tokens, "--max-tokens")
        if not isinstance(self.horizon, int) or isinstance(self.horizon, bool) or self.horizon < 0:
            raise DecodingError(f"--horizon (foresight steps after the candidate) must be an integer >= 0, got {self.horizon!r}")
        if not isinstance(self.tau, (int, float)) or not math.isfinite(self.tau) or self.tau <= 0:
            raise DecodingError(f"--tau (re-weighting temperature) must be > 0, got {self.tau!r}")
        if not math.isfinite(self.temperature) or self.temperature < 0:
            raise DecodingError(f"--temperature must be >= 0 (0 = greedy), got {self.temperature!r}")
        if self.strategy in ("sample", "best-of-n", "majority", "predictive") and self.temperature == 0:
            raise DecodingError(f"--decoding {self.strategy} needs --temperature > 0 (0 makes every sample the same)")
        if not 0 < self.top_p <= 1:
            raise DecodingError(f"--top-p must be in (0, 1], got {self.top_p!r}")
        if self.select not in SELECTIONS:
            raise DecodingError(f"select must be one of {', '.join(SELECTIONS)}; got {self.select!r}")


def _positive_int(value: object, name: str) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise DecodingError(f"{name} must be an integer >= 1, got {value!r}")
