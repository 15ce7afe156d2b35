"""The sandboxed Python tool: what it hands back, and a real GRPOTrainer rollout that calls it."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from rlvr.engines.tools import (
    PythonSandbox,
    ToolError,
    check_sandbox,
    python_tool,
    tool_chat_template,
    tool_output,
    trl_tools,
)
from rlvr.execute import ExecResult, ExecuteError

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))

# SmolLM2-135M-Instruct's own template (ChatML, no tool calls), as the embedded model ships it.
SMOLLM2_TEMPLATE = (
    "{% for message in messages %}{% if loop.first and messages[0]['role'] != 'system' %}"
    "{{ '<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n' }}"
    "{% endif %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}"
    "{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"
)


def result(status: str, stdout: str = "", stderr: str = "", exit_code: int | None = 0) -> ExecResult:
    return ExecResult(status=status, stdout=stdout, stderr=stderr, seconds=0.01, exit_code=exit_code)


# What the model reads ------------------------------------------------------------------


def test_output_of_a_program_that_worked_is_its_stdout() -> None:
    assert tool_output(result("ok", "42\n"), timeout=5, memory_mb=512) == "42"
    assert "printed nothing" in tool_output(result("ok", ""), timeout=5, memory_mb=512)


def test_a_failure_shows_the_output_so_far_and_the_error_tail() -> None:
    traceback = "Traceback (most recent call last):\n  File \"<prog>\", line 2\nZeroDivisionError: division by zero\n"
    text = tool_output(result("runtime-error", "partial\n", traceback, exit_code=1), timeout=5, memory_mb=512)
    assert text.startswith("partial\n") and text.endswith("ZeroDivisionError: division by zero")
    assert "ran past 3 s" in tool_output(result("timeout", exit_code=None), timeout=3, memory_mb=512)
    assert "over 256 MB" in tool_output(result("memory", exit_code=None), timeout=3, memory_mb=256)
    assert "sandbox could not run" in tool_output(result("sandbox-error", stderr="bwrap: boom"), timeout=3, memory_mb=256)


def test_long_text_is_cut_keeping_the_head_of_stdout_and_the_end_of_the_error() -> None:
    stdout = "".join(f"line {i}\n" for i in range(5000))
    stderr = "x" * 5000 + "\nValueError: the real reason"
    text = tool_output(result("runtime-error", stdout, stderr, exit_code=1), timeout=5, memory_mb=512, max_chars=300)
    assert len(text) <= 300
    assert text.startswith("line 0\nline 1\n") and text.endswith("ValueError: the real reason")
    assert len(tool_output(result("ok", stdout), timeout=5, memory_mb=512, max_chars=300)) <= 300


def test_settings_are_checked() -> None:
    for bad in ({"timeout": 0}, {"timeout": float("nan")}, {"memory_mb": 1}, {"max_chars": 10}, {"timeout": True}):
        with pytest.raises(ToolError):
            python_tool(**bad)
    with pytest.raises(ToolError, match="max_calls"):
        PythonSandbox(max_calls=0)
    with pytest.raises(ToolError, match="unknown tool"):
        trl_tools("bash", None)
    assert trl_tools(None, None) == []


# In the sandbox -------------------------------------------------------------------------


def test_the_tool_runs_code_in_the_sandbox() -> None:
    tool = python_tool(timeout=5)
    assert tool("print(6 * 7)") == "42"
    assert tool("import sys\nprint(sum(int(x) for x in '12345'))\nsys.exit(0)") == "15"
    failed = tool("print('before')\nprint(1 // 0)")
    assert failed.startswith("before\n") and "ZeroDivisionError" in failed
    assert "SyntaxError" in tool("print(")


def test_a_runaway_call_is_stopped_at_its_time_limit() -> None:
    tool = python_tool(timeout=1)
    start = time.monotonic()
    text = tool("while True:\n    pass")
    assert "ran past 1 s" in text
    assert time.monotonic() - start < 30  # generous: the point is that it returns at all


def test_the_program_cannot_see_the_trainer_process() -> None:
    # The tool's program runs in the sandbox, not in the training process: not our files, not our env.
    os.environ["RLVR_TOOL_TEST_SECRET"] = "hunter2"
    try:
        tool = python_tool(timeout=5)
        assert tool("import os\nprint(os.environ.get('RLVR_TOOL_TEST_SECRET'))") == "None"
        here = Path(__file__).resolve()
        assert "False" == tool(f"import os\nprint(os.path.exists({str(here)!r}))")
    finally:
        del os.environ["RLVR_TOOL_TEST_SECRET"]


def test_a_code_argument_that_is_not_text_is_an_error_for_trl_to_report() -> None:
    with pytest.raises(ValueError, match="code must be a string"):
        python_tool()(code=42)  # type: ignore[arg-type]


def test_the_environment_counts_calls_per_rollout() -> None:
    env = PythonSandbox(max_calls=2, timeout=5)
    assert env.reset(prompt=[{"role": "user", "content": "hi"}], answer="1") is None
    assert env.python("print(1)") == "1"
    assert env.python("print(2)") == "2"
    assert "no more runs" in env.python("print(3)")
    env.reset()
    assert env.python("print(4)") == "4"


def test_check_sandbox_fails_before_training_when_the_sandbox_cannot_run() -> None:
    check_sandbox()  # the real one works here

    def unavailable(code: str, **_: object) -> ExecResult:
        raise ExecuteError("bubblewrap cannot create a user namespace")

    with pytest.raises(ToolError, match="user namespace"):
        check_sandbox(unavailable)
    with pytest.raises(ToolError, match="sandbox-error"):
        check_sandbox(lambda code, **_: result("sandbox-error", stderr="bwrap failed"))
    # A failing sandbox seen per call (e.g. it broke mid-run) is reported to the model, never raised.
    assert "user namespace" in python_tool(run=unavailable)("print(1)")


# TRL's side: schema, template, and a real rollout ------------------------------------------


def test_schema_trl_builds_from_the_tool() -> None:
    from transformers.utils import get_json_schema

    for tool in (python_tool(), PythonSandbox().python):
        function = get_json_schema(tool)["function"]
        assert function["name"] == "python"
        assert function["parameters"]["required"] == ["code"]
        assert function["parameters"]["properties"]["code"]["type"] == "string"


def test_a_chatml_template_gets_a_tool_template_and_others_are_refused() -> None:
    from trl.chat_template_utils import supports_tool_calling
    from tiny_model import build_tokenizer

    tokenizer = build_tokenizer()
    with pytest.raises(ToolError, match="not ChatML"):
        tool_chat_template(tokenizer)
    tokenizer.chat_template = SMOLLM2_TEMPLATE
    assert not supports_tool_calling(tokenizer)
    assert supports_tool_calling(tool_chat_template(tokenizer))
    template = tokenizer.chat_template
    assert tool_chat_template(tokenizer).chat_template is template  # already fine: left alone


def chatml_tiny(folder: Path | None = None) -> tuple:
    """A tiny random Llama whose byte-level tokenizer ends turns with <|im_end|> under SmolLM2's template."""
    import torch
    from tiny_model import build_tokenizer
    from transformers import LlamaConfig, LlamaForCausalLM

    tokenizer = build_tokenizer()
    tokenizer.add_special_tokens({"eos_token": "<|im_end|>"})  # ends a turn, as in SmolLM2
    tokenizer.chat_template = SMOLLM2_TEMPLATE
    torch.manual_seed(0)
    # One token per byte: the tool schema alone is ~1,000 tokens, hence the long context.
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1,
                         num_attention_heads=2, num_key_value_heads=1, max_position_embeddings=8192,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id, bos_token_id=None)
    model = LlamaForCausalLM(config)
    model.generation_config.eos_token_id = tokenizer.eos_token_id
    model.generation_config.pad_token_id = tokenizer.pad_token_id
    if folder is not None:
        model.save_pretrained(str(folder))
        tokenizer.save_pretrained(str(folder))
    return model, tokenizer


