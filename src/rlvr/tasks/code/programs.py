"""Procedurally generated small functions whose reading effort is set by knobs.

`build` writes a function `f(xs: list[int], k: int)` that keeps a running total `acc`, a
counter `cnt` and a list `out`, with exactly `statements` simple statements, a loop nest
`loop_depth` deep (the outer loop walks `xs`, inner loops run `range(outer % 4 + 1)`, so the
work stays small) and `branches` if/elif/else blocks, and returns one or two of its
variables. The text is built from templates and parsed back with `ast` as a guard; it is
rlvr's own code, run in-process at generation time under `bounded.run_bounded`.
"""

from __future__ import annotations

import ast
import random
from dataclasses import dataclass, field

from rlvr.tasks.base import TaskError

NAME = "f"
_LOOP_VARS = ("x", "j", "m")  # level 0 may use i (an index) instead of x


@dataclass
class _Block:
    """A loop (header set) or the function body (header None) with its statements in order."""

    header: str | None
    var: str | None
    items: list[object] = field(default_factory=list)


def _atom(rng: random.Random, scope: list[str]) -> str:
    choices = [f"{rng.randint(1, 9)}", "k"] + scope * 3
    return rng.choice(choices)


def _expression(rng: random.Random, scope: list[str]) -> str:
    atom = _atom(rng, scope)
    form = rng.randrange(4)
    if form == 0 or atom.isdigit():
        return atom
    if form == 1:
        return f"{atom} * {rng.randint(2, 3)}"
    if form == 2:
        return f"{atom} + {rng.randint(1, 5)}"
    return f"{atom} % {rng.randint(2, 5)}"


def _simple(rng: random.Random, scope: list[str]) -> str:
    kind = rng.randrange(7)
    if kind == 0:
        return f"acc += {_expression(rng, scope)}"
    if kind == 1:
        return f"acc -= {_expression(rng, scope)}"
    if kind == 2:
        return "cnt += 1"
    if kind == 3:
        return f"out.append({_expression(rng, scope)})"
    if kind == 4:
        return f"acc = acc % {rng.randint(7, 40)}"
    if kind == 5:
        return f"acc = max(acc, {_expression(rng, scope)})"
    return f"cnt += {rng.choice(scope) if scope else 'k'} % 2"


def _condition(rng: random.Random, scope: list[str]) -> str:
    subject = rng.choice(scope + ["acc", "cnt"]) if scope else rng.choice(["acc", "cnt", "k"])
    kind = rng.randrange(4)
    if kind == 0:
        return f"{subject} % {rng.randint(2, 4)} == {rng.randint(0, 1)}"
    if kind == 1:
        return f"{subject} > {rng.choice(['k', str(rng.randint(2, 12))])}"
    if kind == 2:
        return f"{subject} < {rng.randint(3, 15)}"
    return f"len(out) < {rng.randint(2, 6)}"


def build(rng: random.Random, statements: int, loop_depth: int, branches: int) -> str:
    """The source of a function with these knobs (see the module docstring)."""
    if not 1 <= statements <= 40 or not 0 <= loop_depth <= 3 or not 0 <= branches <= statements:
        raise TaskError("code programs need statements 1..40, loop_depth 0..3 and branches <= statements")
    root = _Block(None, None)
    chain = [root]
    for level in range(loop_depth):
        var = _LOOP_VARS[level]
        if level == 0:
            header = "for x in xs:" if rng.random() < 0.6 else "for i in range(len(xs)):"
            var = "x" if header.startswith("for x") else "i"
        else:
            header = f"for {var} in range({chain[-1].var} % 4 + 1):"
        loop = _Block(header, var)
        chain[-1].items.append(loop)
        chain.append(loop)
    # Every loop gets at least one statement; the rest land anywhere on the chain.
    slots = chain[1:] if loop_depth else [root]
    homes = list(slots) + [rng.choice(chain) for _ in range(statements - len(slots))]
    simple_at: list[tuple[_Block, int]] = []
    for block in homes[:statements]:
        scope = [b.var for b in chain[1:chain.index(block) + 1] if b.var]
        if "i" in scope:
            scope = scope + ["xs[i]"]
        line = _simple(rng, scope)
        position = rng.randint(0, len(block.items))
        block.items.insert(position, (line, scope))
    # Wrap `branches` simple statements in if/else (or if/elif/else) blocks.
    flat = [(block, item) for block in chain for item in block.items if isinstance(item, tuple)]
    for block, item in rng.sample(flat, min(branches, len(flat))):
        line, scope = item
        condition = _condition(rng, scope)
        alternative = _simple(rng, scope)
        if rng.random() < 0.3:
            wrapped = ("if", [(condition, line), (_condition(rng, scope), alternative)], _simple(rng, scope))
        else:
            wrapped = ("if", [(condition, line)], alternative)
        block.items[block.items.index(item)] = wrapped
    body = ["acc = 0" if rng.random() < 0.5 else "acc = k", "cnt = 0", "out = []"]
    body += _render(root.items, 0)
    text = "\n".join(body[3:])
    # Only variables the body changes are worth returning (an untouched `out` is always []).
    changed = {"acc": ("acc +=", "acc -=", "acc = "), "cnt": ("cnt +=",), "out": ("out.append",)}
    used = [name for name, marks in changed.items() if any(mark in text for mark in marks)] or ["acc"]
    # One changed variable, or two of them as a tuple.
    returned = rng.choice(used + [f"({a}, {b})" for n, a in enumerate(used) for b in used[n + 1:]])
    lines = [f"def {NAME}(xs: list[int], k: int):"] + ["    " + line for line in body] + [f"    return {returned}"]
    source = "\n".join(lines) + "\n"
    ast.parse(source)  # a template bug would show here, not in a prompt
    return source


def _render(items: list[object], indent: int) -> list[str]:
    pad = "    " * indent
    out: list[str] = []
    for item in items:
        if isinstance(item, _Block):
            out.append(pad + str(item.header))
            out += _render(item.items, indent + 1)
        elif isinstance(item, tuple) and item and item[0] == "if":
            _, arms, otherwise = item
            for n, (condition, line) in enumerate(arms):
                out.append(pad + ("if " if n == 0 else "elif ") + condition + ":")
                out.append(pad + "    " + line)
            out.append(pad + "else:")
            out.append(pad + "    " + otherwise)
        else:
            out.append(pad + item[0])  # type: ignore[index]
    return out


def arguments(rng: random.Random, data_size: int) -> tuple[list[int], int]:
    """Arguments for a generated function: `data_size` small integers and a threshold k."""
    return [rng.randint(0, 12) for _ in range(data_size)], rng.randint(1, 9)


def compile_program(source: str):  # noqa: ANN201 - returns the generated function
    """The function defined by `source` (rlvr's own generated code, never model output)."""
    namespace: dict[str, object] = {"__name__": "rlvr_generated"}
    exec(compile(source, "<generated>", "exec"), namespace)  # noqa: S102 - generated by rlvr from templates
    return namespace[NAME]
