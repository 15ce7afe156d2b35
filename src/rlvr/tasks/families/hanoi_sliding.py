"""Tower of Hanoi and the 8-puzzle: plan a move list that reaches the goal.

Rule-checked by replay. Hanoi: ANY legal move list that gathers every disk on the
target peg in the optimal number of moves scores 1 (the optimum from any legal start
is computed exactly, disk by disk from the largest). Sliding puzzle: ANY legal move
list that reaches the goal within the stated move limit scores 1; the limit is the
length of a known solution (the scramble undone, loops removed). The goal layout is
random (recorded in the metadata), so even the short scrambles of low difficulty give
many distinct puzzles instead of the handful of boards a few moves from 1..8.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rlvr.tasks.base import ANSWER_INSTRUCTION, Problem, Task, register
from rlvr.tasks.families._kit import CachedConfig, invalid, lerp, require, take_answer, valid, violation
from rlvr.tasks.families.maze import MOVES, parse_moves
from rlvr.verify.verdict import Verdict


@dataclass(frozen=True)
class Config:
    disks: int  # Hanoi disks
    random_start: bool  # Hanoi starts from a random legal position instead of one full peg
    scramble: int  # random blank moves applied to the solved 8-puzzle

    def __post_init__(self) -> None:
        require(1 <= self.disks <= 9, "disks must be 1..9 (longer move lists exceed the answer cap)")
        require(1 <= self.scramble <= 200, "scramble must be 1..200")


_PEGS = "ABC"
_HANOI_MOVE = re.compile(r"([ABCabc])\s*(?:->|→|-|to|>)\s*([ABCabc])")
_HANOI_LIST = re.compile(r"\s*(?:[ABCabc]\s*(?:->|→|-|to|>)\s*[ABCabc]\s*(?:[,;\n ]\s*|$))+")
_GOAL = (1, 2, 3, 4, 5, 6, 7, 8, 0)


def hanoi_plan(position: list[int], target: int) -> list[tuple[int, int]]:
    """An optimal move list gathering all disks on `target`; position[d] = peg of disk d (0 smallest)."""
    position = list(position)
    moves: list[tuple[int, int]] = []

    def gather(k: int, peg: int) -> None:
        # Put disks 0..k on `peg`: the largest of them moves at most once.
        if k < 0:
            return
        if position[k] == peg:
            gather(k - 1, peg)
            return
        spare = 3 - position[k] - peg
        gather(k - 1, spare)
        moves.append((position[k], peg))
        position[k] = peg
        gather(k - 1, peg)

    gather(len(position) - 1, target)
    return moves


def replay_hanoi(position: list[int], moves: list[tuple[int, int]]) -> tuple[list[int], str | None]:
    """Apply moves; returns (final position, first broken rule or None)."""
    pegs: list[list[int]] = [[], [], []]
    for disk in range(len(position) - 1, -1, -1):
        pegs[position[disk]].append(disk)
    for step, (src, dst) in enumerate(moves, 1):
        if not pegs[src]:
            return position, f"move {step} takes from the empty peg {_PEGS[src]}"
        disk = pegs[src][-1]
        if pegs[dst] and pegs[dst][-1] < disk:
            return position, f"move {step} puts a larger disk on a smaller one"
        pegs[dst].append(pegs[src].pop())
    final = [0] * len(position)
    for peg, stack in enumerate(pegs):
        for disk in stack:
            final[disk] = peg
    return final, None


def _slide(board: tuple[int, ...], move: str) -> tuple[int, ...] | None:
    blank = board.index(0)
    r, c = divmod(blank, 3)
    dr, dc = MOVES[move]
    nr, nc = r + dr, c + dc
    if not (0 <= nr < 3 and 0 <= nc < 3):
        return None
    cells = list(board)
    other = nr * 3 + nc
    cells[blank], cells[other] = cells[other], 0
    return tuple(cells)


_INVERSE = {"U": "D", "D": "U", "L": "R", "R": "L"}
# For each blank position on the 3x3 board: the legal blank moves and the cell each one swaps with.
_NEIGHBOURS = [
    [(m, (i // 3 + dr) * 3 + i % 3 + dc) for m, (dr, dc) in MOVES.items()
     if 0 <= i // 3 + dr < 3 and 0 <= i % 3 + dc < 3]
    for i in range(9)
]

# _STEPS[blank][last] = the blank moves allowed from `blank` after move `last` (index into
# _MOVE_ORDER, 4 = none yet), never undoing the last one: (letter, index, cell swapped with).
_MOVE_ORDER = "UDLR"
_STEPS = [
    [tuple((m, _MOVE_ORDER.index(m), other) for m, other in _NEIGHBOURS[blank]
           if last == 4 or m != _INVERSE[_MOVE_ORDER[last]])
     for last in range(5)]
    for blank in range(9)
]
_CELL_TEXT = "_12345678"
_BOARD = "  {} {} {}\n  {} {} {}\n  {} {} {}"
_MOVE_TEXT = [[f"{_PEGS[a]}->{_PEGS[b]}" for b in range(3)] for a in range(3)]


@lru_cache(maxsize=8192)  # 3**disks positions x 3 targets: 729 at 5 disks, 6,561 at 7
def _hanoi_text(position: tuple[int, ...], target: int) -> tuple[int, str, str]:
    """(optimal move count, optimal move list, peg layout) for a position, computed once per position."""
    n = len(position)
    plan = hanoi_plan(list(position), target)
    pegs = [[d + 1 for d in range(n - 1, -1, -1) if position[d] == p] for p in range(3)]
    layout = "\n".join(f"  peg {_PEGS[p]}: " + (" ".join(map(str, pegs[p])) if pegs[p] else "(empty)")
                       for p in range(3))
    return len(plan), ", ".join([_MOVE_TEXT[a][b] for a, b in plan]), layout


@register
class HanoiSliding(CachedConfig, Task):
    """Replayed planning puzzles: Tower of Hanoi (optimal length) and the 8-puzzle (move limit)."""

    name = "hanoi_sliding"
    description = "Tower of Hanoi (optimal move list) or 8-puzzle (solve within a move limit), checked by replay."
    answer_format = "Hanoi: moves like A->C, A->B; 8-puzzle: blank moves as letters U, D, L, R"
    category = "planning"
    Config = Config

    def config_for(self, difficulty: int) -> Config:
        # Hanoi always starts from a random legal position: from one full peg, the first levels
        # had 6 distinct Hanoi prompts each, few enough to memorise.
        return Config(disks=lerp(difficulty, 2, 7), random_start=True, scramble=lerp(difficulty, 3, 40))

    def make(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        if rng.random() < 0.5:
            return self._hanoi(rng, config)
        return self._sliding(rng, config)

    def _hanoi(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        n = config.disks
        draw = rng.random  # int(random() * n) draws: see _kit.fast_sample
        target = int(draw() * 3)
        while True:
            if config.random_start:
                position = tuple([int(draw() * 3) for _ in range(n)])
            else:
                position = ((target + 1 + int(draw() * 2)) % 3,) * n
            optimal, answer, layout = _hanoi_text(position, target)
            if optimal:
                break
        prompt = (
            f"Tower of Hanoi with {n} disks (1 is the smallest). Each peg is listed from bottom to top:\n{layout}\n\n"
            f"Move all disks onto peg {_PEGS[target]}. Move one top disk at a time and never put a larger disk on "
            f"a smaller one. Use the fewest possible moves: only an optimal move list is accepted (any optimal "
            "one).\nGive the moves separated by commas, e.g. <answer>A->B, C->A</answer> (a format example "
            "only).\n" + ANSWER_INSTRUCTION
        )
        metadata = {"puzzle": "hanoi", "position": list(position), "target": target, "optimal": optimal,
                    "effort": optimal}
        return prompt, answer, metadata

    def _sliding(self, rng: random.Random, config: Config) -> tuple[str, str, dict[str, Any]]:
        draw = rng.random  # int(random() * n) draws: see _kit.fast_sample
        goal = list(_GOAL)
        rng.shuffle(goal)
        goal_code = sum(v << 4 * i for i, v in enumerate(goal))
        while True:
            # A board is packed 4 bits per cell (cell i at bits 4i..4i+3) so a move is two shifts
            # and the visited-state lookups hash one int.
            board, blank = goal_code, goal.index(0)
            # The scramble with its loops erased as it goes: states[i] is reached from the goal by
            # moves[:i], and returning to a visited state cuts the walk back to it.
            states = [board]
            index = {board: 0}
            moves: list[str] = []
            last = 4
            for _ in range(config.scramble):
                options = _STEPS[blank][last]
                move, last, other = options[int(draw() * len(options))]
                tile = board >> 4 * other & 15
                board += (tile << 4 * blank) - (tile << 4 * other)
                blank = other
                seen_at = index.get(board)
                if seen_at is None:
                    index[board] = len(states)
                    states.append(board)
                    moves.append(move)
                else:
                    for dropped in states[seen_at + 1:]:
                        del index[dropped]
                    del states[seen_at + 1:]
                    del moves[seen_at:]
            if moves:
                break
        start = tuple([board >> 4 * i & 15 for i in range(9)])
        plan = [_INVERSE[m] for m in reversed(moves)]
        rows = _BOARD.format(*[_CELL_TEXT[v] for v in start])
        goal_rows = _BOARD.format(*[_CELL_TEXT[v] for v in goal])
        prompt = (
            f"Sliding puzzle. '_' is the blank. Start:\n{rows}\nGoal:\n{goal_rows}\n\n"
            "A move slides the blank one step up (U), down (D), left (L) or right (R), swapping it with that tile. "
            f"Reach the goal in at most {len(plan)} moves (any such move list is accepted).\n"
            "Give the moves as one string of letters, e.g. <answer>ULDR</answer> (a format example only).\n"
            + ANSWER_INSTRUCTION
        )
        metadata = {"puzzle": "sliding", "start": list(start), "goal": goal, "limit": len(plan), "effort": len(plan)}
        return prompt, "".join(plan), metadata

    def check(self, problem: Problem, response: str) -> Verdict:
        text, failed = take_answer(response)
        if failed is not None:
            return failed
        meta = problem.metadata
        if meta["puzzle"] == "hanoi":
            return self._check_hanoi(text, meta)
        return self._check_sliding(text, meta)

    @staticmethod
    def _check_hanoi(text: str, meta: dict[str, Any]) -> Verdict:
        if not _HANOI_LIST.fullmatch(text.strip().rstrip(".")):
            return invalid(text, "expected moves like A->C, separated by commas")
        moves = [(_PEGS.index(a.upper()), _PEGS.index(b.upper())) for a, b in _HANOI_MOVE.findall(text)]
        if any(a == b for a, b in moves):
            return violation(text, "a move must go to a different peg")
        final, broken = replay_hanoi(meta["position"], moves)
        if broken:
            return violation(text, broken)
        if any(peg != meta["target"] for peg in final):
            return violation(text, f"not every disk ends on peg {_PEGS[meta['target']]}")
        if len(moves) != meta["optimal"]:
            return violation(text, f"{len(moves)} moves; the optimum is {meta['optimal']}")
        return valid(text)

    @staticmethod
    def _check_sliding(text: str, meta: dict[str, Any]) -> Verdict:
        moves = parse_moves(text)
        if moves is None:
            return invalid(text, "expected blank moves as letters U, D, L, R")
        if len(moves) > meta["limit"]:
            return violation(text, f"{len(moves)} moves; at most {meta['limit']} are allowed")
        board = tuple(meta["start"])
        for step, move in enumerate(moves, 1):
            board = _slide(board, move)
            if board is None:
                return violation(text, f"move {step} pushes the blank off the board")
        # Problems made before goals were drawn at random have no "goal": theirs was 1..8.
        if board != tuple(meta.get("goal", _GOAL)):
            return violation(text, "the moves do not reach the goal")
        return valid(text)

    def corrupt(self, problem: Problem, rng: random.Random) -> str:
        """The gold move list without its last move: legal, but it stops one move short of the goal."""
        if problem.metadata["puzzle"] == "hanoi":
            return problem.answer.rsplit(", ", 1)[0] if ", " in problem.answer else "A->B, B->A"
        return problem.answer[:-1] if len(problem.answer) > 1 else problem.answer * 2
