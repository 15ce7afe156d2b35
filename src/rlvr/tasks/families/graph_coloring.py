"""Graph colouring: colour the vertices so that no edge joins two equal colours.

Rule-checked: ANY proper colouring with colours 1..k scores 1. A colouring is planted
before edges are drawn (edges only join differently coloured vertices), so one exists.
Each differently coloured pair becomes an edge with chance `edge_share`, drawn by
geometric skips over all pairs, so the cost follows the edges drawn, not the pairs.
"""

from __future__ import annotations

import itertools
import math
import operator
import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._kit import CachedConfig, invalid, lerp, require, take_answer, valid, violation
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    vertices: int
    colors: int
    edge_share: float  # chance that two differently coloured vertices are joined

    def __post_init__(self) -> None:
        require(2 <= self.vertices <= 60, "vertices must be 2..60")
        require(2 <= self.colors <= 9, "colors must be 2..9")
        require(0 < self.edge_share <= 1, "edge_share must be in (0, 1]")


@lru_cache(maxsize=64)
def _pairs(vertices: int) -> tuple[tuple[int, int, str], ...]:
    """Every vertex pair (a < b, 1-based) in order, with its label 'a-b'."""
    return tuple((a, b, f"{a}-{b}") for a in range(1, vertices + 1) for b in range(a + 1, vertices + 1))


def _draw_edges(rng: random.Random, planted: str, share: float) -> tuple[list[list[int]], list[str]]:
    """Each pair of differently coloured vertices, independently with chance `share`: (edges, labels)."""
    pairs = _pairs(len(planted))
    if share >= 1:
        chosen = [pair for pair in pairs if planted[pair[0] - 1] != planted[pair[1] - 1]]
        return [[a, b] for a, b, _ in chosen], [label for _, _, label in chosen]
    draw, log, log_miss = rng.random, math.log, math.log(1 - share)
    edges: list[list[int]] = []
    labels: list[str] = []
    i, count = -1, len(pairs)
    while True:
        # The gap to the next chosen pair is geometric: P(gap = g) = (1 - share)**g * share.
        i += 1 + int(log(1.0 - draw()) / log_miss)
        if i >= count:
            return edges, labels
        a, b, label = pairs[i]
        if planted[a - 1] != planted[b - 1]:
            edges.append([a, b])
            labels.append(label)


_COLOUR_TEXT = "0123456789"


@lru_cache(maxsize=64)
def _colourings(colors: int) -> tuple[int, tuple[str, ...]]:
    """(block size, every colouring of that many vertices as a digit string), at most 4096 of them.

    A planted colouring is drawn block by block from this list: one draw per block instead
    of one per vertex, with the same uniform odds for every vertex.
    """
    size = 1
    while colors ** (size + 1) <= 4096:
        size += 1
    return size, tuple("".join(c) for c in itertools.product(_COLOUR_TEXT[1:colors + 1], repeat=size))


def _plant(rng: random.Random, vertices: int, colors: int) -> str:
    """A uniformly random colouring of `vertices` vertices with colours 1..colors, as digits."""
    size, blocks = _colourings(colors)
    draw, count = rng.random, len(blocks)  # int(random() * n) draws: see _kit.fast_sample
    return "".join([blocks[int(draw() * count)] for _ in range(-(-vertices // size))])[:vertices]


@lru_cache(maxsize=64)
def _vertex_labels(vertices: int) -> tuple[str, ...]:
    """'1:', '2:', ... : the answer's vertex prefixes."""
    return tuple(f"{v}:" for v in range(1, vertices + 1))
_PAIR = re.compile(r"\s*([0-9]{1,3})\s*(?::|=|->)\s*([0-9]{1,3})\s*")


@register
class GraphColoring(CachedConfig, Task):
    """Proper k-colourings of planted-colourable graphs; any proper colouring scores 1."""

    name = "graph_coloring"
    description = "Colour a graph's vertices with k colours so that adjacent vertices differ (any valid colouring)."
    answer_format = "vertex:colour pairs, e.g. 1:2, 2:1, 3:3"
    category = "logic"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        vertices = lerp(difficulty, 4, 24)
        colors = 3 if difficulty <= 7 else 4
        # Aim at an average degree that rises with difficulty (about 2 up to about 6).
        degree = 2 + 4 * (difficulty - 1) / 9
        share = min(0.9, degree / ((vertices - 1) * (1 - 1 / colors)))
        return Config(vertices=vertices, colors=colors, edge_share=round(share, 3))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        n, k = config.vertices, config.colors
        for _ in range(1000):
            # Colours as digit characters: compared as they are and zipped straight into the answer.
            planted = _plant(rng, n, k)
            edges, labels = _draw_edges(rng, planted, config.edge_share)
            if edges:
                break
        else:
            raise TaskError("no edge was drawn; raise edge_share or vertices")
        listing = ", ".join(labels)
        answer = ", ".join(map(operator.add, _vertex_labels(n), planted))
        prompt = (
            f"Colour the vertices 1 to {n} of this graph with colours 1 to {k} so that the two ends of every "
            f"edge get different colours.\nEdges: {listing}\n\n"
            "Any valid colouring is accepted. List every vertex with its colour, e.g. "
            "<answer>1:2, 2:1, 3:3</answer> (a format example only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"vertices": n, "colors": k, "edges": edges, "effort": len(edges)}
        return prompt, answer, metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        meta = problem.metadata
        n, k = meta["vertices"], meta["colors"]
        color: dict[int, int] = {}
        for part in re.split(r"[,;\n]", text.strip().rstrip(".")):
            if not part.strip():
                continue
            match = _PAIR.fullmatch(part)
            if not match:
                return invalid(text, f"could not read {part.strip()!r}; write vertex:colour")
            vertex, shade = int(match.group(1)), int(match.group(2))
            if not 1 <= vertex <= n:
                return invalid(text, f"there is no vertex {vertex}")
            if vertex in color and color[vertex] != shade:
                return invalid(text, f"vertex {vertex} is given two colours")
            if not 1 <= shade <= k:
                return violation(text, f"colour {shade} is not one of 1..{k}")
            color[vertex] = shade
        missing = [v for v in range(1, n + 1) if v not in color]
        if missing:
            return invalid(text, f"no colour for vertex {missing[0]}")
        for a, b in meta["edges"]:
            if color[a] == color[b]:
                return violation(text, f"edge {a}-{b} joins two vertices of colour {color[a]}")
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """Give one edge's ends the same colour."""
        color = [int(p.split(":")[1]) for p in problem.answer.split(", ")]
        a, b = rng.choice(problem.metadata["edges"])
        color[a - 1] = color[b - 1]
        return ", ".join(f"{v + 1}:{c}" for v, c in enumerate(color))
