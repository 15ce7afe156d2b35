"""Relations on graphs and trees: road distances and routes between towns, and reporting chains.

Counts, names and yes/no answers are unique by construction: they are computed by
breadth-first search on the generated graph or by walking the generated tree (ancestors,
lowest common manager, team size). Route questions are rule-checked by replay: ANY
route along existing roads with the fewest roads scores 1.
"""

from __future__ import annotations

import random
import re
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import (
    PEOPLE, CachedConfig, check_choice, check_int, fast_sample, fast_shuffle, format_example, invalid, lerp,
    other_choice,
    other_int, require, take_answer, valid, violation,
)
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    nodes: int
    extra_edges: int  # roads beyond a spanning tree (graph questions)

    def __post_init__(self) -> None:
        require(3 <= self.nodes <= len(_TOWNS), f"nodes must be 3..{len(_TOWNS)}")
        require(self.extra_edges >= 0, "extra_edges must be >= 0")


_TOWNS = [
    "Ashford", "Brookvale", "Cedarton", "Dunmore", "Elmstead", "Fairhill", "Glenwick", "Harrowby",
    "Ivydale", "Juniper", "Kestrel", "Larkfield", "Millbrook", "Northwood", "Oakridge", "Pinecrest",
    "Queensbury", "Redcliff", "Stonebridge", "Thornbury",
]


def bfs(adjacency: dict[int, list[int]], source: int) -> dict[int, int]:
    """Hop distance from `source` to every reachable node."""
    dist = {source: 0}
    queue = deque([source])
    while queue:
        node = queue.popleft()
        for nxt in adjacency[node]:
            if nxt not in dist:
                dist[nxt] = dist[node] + 1
                queue.append(nxt)
    return dist


def _ancestors(parent: list[int], node: int) -> list[int]:
    chain = []
    while parent[node] >= 0:
        node = parent[node]
        chain.append(node)
    return chain


def _pair_below(parent: list[int], draw: Callable[[], float]) -> tuple[int, int]:
    """Two different people whose lowest common manager is a manager drawn uniformly.

    Two people drawn at random mostly meet at the top, so "answer the boss" (named in the
    prompt's first line) would be right far more often than a guess among the managers.
    """
    n = len(parent)
    below: list[list[int]] = [[] for _ in range(n)]  # everyone under i, parents before children
    for i in range(n - 1, 0, -1):
        below[parent[i]] += [i] + below[i]
    managers = [i for i in range(n) if below[i]]
    common = managers[int(draw() * len(managers))]
    children = [i for i in range(common + 1, n) if parent[i] == common]
    if len(children) >= 2 and draw() < 0.5:  # from two different teams under `common`
        first, second = _two_of(children, draw)
        team_a, team_b = [first] + below[first], [second] + below[second]
        a, b = team_a[int(draw() * len(team_a))], team_b[int(draw() * len(team_b))]
    else:  # `common` itself and someone under them
        a, b = common, below[common][int(draw() * len(below[common]))]
    return (a, b) if draw() < 0.5 else (b, a)


def _two_of(items: list[int], draw: Callable[[], float]) -> tuple[int, int]:
    """Two different entries of `items` in random order."""
    i = int(draw() * len(items))
    j = int(draw() * (len(items) - 1))
    j += j >= i
    return items[i], items[j]


