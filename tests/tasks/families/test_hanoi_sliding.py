import random
import statistics
from collections import deque

import pytest

from rlvr.tasks import Problem, TaskError, get
from rlvr.tasks.families.hanoi_sliding import _GOAL, _slide
from rlvr.verify.verdict import Reason

TASK = get("hanoi_sliding")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def hanoi_distance(position: list[int], target: int) -> int:
    """Breadth-first search over all 3**n positions (position[d] = peg of disk d, 0 smallest)."""
    goal = tuple([target] * len(position))
    start = tuple(position)
    dist = {start: 0}
    queue = deque([start])
    while queue:
        state = queue.popleft()
        if state == goal:
            return dist[state]
        tops = {}
        for disk in range(len(state) - 1, -1, -1):
            tops[state[disk]] = disk  # ends with the smallest disk on each peg
        for src, disk in tops.items():
            for dst in range(3):
                if dst != src and (dst not in tops or tops[dst] > disk):
                    nxt = list(state)
                    nxt[disk] = dst
                    nxt = tuple(nxt)
                    if nxt not in dist:
                        dist[nxt] = dist[state] + 1
                        queue.append(nxt)
    raise AssertionError("goal unreachable")


def sliding_distance(start: list[int], goal: tuple[int, ...] = _GOAL) -> tuple[int, str]:
    begin = tuple(start)
    seen = {begin: ""}
    queue = deque([begin])
    while queue:
        board = queue.popleft()
        if board == goal:
            return len(seen[board]), seen[board]
        for move in "UDLR":
            nxt = _slide(board, move)
            if nxt is not None and nxt not in seen:
                seen[nxt] = seen[board] + move
                queue.append(nxt)
    raise AssertionError("unsolvable")


def hanoi_problems(difficulty: int, count: int) -> list[Problem]:
    return [p for p in TASK.generate(count, seed=3, difficulty=difficulty) if p.metadata["puzzle"] == "hanoi"]


@pytest.mark.parametrize("difficulty", [2, 5, 8])
def test_hanoi_optimum_matches_breadth_first_search(difficulty: int) -> None:
    problems = hanoi_problems(difficulty, 20)
    assert problems
    for p in problems:
        assert hanoi_distance(p.metadata["position"], p.metadata["target"]) == p.metadata["optimal"]


def test_hanoi_rules() -> None:
    p = next(p for p in hanoi_problems(6, 20) if p.metadata["optimal"] >= 3)
    moves = p.answer.split(", ")
    assert TASK.check(p, tagged(" ; ".join(m.lower().replace("->", " to ") for m in moves))).correct
    assert TASK.check(p, tagged(", ".join(moves[:-1]))).reason == Reason.RULE_VIOLATION
    src, dst = moves[0].split("->")
    detour = [f"{src}->{dst}", f"{dst}->{src}"] + moves
    assert TASK.check(p, tagged(", ".join(detour))).reason == Reason.RULE_VIOLATION  # legal but not optimal
    assert TASK.check(p, tagged("A->A")).reason == Reason.RULE_VIOLATION
    assert TASK.check(p, tagged("move the big one")).reason == Reason.INVALID_FORMAT


def test_hanoi_larger_on_smaller_is_rejected() -> None:
    p = Problem(id="t", task="hanoi_sliding", prompt="", answer="", difficulty=1,
                metadata={"puzzle": "hanoi", "position": [0, 0], "target": 2, "optimal": 3})
    assert TASK.check(p, tagged("A->C, A->B, B->C")).correct is False
    verdict = TASK.check(p, tagged("A->B, A->B, C->B"))
    assert verdict.reason == Reason.RULE_VIOLATION and "larger" in verdict.detail
    assert TASK.check(p, tagged("A->B, A->C, B->C")).correct


def test_sliding_accepts_any_solution_within_the_limit() -> None:
    accepted_other = 0
    for p in TASK.generate(30, seed=5, difficulty=4):
        if p.metadata["puzzle"] != "sliding":
            continue
        length, path = sliding_distance(p.metadata["start"], tuple(p.metadata["goal"]))
        assert length <= p.metadata["limit"]
        assert TASK.check(p, tagged(path)).reason == Reason.VALID_SOLUTION
        accepted_other += path != p.answer
    assert accepted_other >= 1


def test_sliding_rules() -> None:
    p = next(p for p in TASK.generate(30, seed=5, difficulty=5) if p.metadata["puzzle"] == "sliding")
    assert TASK.check(p, tagged(p.answer + "UD")).reason == Reason.RULE_VIOLATION  # over the limit
    assert TASK.check(p, tagged(p.answer[:-1])).reason == Reason.RULE_VIOLATION
    assert TASK.check(p, tagged("UUUU")).reason == Reason.RULE_VIOLATION
    assert TASK.check(p, tagged("north")).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(40, seed=2, difficulty=d))
    assert effort(9) > effort(2)


def test_too_many_disks_is_a_task_error() -> None:
    with pytest.raises(TaskError, match="disks"):
        get("hanoi_sliding", disks=12).problem(0)


def test_low_difficulty_has_many_distinct_puzzles() -> None:
    # Regression: difficulty 1 had 14 distinct prompts (3-move scrambles of one fixed goal), a
    # memorisation risk; a random goal layout widens it while the puzzles stay short.
    problems = list(TASK.generate(300, seed=0, difficulty=1))
    assert len({p.prompt for p in problems}) >= 100
    hanoi = [p for p in problems if p.metadata["puzzle"] == "hanoi"]
    assert len({p.prompt for p in hanoi}) >= 15  # a full-peg start of 2 disks gives only 6
    sliding = [p for p in problems if p.metadata["puzzle"] == "sliding"]
    assert sliding and max(p.metadata["limit"] for p in sliding) <= 3


def test_sliding_problem_without_a_goal_uses_the_classic_one() -> None:
    # Problems exported before goals were random carry no "goal"; theirs was 1..8 with the blank last.
    start = list(_slide(_GOAL, "U"))
    problem = Problem(id="old", task=TASK.name, prompt="", answer="D", difficulty=1,
                      metadata={"puzzle": "sliding", "start": start, "limit": 1, "effort": 1})
    assert TASK.check(problem, tagged("D")).reason == Reason.VALID_SOLUTION
