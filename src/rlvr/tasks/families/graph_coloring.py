"""Graph colouring: colour the vertices so that no edge joins two equal colours.

Rule-checked: ANY proper colouring with colours 1..k scores 1. A colouring is planted
before edges are drawn (edges only join differently coloured vertices), so one exists.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, TaskError, register
from rlvr.tasks.families._kit import invalid, lerp, require, take_answer, valid, violation
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


_PAIR = re.compile(r"\s*([0-9]{1,3})\s*(?::|=|->)\s*([0-9]{1,3})\s*")


@register
class GraphColoring(Task):
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
            planted = [rng.randrange(k) + 1 for _ in range(n)]
            edges = [[a + 1, b + 1] for a in range(n) for b in range(a + 1, n)
                     if planted[a] != planted[b] and rng.random() < config.edge_share]
            if edges:
                break
        else:
            raise TaskError("no edge was drawn; raise edge_share or vertices")
        listing = ", ".join(f"{a}-{b}" for a, b in edges)
        answer = ", ".join(f"{v + 1}:{c}" for v, c in enumerate(planted))
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
