"""Named prompt templates for evaluation, so a number can say which prompt it came from.

`task` (the default) sends the problem's own prompt as the user turn, with an optional
system message. The others follow the Qwen2.5-Math evaluation code
(github.com/QwenLM/Qwen2.5-Math, evaluation/utils.py, `PROMPT_TEMPLATES`), which papers
built on it (SimpleRL-Zoo, LASER, Oat-Zero, ...) cite as their prompt:

- `qwen25-math-cot`: system "Please reason step by step, and put your final answer within
  \\boxed{}.", user = the bare question.
- `qwen-boxed`: system "You are a helpful assistant.", user = the question, a newline, then
  "Please reason step by step, and put your final answer within \\boxed{}.".

Where rlvr differs from that code: the authors write the ChatML string by hand
(`<|im_start|>system ...`); rlvr passes the same messages through the model's own chat
template, which for ChatML models (Qwen2.5, SmolLM2) gives the same text, and for other
models gives the format they were trained on. The authors use zero-shot prompts for these
templates on MATH-500, GSM8K, AIME 2024 and AMC 2023; so does rlvr (no few-shot demos).
"""

from __future__ import annotations

from dataclasses import dataclass

from rlvr.tasks import Problem, get
from rlvr.tasks.math_data import MATH_INSTRUCTION, MathDatasetTask

QWEN_COT = "Please reason step by step, and put your final answer within \\boxed{}."
QWEN_SOURCE = "QwenLM/Qwen2.5-Math evaluation/utils.py PROMPT_TEMPLATES"
DEFAULT_TEMPLATE = "task"

Messages = list[dict[str, str]]


class TemplateError(ValueError):
    """An unknown template, or one that does not fit the task."""


@dataclass(frozen=True)
class PromptTemplate:
    """How a problem becomes chat messages: an optional system message and a user turn around the question."""

    name: str
    system: str | None
    user: str  # "{question}" marks where the question goes
    source: str
    bare_question: bool  # True: the task's own answer instruction is removed, the template gives its own

    def messages(self, problem: Problem, system_prompt: str | None = None) -> Messages:
        """The chat messages for `problem`; `system_prompt` is only for templates without their own."""
        if system_prompt and self.system is not None:
            raise TemplateError(f"template {self.name} has its own system message; drop --system-prompt "
                                f"or use --template {DEFAULT_TEMPLATE}")
        question = bare_question(problem) if self.bare_question else problem.prompt
        system = self.system if self.system is not None else system_prompt
        out = [{"role": "system", "content": system}] if system else []
        # Qwen's code strips surrounding spaces from the rendered prompt; the question keeps its own newlines.
        out.append({"role": "user", "content": self.user.replace("{question}", question).strip(" ")})
        return out


TEMPLATES: dict[str, PromptTemplate] = {
    t.name: t
    for t in (
        PromptTemplate(DEFAULT_TEMPLATE, None, "{question}", "the task's own prompt (rlvr)", bare_question=False),
        PromptTemplate("qwen25-math-cot", QWEN_COT, "{question}", QWEN_SOURCE, bare_question=True),
        PromptTemplate("qwen-boxed", "You are a helpful assistant.", "{question}\n" + QWEN_COT, QWEN_SOURCE,
                       bare_question=True),
    )
}


def get_template(name: str) -> PromptTemplate:
    """The template called `name`, or a one-line error listing the known ones."""
    try:
        return TEMPLATES[name]
    except KeyError:
        raise TemplateError(f"unknown template {name!r}; known: {', '.join(TEMPLATES)}") from None


def bare_question(problem: Problem) -> str:
    """The dataset question of a math benchmark problem, without rlvr's answer instruction."""
    suffix = "\n\n" + MATH_INSTRUCTION
    if not problem.prompt.endswith(suffix):
        raise TemplateError(f"problem {problem.id} does not carry rlvr's math instruction; cannot recover its question")
    return problem.prompt[: -len(suffix)]


def check_fits(template: PromptTemplate, task_names: list[str]) -> None:
    """Refuse a question-only template on tasks that are not math benchmarks (their answer format differs)."""
    if not template.bare_question:
        return
    for name in task_names:
        if not isinstance(get(name), MathDatasetTask):
            raise TemplateError(f"template {template.name} asks for \\boxed{{}} and suits the math benchmarks "
                                f"(math500, gsm8k, aime24, amc23); task {name} has its own answer format: "
                                f"use --template {DEFAULT_TEMPLATE}")
