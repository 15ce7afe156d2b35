"""Math answer verification: `check(response, gold) -> Verdict`.

`check` extracts the final answer, screens it for reward hacking, and compares it with the
gold answer exactly (rationals in-process, sympy in a deadline-bounded worker process).
"""

from rlvr.verify.pipeline import VerifyError, check, check_many, warm_up
from rlvr.verify.extract import extract_answer
from rlvr.verify.judge import JudgeError, OpenAIJudge
from rlvr.verify.verdict import Reason, Verdict

__all__ = ["JudgeError", "OpenAIJudge", "Reason", "Verdict", "VerifyError", "check", "check_many", "extract_answer", "warm_up"]
