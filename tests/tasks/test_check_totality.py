"""Every response gets a verdict: `task.check` never raises, whatever the model wrote.

The fuzz writes hostile text where a family expects its answer: Unicode digits that
`str.isdigit` accepts but `int` rejects (superscripts, circled, fullwidth, other scripts),
huge numbers, NUL, deep nesting, very long strings, lone tags. Plus regressions for the
lenient readings found by the audit (separated digit groups, numbers in the wrong grid cell,
answers early in a long response).
"""

from __future__ import annotations

import random
from functools import lru_cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rlvr.tasks import Problem, get, names
from rlvr.tasks.families._kit import parse_int
from rlvr.verify.verdict import Reason, Verdict

FAMILIES = names()
# Digits that str.isdigit() (or int()) accepts outside ASCII, and other number-like symbols.
ODD_DIGITS = ["²", "³", "⁹", "①", "⑳", "１", "９", "٣", "۷", "३", "𝟙", "Ⅻ", "¼", "₂", "᠐"]
HOSTILE = ODD_DIGITS + [
    "\x00", "\ud83d", "9" * 5000, "-" + "9" * 400, "1e999999", "nan", "inf", "-0", "+-1",
    "[" * 3000, "(" * 3000 + ")" * 3000, "{" * 2000, "<answer>", "</answer>", "</think>", "\\boxed{",
    "", " ", "\n" * 50, "A" * 30_000, "é漢字🙂", "\u202e", "\ufeff", "x=", "=", ":", "->", ",,,",
]
SEPARATORS = list(" ,\n|=:;-") + ["->", ", "]


@lru_cache(maxsize=None)
def sample(name: str) -> tuple[Problem, ...]:
    task = get(name)
    return tuple(p for d in (1, 4) for p in task.generate(2, seed=11, difficulty=d))


def hostile_answer(rng: random.Random, gold: str) -> str:
    """One hostile answer: the gold with odd digits or junk spliced in, or pure junk."""
    kind = rng.randrange(7)
    if kind == 0 and gold:
        chars = list(gold)
        for _ in range(rng.randint(1, 3)):
            chars[rng.randrange(len(chars))] = rng.choice(ODD_DIGITS)
        return "".join(chars)
    if kind == 1:
        digit = rng.choice("0123456789")
        return gold.replace(digit, rng.choice(ODD_DIGITS))
    if kind == 2:
        return rng.choice(HOSTILE)
    if kind == 3:
        return "".join(rng.choice(HOSTILE[:20] + SEPARATORS + list("0123456789")) for _ in range(rng.randint(1, 80)))
    if kind == 4:
        return gold + rng.choice(HOSTILE)
    if kind == 5:
        return rng.choice(ODD_DIGITS).join(gold.split())
    return gold[: rng.randrange(len(gold) + 1)] + rng.choice(HOSTILE) + gold[rng.randrange(len(gold) + 1):]


def wrappings(answer: str) -> list[str]:
    return [f"<answer>{answer}</answer>", f"<think>x</think>\\boxed{{{answer}}}", answer,
            f"<answer>\n```\n{answer}\n```\n</answer>"]


@pytest.mark.parametrize("name", FAMILIES)
def test_hostile_responses_get_a_verdict(name: str) -> None:
    task = get(name)
    rng = random.Random(f"totality-{name}")
    for problem in sample(name):
        for _ in range(40):
            answer = hostile_answer(rng, problem.answer)
            for response in wrappings(answer):
                try:
                    verdict = task.check(problem, response)
                except Exception as error:  # the property under test: nothing escapes
                    pytest.fail(f"{problem.id}: check raised {error!r} on {response[:120]!r}")
                assert isinstance(verdict, Verdict), f"{problem.id}: {verdict!r}"


@pytest.mark.parametrize("name", FAMILIES)
def test_odd_digits_in_place_of_gold_digits_are_not_accepted(name: str) -> None:
    """Each ASCII digit of the gold swapped for a look-alike: a verdict, and never correct."""
    task = get(name)
    for problem in sample(name):
        digits = [ch for ch in problem.answer if ch in "0123456789"]
        if not digits:
            continue
        for odd, plain in (("²", "2"), ("①", "1"), ("１", "1"), ("٣", "3"), ("⁹", "9"), ("３", "3")):
            if plain not in problem.answer:
                continue
            answer = problem.answer.replace(plain, odd, 1)
            verdict = task.check(problem, f"<answer>{answer}</answer>")
            assert isinstance(verdict, Verdict)
            # Math datasets go through rlvr.verify, which may read fullwidth forms as the same
            # number (NFKC); the puzzles read ASCII digits only. A program's first digit may sit in
            # a docstring or comment, where changing it leaves a right program right (humaneval).
            if task.category != "math" and name != "humaneval":
                assert not verdict.correct, f"{problem.id}: {answer!r} accepted"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(FAMILIES), text=st.text(max_size=200), where=st.integers(0, 3))
def test_arbitrary_text_gets_a_verdict(name: str, text: str, where: int) -> None:
    problem = sample(name)[0]
    verdict = get(name).check(problem, wrappings(text)[where])
    assert isinstance(verdict, Verdict)


# Regressions ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["sudoku", "futoshiki", "kenken", "skyscrapers", "hidato", "magic_square",
                                  "arrow_maze"])
@pytest.mark.parametrize("odd", ["²", "①", "１", "٣"])
def test_odd_digit_in_a_grid_cell_is_invalid_format(name: str, odd: str) -> None:
    task = get(name)
    problem = task.problem(0, seed=3, difficulty=2)
    rows = [row.split() for row in problem.answer.splitlines()]
    rows[0][0] = odd
    verdict = task.check(problem, "<answer>" + "\n".join(" ".join(r) for r in rows) + "</answer>")
    assert verdict.reason == Reason.INVALID_FORMAT and "whole number" in verdict.detail


