"""rlvr: reinforcement learning from verifiable rewards.

Verifiers decide whether an answer is right (`rlvr.verify`), tasks make verifiable
problems (`rlvr.tasks`), rewards turn verdicts into numbers (`rlvr.rewards`), engines
feed them to trainers (`rlvr.engines`), and `rlvr.train` / `rlvr.evaluate` run it all.
"""

from rlvr.verify.verdict import Reason, Verdict

__version__ = "0.1.0"
__all__ = ["Reason", "Verdict", "__version__"]