@pytest.mark.train
@pytest.mark.parametrize("way", ["tools", "environment_factory"])
def test_grpo_rollout_calls_the_tool_and_the_model_reads_its_output(tmp_path: Path, way: str) -> None:
    """A real GRPOTrainer step whose policy asks for a program run: TRL parses the call, runs it
    through rlvr's tool, appends the output as a tool message, and the policy answers after it."""
    import torch
    from datasets import Dataset
    from trl import GRPOConfig, GRPOTrainer

    os.environ.setdefault("TRL_EXPERIMENTAL_SILENCE", "1")
    model, tokenizer = chatml_tiny()
    tools = trl_tools("python", tokenizer)
    # The policy is random weights; its sampling is scripted so that it calls the tool, then answers.
    call = '<tool_call>\n{"name": "python", "arguments": {"code": "print(sum(range(10)) * 7)"}}\n</tool_call>'
    answer = "The program says \\boxed{315}."
    seen_prompts: list[str] = []

    def scripted_generate(input_ids: torch.Tensor, attention_mask: torch.Tensor | None = None, **_: object) -> torch.Tensor:
        rows = []
        for ids in input_ids:
            prompt = tokenizer.decode(ids, skip_special_tokens=True)
            seen_prompts.append(prompt)
            text = answer if "<tool_response>" in prompt else call
            rows.append(tokenizer(text, add_special_tokens=False)["input_ids"] + [tokenizer.eos_token_id])
        width = max(len(r) for r in rows)
        padded = [r + [tokenizer.pad_token_id] * (width - len(r)) for r in rows]
        return torch.cat([input_ids, torch.tensor(padded, dtype=input_ids.dtype)], dim=1)

    model.generate = scripted_generate  # type: ignore[method-assign]
    completions_seen: list = []

    def reward(completions: list, **_: object) -> list[float]:
        completions_seen.extend(completions)
        return [1.0 if "\\boxed{315}" in c[-1]["content"] else 0.0 for c in completions]

    args = GRPOConfig(output_dir=str(tmp_path), max_steps=1, per_device_train_batch_size=2, num_generations=2,
                      max_completion_length=512, use_cpu=True, report_to="none", logging_steps=1,
                      save_strategy="no", max_tool_calling_iterations=2, disable_tqdm=True)
    dataset = Dataset.from_list([{"prompt": [{"role": "user", "content": "What is 7 times the sum of 0..9?"}]}] * 2)
    trainer = GRPOTrainer(model=model, reward_funcs=[reward], args=args, train_dataset=dataset,
                          processing_class=tokenizer,
                          **({"tools": tools} if way == "tools" else {"environment_factory": PythonSandbox}))
    trainer.train()

    assert len(completions_seen) == 2
    for completion in completions_seen:
        roles = [message["role"] for message in completion]
        assert roles == ["assistant", "tool", "assistant"]
        assert completion[0]["tool_calls"][0]["function"]["name"] == "python"
        assert completion[1]["content"] == "315"  # computed in the sandbox
        assert "\\boxed{315}" in completion[2]["content"]
    # The second turn was generated from a prompt holding the tool's output.
    assert any("<tool_response>\n315\n</tool_response>" in prompt for prompt in seen_prompts)
    logged = [row for row in trainer.state.log_history if "tools/call_frequency" in row]
    assert logged and logged[0]["tools/call_frequency"] > 0 and logged[0]["tools/failure_frequency"] == 0