@pytest.mark.parametrize("text,value", [("13", 13), ("1,300", 1300), ("-12,345", -12345), (" 7.", 7),
                                        ("\\boxed{42}", 42), ("+5", 5)])
def test_parse_int_reads_plain_and_grouped_integers(text: str, value: int) -> None:
    assert parse_int(text) == value


@pytest.mark.parametrize("text", ["1 3", "1,3", "1, 3", "1,30", "12,34", "1 300", "²", "١٣", "1,3000", ""])
def test_parse_int_does_not_join_separated_digits(text: str) -> None:
    assert parse_int(text) is None


@pytest.mark.parametrize("name", ["word_problems", "operator_redefinition", "buggy_table_qa", "property_tracking",
                                  "spatial_relations", "arithmetic", "dyck_error", "sort_trace_error"])
def test_separated_digits_are_not_the_joined_number(name: str) -> None:
    task = get(name)
    tried = 0
    for difficulty in (1, 3, 5, 8, 10):
        for problem in task.generate(6, seed=5, difficulty=difficulty):
            gold = problem.answer.lstrip("-")
            if not gold.isdigit() or len(gold) < 2:
                continue
            tried += 1
            assert task.check(problem, f"<answer>{problem.answer}</answer>").correct
            head, tail = problem.answer[:-1], problem.answer[-1]
            for sep in (" ", ",", ", "):
                verdict = task.check(problem, f"<answer>{head}{sep}{tail}</answer>")
                assert not verdict.correct, f"{problem.id}: {head}{sep}{tail!r} accepted for {problem.answer}"
    if name in ("word_problems", "arithmetic", "buggy_table_qa"):
        assert tried, f"{name}: no multi-digit gold sampled"


def _nurikabe_with_island_beyond_its_clue() -> tuple[Problem, int, int]:
    task = get("nurikabe")
    for index in range(50):
        problem = task.problem(index, seed=2, difficulty=3)
        clues = {(r, c): size for r, c, size in problem.metadata["clues"]}
        rows = [row.split() for row in problem.answer.splitlines()]
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                if cell == "." and (r, c) not in clues:
                    return problem, r, c
    raise AssertionError("no nurikabe island of size > 1 in 50 items")


def test_nurikabe_number_only_in_its_own_clue_cell() -> None:
    task = get("nurikabe")
    problem, r, c = _nurikabe_with_island_beyond_its_clue()
    rows = [row.split() for row in problem.answer.splitlines()]
    assert task.check(problem, "<answer>" + problem.answer + "</answer>").correct
    for number in ("1", "5", "9"):
        changed = [list(row) for row in rows]
        changed[r][c] = number
        verdict = task.check(problem, "<answer>" + "\n".join(" ".join(x) for x in changed) + "</answer>")
        assert verdict.reason == Reason.INVALID_FORMAT, (number, verdict)
    cr, cc, size = problem.metadata["clues"][0]
    changed = [list(row) for row in rows]
    changed[cr][cc] = str(size % 9 + 1)  # a clue cell written as another number
    assert task.check(problem, "<answer>" + "\n".join(" ".join(x) for x in changed) + "</answer>").reason == \
        Reason.INVALID_FORMAT
    changed[cr][cc] = "."  # or as a plain island cell: still right
    assert task.check(problem, "<answer>" + "\n".join(" ".join(x) for x in changed) + "</answer>").correct


def test_minesweeper_and_light_up_numbers_only_where_shown() -> None:
    for name in ("minesweeper", "light_up"):
        task = get(name)
        problem = task.problem(1, seed=4, difficulty=3)
        board = problem.metadata["board"]
        rows = [row.split() for row in problem.answer.splitlines()]
        plain = [(r, c) for r, row in enumerate(board) for c, cell in enumerate(row) if cell in "?."]
        r, c = plain[0]
        changed = [list(row) for row in rows]
        changed[r][c] = "0" if name == "light_up" else "1"
        verdict = task.check(problem, "<answer>" + "\n".join(" ".join(x) for x in changed) + "</answer>")
        assert verdict.reason == Reason.INVALID_FORMAT, (name, verdict)


@pytest.mark.parametrize("name", ["object_swaps", "sudoku", "arithmetic", "countdown", "math500"])
def test_answer_early_in_a_long_response_is_read(name: str) -> None:
    """No length cut: an answer followed by 1 MB of text (without tags) is still the answer."""
    task = get(name)
    problem = task.problem(0, seed=0, difficulty=2)
    tail = "\nmore words after the answer" * 40_000
    assert len(tail) > 1_000_000
    verdict = task.check(problem, f"<think>{'x' * 300_000}</think><answer>{problem.answer}</answer>{tail}")
    assert verdict.correct, verdict


def test_tasks_check_command_gives_every_odd_digit_line_a_verdict(tmp_path) -> None:
    """The audit's symptom: one '²' in a grid stopped `rlvr tasks check` with exit code 1."""
    import json

    from typer.testing import CliRunner

    from rlvr.cli import app

    lines = []
    for name in ("sudoku", "futoshiki", "kenken", "skyscrapers", "hidato", "magic_square", "arrow_maze"):
        problem = get(name).problem(0, seed=1, difficulty=2)
        for odd in ("²", "①"):
            lines.append({"problem": problem.to_dict(), "response": f"<answer>{odd}{problem.answer[1:]}</answer>"})
    path = tmp_path / "responses.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["tasks", "check", str(path)])
    assert result.exit_code == 0, result.output
    verdicts = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert len(verdicts) == len(lines)
    assert all(v["reason"] == Reason.INVALID_FORMAT for v in verdicts), verdicts
