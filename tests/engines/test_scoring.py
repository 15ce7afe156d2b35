"""Row checking, group recovery and the shared pipeline."""

from __future__ import annotations

import numpy as np
import pytest
from engine_helpers import problems

from rlvr import rewards
from rlvr.engines import RewardPipeline, build_method, consecutive_groups, row_checker, uid_groups
from rlvr.engines.scoring import CHECKER_ERROR
from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.tasks import get as get_task
from rlvr.tasks.rows import problem_to_json


def test_problem_rows_are_checked_by_their_task():
    for task in ("sudoku", "countdown", "arithmetic"):
        problem = problems(task, 1)[0]
        checker = row_checker(problem_json=problem_to_json(problem), task=task)
        assert checker.check(f"<answer>{problem.answer}</answer>").correct
        assert not checker.check("no idea").correct
        assert checker.key == problem.id


def test_gold_rows_use_the_math_verifier():
    verify = pytest.importorskip("rlvr.verify")
    if not hasattr(verify, "check"):
        pytest.fail("rlvr.verify.check is missing")
    checker = row_checker(gold="\\frac{1}{2}")
    assert checker.check("so the answer is \\boxed{0.5}").correct
    assert not checker.check("\\boxed{3}").correct
    assert row_checker(gold=42).check("\\boxed{42}").correct


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"gold": None}, "neither problem_json nor a gold"),
        ({"gold": "   "}, "neither problem_json nor a gold"),
        ({"problem_json": "{not json"}, "problem_json"),
        ({"problem_json": '{"id": "x", "task": "no_such_task", "prompt": "p", "answer": "a"}'}, "no_such_task"),
        ({"problem_json": "[1, 2]"}, "problem_json"),
        ({"gold": ["a list"]}, "gold answer must be text"),
        ({"gold": True}, "gold answer must be text"),
    ],
)
def test_bad_rows_raise(row, message):
    with pytest.raises(RewardError, match=message):
        row_checker(**row)


def test_task_column_must_agree_with_the_problem():
    problem = problems("arithmetic", 1)[0]
    with pytest.raises(RewardError, match="sudoku"):
        row_checker(problem_json=problem_to_json(problem), task="sudoku")


def test_bad_timeout_raises():
    # the verifier's rule: an infinite timeout passed a `> 0` test here, then every check refused
    # it and each response scored 0 as a checker error
    for timeout in (0, -1, float("inf"), float("nan"), True, "2"):
        with pytest.raises(RewardError, match="timeout"):
            row_checker(gold="1", timeout=timeout)


def test_a_response_that_breaks_the_checker_scores_zero(monkeypatch, caplog):
    problem = problems("arithmetic", 1)[0]
    checker = row_checker(problem_json=problem_to_json(problem))

    def broken(self, problem, response):
        raise RecursionError("deep")

    monkeypatch.setattr(type(get_task("arithmetic")), "check", broken)
    verdict = checker.check("<answer>1</answer>")
    assert not verdict.correct and verdict.score == 0.0 and verdict.reason == CHECKER_ERROR
    assert "RecursionError" in verdict.detail
    assert not checker.check(None).correct  # not text at all


def test_consecutive_groups():
    assert consecutive_groups(["a", "a", "b", "b"], 2).tolist() == [0, 0, 1, 1]
    assert consecutive_groups(["a", "a", "a", "b"], None).tolist() == [0, 0, 0, 1]
    chat = [[{"role": "user", "content": "q"}]] * 3
    assert consecutive_groups(chat, 3).tolist() == [0, 0, 0]
    # The same prompt twice in a row (duplicate dataset rows) still splits by G.
    assert consecutive_groups(["a"] * 4, 2).tolist() == [0, 0, 1, 1]
    with pytest.raises(RewardError, match="not a multiple"):
        consecutive_groups(["a", "a", "b"], 2)
    with pytest.raises(RewardError, match="should share one prompt"):
        consecutive_groups(["a", "b", "b", "b"], 2)
    with pytest.raises(RewardError, match="positive integer"):
        consecutive_groups(["a"], 0)


def test_uid_groups():
    assert uid_groups(["x", "y", "x", "z"]).tolist() == [0, 1, 0, 2]
    with pytest.raises(RewardError, match="uid"):
        uid_groups(["x", None])


def test_build_method_forms():
    assert build_method("laser_d").name == "laser_d"
    assert build_method("laser_d", params={"laser_d": {"alpha": 0.25}}).config.alpha == 0.25
    combined = build_method("laser_d:1,format:0.5")
    assert combined.weights == {"laser_d": 1.0, "format": 0.5}
    assert build_method([("laser_d", 2.0)]).weights == {"laser_d": 2.0}
    assert build_method({"correct": 1.0, "format": 0.1}).weights == {"correct": 1.0, "format": 0.1}
    assert set(build_method("laser_d+format").weights) == {"laser_d", "format"}
    method = rewards.get("correct")
    assert build_method(method) is method
    with pytest.raises(RewardError, match="unknown reward"):
        build_method("nope")
    with pytest.raises(RewardError, match="not among"):
        build_method("laser_d", params={"l1_max": {}})
    with pytest.raises(RewardError, match="bad weight"):
        build_method("laser_d:heavy")
    with pytest.raises(RewardError):
        build_method("laser_d", params={"laser_d": {"no_such_knob": 1}})


