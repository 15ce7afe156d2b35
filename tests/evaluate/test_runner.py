"""Evaluation on a fixed problem set with a scripted sampler: accuracy, pass@k, tokens, format."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import pytest

from rlvr.analysis import pass_at_k
from rlvr.evaluate.report import table, write_json
from rlvr.evaluate.runner import EvalError, evaluate_problems, heldout_problems
from rlvr.evaluate.sampling import Completion, SamplingError, SamplingParams
from rlvr.tasks import get


class ScriptedSampler:
    """Returns canned responses: for prompt i, `script(i, j)` is sample j."""

    def __init__(self, script) -> None:
        self.script = script
        self.calls: list[tuple[int, int]] = []

    def sample(self, prompts: Sequence, n: int, params: SamplingParams, progress=None) -> list[list[Completion]]:
        self.calls.append((len(prompts), n))
        out = [[self.script(i, j) for j in range(n)] for i in range(len(prompts))]
        if progress:
            progress(len(prompts) * n)
        return out


@pytest.fixture()
def problems():
    task = get("arithmetic")
    return list(task.generate(2, seed=5, difficulty=1)) + list(task.generate(2, seed=5, difficulty=2))


def test_accuracy_pass_at_k_tokens_and_format(problems) -> None:
    answers = [p.answer for p in problems]

    def script(i: int, j: int) -> Completion:
        # problem 0: 2 of 4 right; 1: 0 right (one unboxed); 2: all right; 3: 1 right and one truncated
        right = {0: j < 2, 1: False, 2: True, 3: j == 0}[i]
        if i == 1 and j == 0:
            return Completion("no box here", tokens=3, truncated=False)
        text = f"\\boxed{{{answers[i] if right else int(answers[i]) + 1}}}"
        return Completion(text, tokens=10 + j, truncated=(i == 3 and j == 3))

    sampler = ScriptedSampler(script)
    result = evaluate_problems(sampler, problems, 4, SamplingParams(max_tokens=16))
    assert sampler.calls == [(4, 4)]
    overall = result.overall
    assert overall.problems == 4
    assert overall.accuracy == pytest.approx((2 + 0 + 4 + 1) / 16)
    expected_p2 = (pass_at_k(4, 2, 2) + 0 + 1 + pass_at_k(4, 1, 2)) / 4
    assert overall.pass_at_k[2] == pytest.approx(expected_p2)
    assert sorted(overall.pass_at_k) == [1, 2, 4]
    assert overall.pass_at_k[1] == pytest.approx(overall.accuracy)
    assert overall.format_rate == pytest.approx(15 / 16)
    assert overall.truncated_rate == pytest.approx(1 / 16)
    tokens = [3] + [10 + j for j in range(4)] * 4
    tokens.remove(10)  # problem 1 sample 0 is the 3-token unboxed one
    assert overall.mean_tokens == pytest.approx(sum(tokens) / 16)
    by_level = {g.difficulty: g for g in result.groups}
    assert set(by_level) == {1, 2}
    assert by_level[1].accuracy == pytest.approx(2 / 8)
    assert by_level[2].accuracy == pytest.approx(5 / 8)
    assert len(result.records) == 16


def test_json_and_table(problems, tmp_path: Path) -> None:
    sampler = ScriptedSampler(lambda i, j: Completion(f"\\boxed{{{problems[i].answer}}}", 4, False))
    result = evaluate_problems(sampler, problems, 1, SamplingParams(), model_name="scripted")
    path = write_json(result, tmp_path / "out" / "eval.json")
    data = json.loads(path.read_text())
    assert data["overall"]["accuracy"] == 1.0
    assert data["overall"]["pass_at_k"] == {"1": 1.0}
    assert len(data["records"]) == 4
    assert table(result).row_count == 3  # two difficulty rows and 'all'


def test_heldout_problems_are_disjoint_from_training_seed() -> None:
    held = heldout_problems(["arithmetic"], 20, [1])
    train = list(get("arithmetic").generate(20, seed=0, difficulty=1))
    assert {p.id for p in held}.isdisjoint({p.id for p in train})
    assert len(held) == 20


def test_heldout_problems_are_distinct_and_cover_a_small_space() -> None:
    held = heldout_problems(["arithmetic"], 128, [1, 2])
    by_level = {level: [p for p in held if p.difficulty == level] for level in (1, 2)}
    assert len(by_level[1]) == 100  # every single-digit sum once, not 128 draws with repeats
    assert len(by_level[2]) == 128
    for problems in by_level.values():
        assert len({p.prompt for p in problems}) == len(problems)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"tasks": ["arithmetic"], "n": 0, "difficulties": [1]}, "n \\(problems"),
    ({"tasks": [], "n": 2, "difficulties": [1]}, "at least one task"),
    ({"tasks": ["arithmetic"], "n": 2, "difficulties": []}, "at least one difficulty"),
])
def test_heldout_errors(kwargs, message: str) -> None:
    with pytest.raises(EvalError, match=message):
        heldout_problems(**kwargs)


def test_bad_arguments() -> None:
    with pytest.raises(EvalError, match="no problems"):
        evaluate_problems(ScriptedSampler(lambda i, j: None), [], 1, SamplingParams())
    with pytest.raises(SamplingError, match="max_tokens"):
        SamplingParams(max_tokens=0)
    with pytest.raises(SamplingError, match="temperature"):
        SamplingParams(temperature=-1)
