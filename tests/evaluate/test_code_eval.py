"""`rlvr eval`'s runner on code tasks: pass@k and accuracy from sandboxed HumanEval checks and CodeI/O checks."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from rlvr.evaluate.runner import evaluate_problems, heldout_problems
from rlvr.evaluate.sampling import Completion, SamplingParams
from rlvr.tasks import get


class ScriptedSampler:
    def __init__(self, script) -> None:
        self.script = script

    def sample(self, prompts: Sequence, n: int, params: SamplingParams, progress=None) -> list[list[Completion]]:
        return [[self.script(i, j) for j in range(n)] for i in range(len(prompts))]


def test_pass_at_k_on_humaneval_and_code_output() -> None:
    problems = heldout_problems(["humaneval", "code_output"], n=2, difficulties=[1])
    assert [p.task for p in problems] == ["humaneval"] * 2 + ["code_output"] * 2

    def script(i: int, j: int) -> Completion:
        problem = problems[i]
        right = j == 0 if i % 2 == 0 else False  # problems 0 and 2: one of 3 samples right; 1 and 3: none
        if problem.task == "humaneval":
            code = problem.answer if right else get("humaneval").corrupt(problem, None)  # type: ignore[arg-type]
            return Completion(f"```python\n{code}```", tokens=20, truncated=False)
        value = problem.answer if right else "'not it'"
        return Completion(f"<answer>{value}</answer>", tokens=5, truncated=False)

    result = evaluate_problems(ScriptedSampler(script), problems, 3, SamplingParams(max_tokens=64))
    groups = {g.task: g for g in result.groups}
    for task in ("humaneval", "code_output"):
        assert groups[task].accuracy == pytest.approx(1 / 6)
        assert groups[task].pass_at_k[1] == pytest.approx(1 / 6)
        assert groups[task].pass_at_k[3] == pytest.approx(0.5)
    assert result.overall.format_rate == 1.0