class CountingMethod(RewardMethod):
    """Test-only: remembers the steps it was told about."""

    name = "counting"
    Config = dict
    stateful = True

    def __init__(self) -> None:
        self.config = {}
        self.steps: list[int] = []

    def on_step(self, step: int) -> None:
        self.steps.append(step)

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        return Scores(total=batch.correct + step, components={"correct": batch.correct})


def test_pipeline_advances_once_per_step_and_needs_lengths():
    method = CountingMethod()
    pipeline = RewardPipeline(method)
    assert pipeline.stateful and pipeline.needs_lengths and not pipeline.needs_group
    problem = problems("arithmetic", 1)[0]
    checker = row_checker(problem_json=problem_to_json(problem))
    for step in (0, 0, 1, 1, 3):
        scored = pipeline.score([f"<answer>{problem.answer}</answer>"], [checker], [5], [0], step=step)
    assert method.steps == [0, 1, 3]
    assert scored.total.tolist() == [4.0]
    with pytest.raises(RewardError, match="lengths in tokens"):
        pipeline.score(["x"], [checker], None, [0])
    assert RewardPipeline("correct").score(["x"], [checker], None, [0]).batch.length.tolist() == [0]


def test_scored_batch_logging_fields():
    pipeline = RewardPipeline("laser_d")
    problem = problems("arithmetic", 1)[0]
    checker = row_checker(problem_json=problem_to_json(problem))
    scored = pipeline.score([f"<answer>{problem.answer}</answer>", "none"], [checker] * 2, [10, 20], [0, 0])
    means = scored.means()
    assert means["accuracy"] == 0.5 and means["length_tokens"] == 15.0
    assert means["reward"] == pytest.approx(float(np.mean(scored.total)))
    row = scored.per_sample(0)
    assert row["acc"] == 1.0 and row["tokens"] == 10.0 and row["score"] == scored.total[0]
    assert "component/correct" not in row and "correct" in row


def test_concat_batches_keeps_groups_apart():
    from rlvr.engines.pipeline import concat_batches

    a = RolloutBatch(correct=[1, 0], length=[3, 4], group=[7, 7], texts=["a", "b"], prompt_ids=["p"])
    b = RolloutBatch(correct=[1, 1, 0], length=[5, 6, 7], group=[0, 1, 1], texts=["c", "d", "e"], prompt_ids=["q", "r"])
    joined = concat_batches([a, b])
    assert joined.group.tolist() == [0, 0, 1, 2, 2]
    assert joined.length.tolist() == [3, 4, 5, 6, 7] and joined.texts == ["a", "b", "c", "d", "e"]
    assert joined.prompt_ids == ["p", "q", "r"] and joined.token_ids is None


def test_params_must_be_per_method_dicts():
    with pytest.raises(RewardError, match="params must map"):
        build_method("laser_d", params={"alpha": 0.5})


def test_the_first_row_of_a_run_starts_the_verifier_before_any_check_is_timed() -> None:
    # In a fresh process the symbolic workers are not running yet; the first check that needs
    # them must not spend its budget on their start (sympy's import alone is ~0.5-1 s).
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        r"""
        from rlvr.engines import row_checker
        verdict = row_checker(gold="1", timeout=0.75).check(r"\boxed{\sin^2(x)+\cos^2(x)}")
        print(verdict.correct, verdict.reason)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["True", "equal-symbolic"], result.stdout + result.stderr


def test_a_problem_whose_task_is_not_a_name_is_a_row_error() -> None:
    # the task is looked up by name; a list there was a TypeError, not a RewardError naming the row
    row = '{"task": [1], "id": "x", "prompt": "p", "answer": "a", "difficulty": 1, "metadata": {}}'
    with pytest.raises(RewardError, match="bad problem_json"):
        row_checker(problem_json=row)


def test_puzzle_rows_start_no_symbolic_workers_and_math_rows_do() -> None:
    import subprocess
    import sys
    import textwrap

    script = textwrap.dedent(
        """
        from rlvr import tasks
        from rlvr.engines import row_checker
        from rlvr.tasks.rows import problem_to_json
        from rlvr.verify import pipeline
        puzzle = next(tasks.get("sudoku").generate(1, seed=0, difficulty=1))
        row_checker(problem_json=problem_to_json(puzzle))
        after_puzzle = pipeline._warmed_pid
        row_checker(gold="1")
        print(after_puzzle == 0, pipeline._warmed_pid != 0)
        """
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.stdout.split() == ["True", "True"], result.stdout + result.stderr