@pytest.mark.train
def test_a_recipe_with_tools_trains_with_the_tool(tmp_path: Path) -> None:
    """`tools: python` reaches GRPOTrainer through rlvr train's TRL engine (one step, tiny model)."""
    import json

    from rlvr.train.config import load_config
    from rlvr.train.trl_engine import grpo_args, train_trl

    chatml_tiny(tmp_path / "model")
    config = load_config("python_tool", [
        f"model={tmp_path / 'model'}", f"output={tmp_path / 'run'}", "threads=1", "budget.steps=1",
        "budget.minutes=null", "algorithm.group_size=2", "algorithm.prompts_per_step=1",
        "algorithm.max_completion_tokens=8", "tasks.train_problems=4", "eval.problems=0", "checkpoint.every_steps=0",
    ])
    assert grpo_args(config, on_gpu=False).max_tool_calling_iterations == 4
    result = train_trl(config, show_progress=False)
    assert result.steps == 1
    steps = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert any("tools/call_frequency" in row for row in steps)  # TRL logs it only when it has tools
    # Without tools nothing changes: no tool-call limit is set.
    assert grpo_args(load_config("default"), on_gpu=False).max_tool_calling_iterations is None


@pytest.mark.train
def test_a_model_that_cannot_show_tool_calls_is_refused_before_training(tiny_model_dir_plain: Path, tmp_path: Path) -> None:
    from rlvr.train.config import load_config
    from rlvr.train.trl_engine import train_trl

    config = load_config("python_tool", [f"model={tiny_model_dir_plain}", f"output={tmp_path / 'run'}", "eval.problems=0"])
    with pytest.raises(ToolError, match="not ChatML"):
        train_trl(config, show_progress=False)
    assert not (tmp_path / "run" / "metrics.jsonl").exists()


@pytest.fixture
def tiny_model_dir_plain(tmp_path: Path) -> Path:
    from tiny_model import build_model_dir

    return build_model_dir(tmp_path / "plain")
