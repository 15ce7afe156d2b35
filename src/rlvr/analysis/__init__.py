"""Metrics over samples: pass@k (unbiased), response lengths in tokens, format rate.

    from rlvr import analysis
    analysis.pass_at_k(n=16, c=3, k=4)            # one problem
    analysis.mean_pass_at_k([16, 16], [3, 0], 4)  # averaged over problems
    analysis.length_stats([58, 41, 77]).mean
    analysis.format_rate(verdicts)                # share with an extractable final answer
"""

from rlvr.analysis.errors import AnalysisError
from rlvr.analysis.passk import ks_for, mean_pass_at_k, pass_at_k
from rlvr.analysis.responses import FORMAT_FAILURES, LengthStats, accuracy, format_rate, has_final_answer, length_stats

__all__ = [
    "FORMAT_FAILURES",
    "AnalysisError",
    "LengthStats",
    "accuracy",
    "format_rate",
    "has_final_answer",
    "ks_for",
    "length_stats",
    "mean_pass_at_k",
    "pass_at_k",
]