@register
class SpatialRelations(CachedConfig, Task):
    """Distances in road networks and relations in reporting trees."""

    name = "spatial_relations"
    description = ("Questions about graphs and trees: shortest distances and routes, reachability, ancestors, "
                   "common managers.")
    answer_format = "an integer, a name, yes/no, or a route of towns separated by '>', as the question asks"
    category = "planning"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        return Config(nodes=lerp(difficulty, 4, 18), extra_edges=lerp(difficulty, 0, 8))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        if rng.random() < 0.5:
            return self._graph(rng, config)
        return self._tree(rng, config)

    def _graph(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        n = min(config.nodes, len(_TOWNS))
        draw = rng.random  # int(random() * n) draws: see _kit.fast_sample
        towns = fast_sample(rng, _TOWNS, n)
        # A random recursive tree keeps every town reachable; extra roads add cycles.
        edges = [(int(draw() * i), i) for i in range(1, n)]
        known = set(edges)
        for _ in range(config.extra_edges):
            a, b = int(draw() * n), int(draw() * (n - 1))
            edge = (a, b + 1) if b >= a else (b, a)  # b skips a, so the two ends differ
            if edge not in known:
                known.add(edge)
                edges.append(edge)
        adjacency: dict[int, list[int]] = {i: [] for i in range(n)}
        for a, b in edges:
            adjacency[a].append(b)
            adjacency[b].append(a)
        listing = edges[:]
        fast_shuffle(rng, listing)
        roads = "\n".join([f"- {towns[a]} - {towns[b]}" for a, b in listing])
        source = int(draw() * n)
        dist = bfs(adjacency, source)
        roll = draw()
        meta: dict[str, Any] = {}
        if roll < 0.6:
            if draw() < 0.5:  # one of the farthest towns
                farthest = max(dist.values())
                ends = [t for t in range(n) if dist[t] == farthest]
                target = ends[int(draw() * len(ends))]
            else:  # any other town
                target = int(draw() * (n - 1))
                target += target >= source
        if roll < 0.35:
            question = (f"What is the smallest number of roads needed to travel from {towns[source]} to "
                        f"{towns[target]}? Give an integer, e.g. <answer>5</answer>")
            value, kind = dist[target], "count"
        elif roll < 0.6:
            route = [target]
            while route[-1] != source:
                here = route[-1]
                route.append(min(t for t in adjacency[here] if dist[t] == dist[here] - 1))
            value, kind = " > ".join([towns[t] for t in reversed(route)]), "route"
            # Two towns of another map: the example shows the format, never a route of this one.
            first = format_example(rng, towns, _TOWNS)
            example = f"{first} > {format_example(rng, [*towns, first], _TOWNS)}"
            question = (f"Give a shortest route (fewest roads) from {towns[source]} to {towns[target]}: every town "
                        f"on the way, in order, separated by '>'. Any shortest route is accepted, e.g. "
                        f"<answer>{example}</answer>")
            meta = {"towns": towns, "roads": [list(e) for e in sorted(edges)], "source": source,
                    "target": target, "distance": dist[target]}
        else:
            radius = 1 + int(draw() * 3)
            value = sum(1 for d in dist.values() if 0 < d <= radius)
            question = (f"How many towns other than {towns[source]} can be reached from {towns[source]} using at "
                        f"most {radius} road{'s' if radius > 1 else ''}? Give an integer, e.g. <answer>5</answer>")
            kind = "count"
        prompt = (
            f"Two-way roads connect these {n} towns:\n{roads}\n\n" + question
            + " (a format example only).\n" + ANSWER_INSTRUCTION
        )
        return prompt, str(value), {"question_kind": kind, "options": [], "effort": n + len(edges), **meta}

    def _tree(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        n = min(config.nodes, len(PEOPLE))
        draw = rng.random  # int(random() * n) draws: see _kit.fast_sample
        names = fast_sample(rng, PEOPLE, n)
        # Everyone's manager is one of the (up to) four people listed just before them, so parent[i] < i.
        parent = [-1] + [i - 1 - int(draw() * min(i, 4)) for i in range(1, n)]
        depth = [0] * n
        for i in range(1, n):
            depth[i] = depth[parent[i]] + 1
        lines = [f"- {names[parent[i]]} manages {names[i]}." for i in range(1, n)]
        fast_shuffle(rng, lines)
        roll = draw()
        if roll < 0.35:
            a, b = _pair_below(parent, draw)
            chain_a = [a] + _ancestors(parent, a)
            chain_b = set([b] + _ancestors(parent, b))
            common = next(x for x in chain_a if x in chain_b)
            question = (f"Who is the lowest person in the hierarchy who is {names[a]} or above {names[a]}, and "
                        f"also {names[b]} or above {names[b]}? Give the name, e.g. "
                        f"<answer>{format_example(rng, names, PEOPLE)}</answer>")
            answer, kind, options = names[common], "name", names
        elif roll < 0.65:
            a = int(draw() * n)
            team = [1] * n  # team[i]: i and everyone below i; children come after parents
            for i in range(n - 1, 0, -1):
                team[parent[i]] += team[i]
            question = (f"How many people does {names[a]} manage directly or indirectly (everyone below them "
                        "in the hierarchy)? Give an integer, e.g. <answer>5</answer>")
            answer, kind, options = str(team[a] - 1), "count", []
        else:
            b = 1 + int(draw() * (n - 1))
            managers = _ancestors(parent, b)
            # Half the time ask about a true manager, so yes and no are balanced.
            others = [x for x in range(n) if x != b and x not in managers]
            if draw() < 0.5 or not others:
                a = managers[int(draw() * len(managers))]
            else:  # someone who is not above b (any other person would be above b too often)
                a = others[int(draw() * len(others))]
            above = a in managers
            question = (f"Is {names[a]} above {names[b]} in the hierarchy (a manager of {names[b]}, directly or "
                        "through others)? Answer yes or no, e.g. <answer>no</answer>")
            answer, kind, options = ("yes" if above else "no"), "yesno", ["yes", "no"]
        prompt = (
            f"A company's reporting lines ({n} people; everyone except {names[0]} has exactly one manager):\n"
            + "\n".join(lines) + "\n\n" + question + " (a format example only).\n"
            + ANSWER_INSTRUCTION
        )
        return prompt, answer, {"question_kind": kind, "options": options, "effort": n + max(depth)}

    def check(self, problem: Problem, response: str) -> Verdict:
        if problem.metadata["question_kind"] == "route":
            return self._check_route(problem.metadata, response)
        if problem.metadata["question_kind"] == "count":
            return check_int(response, int(problem.answer))
        return check_choice(response, problem.answer, problem.metadata["options"])

    @staticmethod
    def _check_route(meta: dict[str, Any], response: str) -> Verdict:
        """Replay a route: known towns, consecutive towns joined by a road, right ends, fewest roads."""
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        index = {town.lower(): i for i, town in enumerate(meta["towns"])}
        parts = [p.strip().lower() for p in re.split(r"->|>|→|,", text.strip().rstrip("."))]
        if any(p not in index for p in parts):
            return invalid(text, "expected town names from the map separated by '>'")
        stops = [index[p] for p in parts]
        roads = {tuple(r) for r in meta["roads"]}
        if stops[0] != meta["source"] or stops[-1] != meta["target"]:
            return violation(text, "the route must start and end at the named towns")
        for a, b in zip(stops, stops[1:]):
            if (min(a, b), max(a, b)) not in roads:
                return violation(text, f"no road joins {meta['towns'][a]} and {meta['towns'][b]}")
        if len(stops) - 1 != meta["distance"]:
            return violation(text, f"{len(stops) - 1} roads; the shortest route uses {meta['distance']}")
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """A wrong answer: another count or name, or a route that stops one town short."""
        if problem.metadata["question_kind"] == "route":
            stops = problem.answer.split(" > ")
            return " > ".join(stops[:-1]) if len(stops) > 2 else " > ".join(stops + stops[-2:-1])
        if problem.metadata["question_kind"] == "count":
            return other_int(int(problem.answer), rng)
        return other_choice(problem.answer, problem.metadata["options"], rng)
