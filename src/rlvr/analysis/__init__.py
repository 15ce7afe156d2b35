"""Metrics over samples: pass@k (unbiased), response lengths in tokens, format rate.

    from rlvr import analysis
    analysis.pass_at_k(n=16, c=3, k=4)            # one problem
    analysis.mean_pass_at_k([16, 16], [3, 0], 4)  # averaged over problems
    analysis.length_stats([58, 41, 77]).mean
    analysis.format_rate(verdicts)                # share with an extractable final answer
    analysis.reflection_rates(responses).rate     # SimpleRL-Zoo reflection words
    analysis.classify(response).backtracking      # the four cognitive behaviours (rules)
    analysis.explore_exploit(samples).balance     # B-STaR exploration/exploitation
    analysis.check_alarms(step_signals)           # reward-hacking alarms (logged)
"""

from rlvr.analysis.alarms import Alarm, AlarmConfig, StepSignals, check_alarms
from rlvr.analysis.behaviours import BEHAVIOURS, Behaviours, behaviour_rates, classify
from rlvr.analysis.bstar import ExploreExploit, Sample, explore_exploit
from rlvr.analysis.errors import AnalysisError
from rlvr.analysis.passk import ks_for, mean_pass_at_k, pass_at_k
from rlvr.analysis.policy import clip_ratio, length_histogram, sample_entropy
from rlvr.analysis.reflection import REFLECTION_WORDS, ReflectionRates, reflection_count, reflection_counts, reflection_rates
from rlvr.analysis.responses import FORMAT_FAILURES, LengthStats, accuracy, format_rate, has_final_answer, length_stats

__all__ = [
    "BEHAVIOURS",
    "FORMAT_FAILURES",
    "REFLECTION_WORDS",
    "Alarm",
    "AlarmConfig",
    "AnalysisError",
    "Behaviours",
    "ExploreExploit",
    "LengthStats",
    "ReflectionRates",
    "Sample",
    "StepSignals",
    "accuracy",
    "behaviour_rates",
    "check_alarms",
    "classify",
    "clip_ratio",
    "explore_exploit",
    "format_rate",
    "has_final_answer",
    "ks_for",
    "length_histogram",
    "length_stats",
    "mean_pass_at_k",
    "pass_at_k",
    "reflection_count",
    "reflection_counts",
    "reflection_rates",
    "sample_entropy",
]
