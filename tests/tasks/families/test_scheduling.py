import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("scheduling")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def free_starts(meta: dict) -> set[int]:
    """Independent minute-by-minute search for every allowed start."""
    out = set()
    for start in range(0, 24 * 60):
        end = start + meta["duration"]
        if start < meta["earliest"] or end > meta["latest_end"]:
            continue
        if all(end <= low or start >= high for blocks in meta["busy"].values() for low, high in blocks):
            out.add(start)
    return out


@pytest.mark.parametrize("difficulty", [1, 5, 10])
def test_every_valid_slot_is_accepted_and_no_other(difficulty: int) -> None:
    for p in TASK.generate(5, seed=3, difficulty=difficulty):
        allowed = free_starts(p.metadata)
        assert allowed
        for start in range(8 * 60, 18 * 60, 5):
            verdict = TASK.check(p, tagged(f"{start // 60:02d}:{start % 60:02d}"))
            assert verdict.correct == (start in allowed)
            if not verdict.correct:
                assert verdict.reason == Reason.RULE_VIOLATION


def test_range_form_must_have_the_right_length() -> None:
    p = TASK.problem(0, difficulty=5)
    start = int(p.answer[:2]) * 60 + int(p.answer[3:])
    end = start + p.metadata["duration"]
    assert TASK.check(p, tagged(f"{p.answer}-{end // 60:02d}:{end % 60:02d}")).correct
    late = end + 5
    assert TASK.check(p, tagged(f"{p.answer}-{late // 60:02d}:{late % 60:02d}")).reason == Reason.RULE_VIOLATION


@pytest.mark.parametrize("junk", ["noon", "25:00", "9.30", "12:61", "tomorrow at 10:00"])
def test_malformed(junk: str) -> None:
    assert TASK.check(TASK.problem(0, difficulty=5), tagged(junk)).reason == Reason.INVALID_FORMAT


def test_corrupt_breaks_a_rule() -> None:
    for p in TASK.generate(20, difficulty=7):
        assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(0)))).reason == Reason.RULE_VIOLATION


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)


@pytest.mark.parametrize("junk", ["12:30" + " " * 4000 + "x", "12:30 -" + " " * 4000 + "x", "1" + " " * 4000 + ":30"])
def test_pathological_whitespace_is_rejected(junk: str) -> None:
    # Regression guard: these once made the time pattern backtrack for minutes.
    assert TASK.check(TASK.problem(0, difficulty=5), tagged(junk)).reason == Reason.INVALID_FORMAT
