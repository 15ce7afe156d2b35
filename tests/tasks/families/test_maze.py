import random
import statistics
from collections import deque

import pytest

from rlvr.tasks import TaskError, get
from rlvr.tasks.families.maze import MOVES
from rlvr.verify.verdict import Reason

TASK = get("maze")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def all_shortest_paths(grid: list[str], start: list[int], goal: list[int], cap: int = 50) -> list[str]:
    """Distances from the goal, then every walk from the start that steps one closer each time."""
    rows, cols = len(grid), len(grid[0])
    dist = {tuple(goal): 0}
    queue = deque([tuple(goal)])
    while queue:
        r, c = queue.popleft()
        for dr, dc in MOVES.values():
            n = (r + dr, c + dc)
            if 0 <= n[0] < rows and 0 <= n[1] < cols and grid[n[0]][n[1]] != "#" and n not in dist:
                dist[n] = dist[(r, c)] + 1
                queue.append(n)
    paths: list[str] = []

    def walk(cell: tuple[int, int], path: str) -> None:
        if len(paths) >= cap:
            return
        if dist[cell] == 0:
            paths.append(path)
            return
        for move, (dr, dc) in MOVES.items():
            n = (cell[0] + dr, cell[1] + dc)
            if dist.get(n) == dist[cell] - 1:
                walk(n, path + move)

    walk(tuple(start), "")
    return paths


def test_every_shortest_path_is_accepted() -> None:
    several = 0
    for p in TASK.generate(10, seed=2, difficulty=6):
        paths = all_shortest_paths(p.metadata["grid"], p.metadata["start"], p.metadata["goal"])
        assert p.answer in paths
        several += len(paths) > 1
        for path in paths:
            assert TASK.check(p, tagged(path)).reason == Reason.VALID_SOLUTION
    assert several >= 5


def test_rule_violations() -> None:
    p = TASK.problem(0, difficulty=5)
    gold = p.answer
    back = {"U": "D", "D": "U", "L": "R", "R": "L"}
    detour = gold[0] + back[gold[0]] + gold
    assert TASK.check(p, tagged(detour)).reason == Reason.RULE_VIOLATION  # reaches G, but not shortest
    assert TASK.check(p, tagged(gold[:-1])).reason == Reason.RULE_VIOLATION
    assert TASK.check(p, tagged("U" * 40)).reason == Reason.RULE_VIOLATION  # off the grid or into a wall


def test_separators_and_words_are_tolerated() -> None:
    p = TASK.problem(1, difficulty=3)
    words = {"U": "up", "D": "down", "L": "left", "R": "right"}
    assert TASK.check(p, tagged(", ".join(p.answer))).correct
    assert TASK.check(p, tagged(" ".join(words[m] for m in p.answer))).correct


@pytest.mark.parametrize("junk", ["go north", "UDX", "1234"])
def test_malformed(junk: str) -> None:
    assert TASK.check(TASK.problem(0, difficulty=2), tagged(junk)).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)


def test_bad_knobs_are_a_task_error() -> None:
    with pytest.raises(TaskError):
        get("maze", min_distance=500).problem(0)
    with pytest.raises(TaskError):
        get("maze", wall_share=0.9).problem(0)


def test_same_rng_gives_same_maze() -> None:
    config = TASK.config_for(7)
    assert TASK.make(random.Random(11), config) == TASK.make(random.Random(11), config)
    assert TASK.make(random.Random(11), config) != TASK.make(random.Random(12), config)


@pytest.mark.parametrize("knobs", [{"size": 3, "min_distance": 2}, {"size": 40, "min_distance": 60},
                                   {"size": 12, "wall_share": 0.0, "min_distance": 20}])
def test_marks_and_distance_hold_at_the_edges_of_the_knobs(knobs: dict) -> None:
    task = get("maze", **knobs)
    for p in task.generate(5, seed=4, difficulty=5):
        grid, (sr, sc), (gr, gc) = p.metadata["grid"], p.metadata["start"], p.metadata["goal"]
        assert len(grid) == knobs["size"] and all(len(row) == knobs["size"] for row in grid)
        assert grid[sr][sc] == "S" and grid[gr][gc] == "G"
        assert sum(row.count("S") + row.count("G") for row in grid) == 2
        assert len(p.answer) == p.metadata["length"] >= knobs["min_distance"]
        assert len(all_shortest_paths(grid, [sr, sc], [gr, gc], cap=1)[0]) == len(p.answer)
        assert task.check(p, tagged(p.answer)).correct
