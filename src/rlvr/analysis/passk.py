"""pass@k with the unbiased estimator: from n samples of which c are correct,
the chance that at least one of k drawn without replacement is correct,
1 - C(n-c, k) / C(n, k), computed as a product so large n never overflows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rlvr.analysis.errors import AnalysisError


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with `n` samples, `c` of them correct."""
    if not (isinstance(n, (int, np.integer)) and isinstance(c, (int, np.integer)) and isinstance(k, (int, np.integer))):
        raise AnalysisError(f"n, c and k must be integers, got n={n!r}, c={c!r}, k={k!r}")
    if n < 1 or k < 1:
        raise AnalysisError(f"n and k must be >= 1, got n={n}, k={k}")
    if not 0 <= c <= n:
        raise AnalysisError(f"c (correct samples) must be between 0 and n={n}, got {c}")
    if k > n:
        raise AnalysisError(f"pass@{k} needs at least {k} samples per problem, got {n}; sample more or lower k")
    if n - c < k:
        return 1.0
    # C(n-c, k) / C(n, k) = prod_{i=n-c+1..n} (1 - k/i)
    return float(1.0 - np.prod(1.0 - k / np.arange(n - c + 1, n + 1, dtype=np.float64)))


def mean_pass_at_k(samples: Sequence[int], correct: Sequence[int], k: int) -> float:
    """pass@k averaged over problems; `samples[i]` and `correct[i]` describe problem i."""
    if len(samples) != len(correct):
        raise AnalysisError(f"samples and correct need one entry per problem; got {len(samples)} and {len(correct)}")
    if not len(samples):
        raise AnalysisError("pass@k of no problems is undefined; pass at least one")
    return float(np.mean([pass_at_k(int(n), int(c), k) for n, c in zip(samples, correct, strict=True)]))


def ks_for(samples: int) -> list[int]:
    """The k values worth reporting for `samples` per problem: 1, 2, 4, ... up to and including `samples`."""
    if samples < 1:
        raise AnalysisError(f"samples must be >= 1, got {samples}")
    ks, k = [], 1
    while k < samples:
        ks.append(k)
        k *= 2
    ks.append(samples)
    return ks
