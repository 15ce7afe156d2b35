"""Named prompt templates: the exact Qwen2.5-Math text, the bare question, and refusals."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from rlvr.evaluate.runner import evaluate_problems
from rlvr.evaluate.sampling import Completion, SamplingParams
from rlvr.evaluate.templates import QWEN_COT, TEMPLATES, TemplateError, bare_question, check_fits, get_template
from rlvr.tasks import get
from rlvr.tasks.math_data import MATH_INSTRUCTION

sys.path.insert(0, str(Path(__file__).resolve().parent))
from scripted import RecordingSampler  # noqa: E402


@pytest.fixture()
def problem():
    return get("math500").all_problems()[0]


def test_qwen25_math_cot_is_the_authors_system_prompt_and_the_bare_question(problem) -> None:
    messages = get_template("qwen25-math-cot").messages(problem)
    # Qwen2.5-Math evaluation/utils.py, "qwen25-math-cot" (its "\\boxed{{}}" is str.format escaping for \boxed{}).
    assert messages[0] == {"role": "system",
                           "content": "Please reason step by step, and put your final answer within \\boxed{}."}
    assert messages[1]["role"] == "user"
    assert MATH_INSTRUCTION not in messages[1]["content"]
    assert messages[1]["content"] == bare_question(problem)
    assert problem.prompt.startswith(messages[1]["content"])
    assert len(messages) == 2


def test_qwen_boxed_appends_the_instruction_to_the_question(problem) -> None:
    system, user = get_template("qwen-boxed").messages(problem)
    assert system["content"] == "You are a helpful assistant."
    assert user["content"] == bare_question(problem) + "\n" + QWEN_COT


def test_task_template_is_the_tasks_own_prompt_with_an_optional_system(problem) -> None:
    template = get_template("task")
    assert template.messages(problem) == [{"role": "user", "content": problem.prompt}]
    assert template.messages(problem, "be brief")[0] == {"role": "system", "content": "be brief"}


def test_refusals_are_one_line_value_errors(problem) -> None:
    with pytest.raises(TemplateError, match="unknown template 'qwen'; known: task, qwen25-math-cot, qwen-boxed"):
        get_template("qwen")
    with pytest.raises(TemplateError, match="has its own system message"):
        get_template("qwen25-math-cot").messages(problem, "another system")
    with pytest.raises(TemplateError, match="task arithmetic has its own answer format"):
        check_fits(get_template("qwen25-math-cot"), ["gsm8k", "arithmetic"])
    check_fits(get_template("qwen25-math-cot"), ["math500", "gsm8k", "aime24", "amc23"])
    check_fits(get_template("task"), ["arithmetic"])
    arithmetic = get("arithmetic").problem(0, seed=1, difficulty=1)
    with pytest.raises(TemplateError, match="cannot recover its question"):
        bare_question(arithmetic)


def test_every_benchmark_question_is_recovered_exactly() -> None:
    from rlvr.tasks.math_data import read_jsonl

    for name in ("math500", "gsm8k", "aime24", "amc23"):
        task = get(name)
        problems = task.all_problems()
        rows = read_jsonl(task.filename)
        assert len(problems) == len(rows)
        for p, row in zip(problems[:25], rows[:25], strict=True):
            assert bare_question(p) == (row.get("problem") or row.get("question")).strip()


def test_evaluate_problems_sends_the_templates_messages(problem) -> None:
    sampler = RecordingSampler(lambda i, j: Completion(f"\\boxed{{{problem.answer}}}", tokens=5, truncated=False))
    result = evaluate_problems(sampler, [problem], 1, SamplingParams(temperature=0.0),
                               template=TEMPLATES["qwen25-math-cot"])
    assert sampler.prompts == [get_template("qwen25-math-cot").messages(problem)]
    assert result.overall.accuracy == 1.0
    plain = RecordingSampler(lambda i, j: Completion("x", tokens=1, truncated=False))
    evaluate_problems(plain, [problem], 1, SamplingParams(), system_prompt="sys")
    assert plain.prompts == [[{"role": "system", "content": "sys"}, {"role": "user", "content": problem.prompt}]]
