import random
import re
import statistics
from collections import defaultdict

import pytest

from rlvr.tasks import get
from rlvr.verify.verdict import Reason

TASK = get("spatial_relations")


def tagged(text: str) -> str:
    return f"<answer>{text}</answer>"


def distances(edges: list[tuple[str, str]], source: str) -> dict[str, int]:
    """Bellman-Ford style relaxation: independent of the family's breadth-first search."""
    nodes = {n for e in edges for n in e}
    dist = {n: 10**9 for n in nodes}
    dist[source] = 0
    for _ in nodes:
        for a, b in edges:
            dist[b] = min(dist[b], dist[a] + 1)
            dist[a] = min(dist[a], dist[b] + 1)
    return dist


def expected(prompt: str) -> str:
    if prompt.startswith("Two-way roads"):
        edges = re.findall(r"- (\w+) - (\w+)", prompt)
        if m := re.search(r"from (\w+) to (\w+)\?", prompt):
            return str(distances(edges, m.group(1))[m.group(2)])
        m = re.search(r"reached from (\w+) using at most (\d+)", prompt)
        dist = distances(edges, m.group(1))
        return str(sum(1 for d in dist.values() if 0 < d <= int(m.group(2))))
    boss = {b: a for a, b in re.findall(r"- (\w+) manages (\w+)\.", prompt)}

    def above(x: str) -> list[str]:
        chain = []
        while x in boss:
            x = boss[x]
            chain.append(x)
        return chain

    if m := re.search(r"How many people does (\w+) manage", prompt):
        people = set(boss) | set(boss.values())
        return str(sum(1 for p in people if m.group(1) in above(p)))
    if m := re.search(r"Is (\w+) above (\w+) in", prompt):
        return "yes" if m.group(1) in above(m.group(2)) else "no"
    m = re.search(r"who is (\w+) or above \w+, and also (\w+) or above", prompt)
    mine = [m.group(1)] + above(m.group(1))
    theirs = set([m.group(2)] + above(m.group(2)))
    return next(x for x in mine if x in theirs)


def shortest_routes(prompt: str) -> list[str]:
    """Every shortest route the prompt's map allows, found independently of the family."""
    edges = re.findall(r"- (\w+) - (\w+)", prompt)
    source, target = re.search(r"from (\w+) to (\w+):", prompt).groups()
    dist = distances(edges, target)
    neighbours = defaultdict(set)
    for a, b in edges:
        neighbours[a].add(b)
        neighbours[b].add(a)
    routes = [[source]]
    while routes[0][-1] != target:
        routes = [r + [n] for r in routes for n in sorted(neighbours[r[-1]]) if dist[n] == dist[r[-1]] - 1]
    return [" > ".join(r) for r in routes]


@pytest.mark.parametrize("difficulty", [1, 5, 10])
def test_answers_match_an_independent_solver(difficulty: int) -> None:
    routes_seen = 0
    for p in TASK.generate(40, seed=5, difficulty=difficulty):
        if "shortest route" in p.prompt:
            routes = shortest_routes(p.prompt)
            assert p.answer in routes
            for route in routes:  # any shortest route is accepted
                assert TASK.check(p, tagged(route)).reason == Reason.VALID_SOLUTION
            routes_seen += 1
        else:
            assert expected(p.prompt) == p.answer, p.prompt
    assert routes_seen


def test_route_rules() -> None:
    p = next(p for p in TASK.generate(60, seed=2, difficulty=8) if "shortest route" in p.prompt)
    stops = p.answer.split(" > ")
    assert TASK.check(p, tagged(" -> ".join(s.upper() for s in stops))).correct
    assert TASK.check(p, tagged(" > ".join(stops[:-1]))).reason == Reason.RULE_VIOLATION
    if len(stops) > 2:  # skipping the middle towns uses a road that does not exist
        assert TASK.check(p, tagged(" > ".join([stops[0], stops[-1]]))).reason == Reason.RULE_VIOLATION
    detour = stops[:1] + stops[1:2] + stops[:1] + stops[1:]
    assert TASK.check(p, tagged(" > ".join(detour))).reason == Reason.RULE_VIOLATION  # legal but longer
    assert TASK.check(p, tagged("Atlantis > " + p.answer)).reason == Reason.INVALID_FORMAT


def test_checking() -> None:
    for p in TASK.generate(12, difficulty=6):
        assert TASK.check(p, tagged(p.answer)).correct
        wrong = TASK.check(p, tagged(TASK.corrupt(p, random.Random(0))))
        assert wrong.reason == (Reason.RULE_VIOLATION if p.metadata["question_kind"] == "route" else Reason.NOT_EQUAL)
        assert TASK.check(p, tagged("somewhere far")).reason == Reason.INVALID_FORMAT


def test_difficulty_grows() -> None:
    def effort(d: int) -> float:
        return statistics.mean(p.metadata["effort"] for p in TASK.generate(30, seed=2, difficulty=d))
    assert effort(9) > effort(2)


def test_fast_draws_are_uniform_and_complete() -> None:
    from collections import Counter

    from rlvr.tasks.families._kit import fast_sample, fast_shuffle

    rng = random.Random(11)
    firsts = Counter()
    for _ in range(4000):
        picked = fast_sample(rng, "abcd", 2)
        assert len(set(picked)) == 2 and set(picked) <= set("abcd")
        firsts[tuple(picked)] += 1
    assert len(firsts) == 12 and all(250 < n < 420 for n in firsts.values())  # 333 expected, sd 18
    orders = Counter()
    for _ in range(3000):
        items = [1, 2, 3]
        fast_shuffle(rng, items)
        assert sorted(items) == [1, 2, 3]
        orders[tuple(items)] += 1
    assert len(orders) == 6 and all(400 < n < 600 for n in orders.values())  # 500 expected, sd 20
    with pytest.raises(ValueError):
        fast_sample(rng, "ab", 3)
