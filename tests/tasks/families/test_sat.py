from __future__ import annotations

from rlvr.tasks import get
from rlvr.tasks.families.sat import format_assignment, satisfied, solve
from rlvr.verify.verdict import Reason

TASK = get("sat")


def parse(answer: str) -> dict[int, bool]:
    return {int(t.split("=")[0][1:]): t.endswith("1") for t in answer.split(", ")}


def test_gold_satisfies_every_clause() -> None:
    for difficulty in range(1, 11):
        for problem in TASK.generate(10, difficulty=difficulty):
            assert satisfied(problem.metadata["clauses"], parse(problem.answer)) is None


def test_a_different_satisfying_assignment_is_accepted() -> None:
    found = 0
    for problem in TASK.generate(30, difficulty=4):
        gold = parse(problem.answer)
        blocked = [-v if value else v for v, value in gold.items()]  # forbids exactly the gold
        other, _ = solve(problem.metadata["clauses"] + [blocked], problem.metadata["variables"])
        if other is None:
            continue
        assert other != gold
        verdict = TASK.check(problem, f"<answer>{format_assignment(other)}</answer>")
        assert verdict.correct and verdict.reason == Reason.VALID_SOLUTION
        found += 1
    assert found >= 5


def test_solver_agrees_with_satisfied() -> None:
    clauses = [[1, 2], [-1, 2], [1, -2], [-1, -2]]
    assert solve(clauses, 2)[0] is None
    model, nodes = solve([[1, 2], [-1, 2]], 2)
    assert model is not None and satisfied([[1, 2], [-1, 2]], model) is None and nodes >= 1


def test_rule_violations_and_malformed() -> None:
    problem = TASK.problem(0, difficulty=5)
    values = parse(problem.answer)
    clause = problem.metadata["clauses"][0]
    for lit in clause:
        values[abs(lit)] = lit < 0
    verdict = TASK.check(problem, f"<answer>{format_assignment(values)}</answer>")
    assert verdict.reason == Reason.RULE_VIOLATION and "clause" in verdict.detail
    partial = ", ".join(problem.answer.split(", ")[:-1])
    assert TASK.check(problem, f"<answer>{partial}</answer>").reason == Reason.RULE_VIOLATION
    assert TASK.check(problem, f"<answer>{problem.answer}, x1=0, x1=1</answer>").reason == Reason.RULE_VIOLATION
    assert TASK.check(problem, f"<answer>{problem.answer}, x99=1</answer>").reason == Reason.RULE_VIOLATION
    assert TASK.check(problem, "<answer>all true</answer>").reason == Reason.INVALID_FORMAT
    spaced = problem.answer.replace("=1", " = true").replace("=0", " = false")
    assert TASK.check(problem, f"<answer>{spaced.replace(' = ', '=')}</answer>").correct


def test_difficulty_grows() -> None:
    effort = lambda d: sum(p.metadata["effort"] for p in TASK.generate(30, difficulty=d)) / 30  # noqa: E731
    assert effort(9) > effort(2)
