import random
import statistics

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("graph_coloring")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def test_a_different_proper_colouring_is_accepted() -> None:
    for p in TASK.generate(10, seed=3, difficulty=7):
        colours = [int(x.split(":")[1]) for x in p.answer.split(", ")]
        k = p.metadata["colors"]
        renamed = [(c % k) + 1 for c in colours]  # a permutation of the colour names
        text = ", ".join(f"{v + 1}:{c}" for v, c in enumerate(renamed))
        assert text != p.answer
        assert TASK.check(p, tagged(text)).reason == Reason.VALID_SOLUTION
        shuffled = [f"{v + 1}: {c}" for v, c in enumerate(renamed)]
        random.Random(0).shuffle(shuffled)
        assert TASK.check(p, tagged("\n".join(shuffled))).correct


def test_rule_violations() -> None:
    p = TASK.problem(0, difficulty=5)
    assert TASK.check(p, tagged(TASK.corrupt(p, random.Random(1)))).reason == Reason.RULE_VIOLATION
    k = p.metadata["colors"]
    too_many = ", ".join(f"{v}:{k + 1}" for v in range(1, p.metadata["vertices"] + 1))
    assert TASK.check(p, tagged(too_many)).reason == Reason.RULE_VIOLATION


@pytest.mark.parametrize("junk", ["red, green", "1:2, 1:3", "0:1", "1-2"])
def test_malformed(junk: str) -> None:
    assert TASK.check(TASK.problem(0, difficulty=5), tagged(junk)).reason == Reason.INVALID_FORMAT


def test_missing_vertex_is_invalid() -> None:
    p = TASK.problem(2, difficulty=5)
    assert TASK.check(p, tagged(p.answer.rsplit(", ", 1)[0])).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)


def test_planted_colours_and_edges_have_the_stated_odds() -> None:
    """Block-drawn colours are uniform per vertex; each differently coloured pair is an edge with edge_share."""
    from rlvr.tasks.families.graph_coloring import _draw_edges, _plant

    rng = random.Random(7)
    counts = [[0] * 3 for _ in range(11)]
    for _ in range(3000):
        for v, c in enumerate(_plant(rng, 11, 3)):
            counts[v][int(c) - 1] += 1
    assert all(870 < n < 1130 for row in counts for n in row)  # 1000 expected, sd 26
    planted = "1212121212"
    pairs = sum(planted[a] != planted[b] for a in range(10) for b in range(a + 1, 10))
    drawn = 0
    for _ in range(2000):
        edges, labels = _draw_edges(rng, planted, 0.2)
        assert all(planted[a - 1] != planted[b - 1] for a, b in edges)
        assert labels == [f"{a}-{b}" for a, b in edges] and edges == sorted(edges)
        drawn += len(edges)
    share = drawn / (2000 * pairs)
    assert 0.19 < share < 0.21
