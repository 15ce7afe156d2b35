"""Math answer verification: `check(response, gold) -> Verdict`."""

from rlvr.verify.verdict import Reason, Verdict

__all__ = ["Reason", "Verdict"]
