"""A sandboxed Python interpreter as a tool for tool-integrated rollouts (TRL's GRPOTrainer).

Tool-integrated reasoning (ToRA, Gou et al. 2023, arXiv:2309.17452; SimpleTIR, Xue et al. 2025,
arXiv:2509.02479) lets the policy write a program mid-answer, run it and read its output
before going on. TRL 1.x's `GRPOTrainer` does the multi-turn part: it renders the tools'
schemas into the prompt, parses the model's tool calls, calls the Python function with the
call's arguments and appends `{"role": "tool", "content": str(result)}` before generating
again (`GRPOTrainer._tool_call_loop`). TRL builds each tool's schema from the function's
name, type hints and Google-style docstring, so those are part of the interface here.

rlvr supplies the function, run through `rlvr.execute` (bubblewrap sandbox, CPU/memory/
output limits, wall-clock kill of the whole process tree):
- `python_tool()`: a stateless `python(code: str) -> str`, for `GRPOTrainer(tools=[...])`.
- `PythonSandbox`: the same tool as an environment for `environment_factory`, one instance per
  rollout, with a per-rollout call budget.
What the model reads back is the program's stdout, then (if it failed) rlvr's status word and
the tail of stderr, cut to `max_chars`: the traceback's last lines say what went wrong, and the
cut keeps a runaway print from filling the context. Where rlvr differs from SimpleTIR's
interpreter: each call is a fresh program (no state kept between calls, as in TRL's own
examples), so a program must recompute what it needs.

Models whose chat template cannot render tool calls (SmolLM2's cannot) get TRL's ChatML tool
template from `tool_chat_template`, which uses the same `<|im_start|>` markers.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rlvr.rewards.base import RewardError

if TYPE_CHECKING:
    from rlvr.execute import ExecResult

Run = Callable[..., "ExecResult"]

DEFAULT_TIMEOUT = 5.0
DEFAULT_MEMORY_MB = 512
DEFAULT_MAX_CHARS = 2_000
DEFAULT_MAX_CALLS = 4
TOOL_NAMES = ("python",)

_EMPTY = "(the program printed nothing; print the values you need)"
_WORDS = {
    "timeout": "TimeoutError: the program ran past {timeout:g} s and was stopped",
    "memory": "MemoryError: the program went over {memory_mb} MB and was stopped",
    "output-limit": "the program printed too much; its output was cut",
    "sandbox-error": "the sandbox could not run the program",
}


class ToolError(RewardError):
    """The tool cannot be set up (e.g. no sandbox on this machine); the message says what to do."""


def tool_output(result: ExecResult, *, timeout: float, memory_mb: int, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """What the model reads after a call: stdout, then on failure the status and stderr's tail.

    At most `max_chars` characters: the head of stdout and the tail of the error are kept.
    """
    out = result.stdout.rstrip("\n")
    if result.status in ("ok", "wrong-answer"):
        return _cut_head(out, max_chars) if out else _EMPTY
    if result.status == "runtime-error":
        error = result.stderr.strip() or f"the program exited with code {result.exit_code}"
    else:
        error = _WORDS.get(result.status, result.status).format(timeout=timeout, memory_mb=memory_mb)
        if result.status == "sandbox-error" and result.stderr.strip():
            error += f": {result.stderr.strip()}"
    # The error's end (the exception line) matters most; the output gets what room is left.
    error = _cut_tail(error, max_chars if not out else max(max_chars // 2, max_chars - len(out) - 1))
    room = max_chars - len(error) - 1
    return f"{_cut_head(out, room)}\n{error}" if out and room > 0 else error


def _cut_head(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    note = "\n... (output cut)"
    return text[: max(0, limit - len(note))] + note


def _cut_tail(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    note = "... "
    return note + text[len(text) - max(0, limit - len(note)):]


def _check_settings(timeout: float, memory_mb: int, max_chars: int) -> None:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= 600:
        raise ToolError(f"timeout must be seconds in (0, 600], got {timeout!r}")
    if isinstance(memory_mb, bool) or not isinstance(memory_mb, int) or memory_mb < 32:
        raise ToolError(f"memory_mb must be a whole number of MB >= 32, got {memory_mb!r}")
    if isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 100:
        raise ToolError(f"max_chars must be a whole number >= 100, got {max_chars!r}")


def run_tool_code(code: Any, *, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
                  max_chars: int = DEFAULT_MAX_CHARS, run: Run | None = None) -> str:
    """Run one tool call's program in the sandbox and return the text the model reads.

    Anything the program does is reported in the text; only a `code` argument that is not
    text raises (`ValueError`, which TRL hands back to the model as `{"error": ...}`).
    """
    from rlvr.execute import ExecuteError, run as execute_run

    if not isinstance(code, str):
        raise ValueError(f"code must be a string holding a Python program, got {type(code).__name__}")
    try:
        result = (run or execute_run)(code, timeout=timeout, memory_mb=memory_mb)
    except ExecuteError as err:
        return _cut_tail(f"the sandbox could not run the program: {err}", max_chars)
    return tool_output(result, timeout=timeout, memory_mb=memory_mb, max_chars=max_chars)


def check_sandbox(run: Run | None = None) -> None:
    """Raise `ToolError` unless the sandbox runs a trivial program (say so before training, not per call)."""
    from rlvr.execute import ExecuteError, run as execute_run

    try:
        result = (run or execute_run)("print(6 * 7)", timeout=DEFAULT_TIMEOUT)
    except ExecuteError as err:
        raise ToolError(f"the python tool needs rlvr's sandbox, which cannot start here: {err}") from None
    if result.status != "ok" or result.stdout.strip() != "42":
        raise ToolError(f"the python tool needs rlvr's sandbox, which failed a trial run ({result.status}: "
                        f"{result.stderr.strip()[-300:] or 'no error text'})")


def python_tool(*, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
                max_chars: int = DEFAULT_MAX_CHARS, run: Run | None = None) -> Callable[[str], str]:
    """The `python(code)` tool for `GRPOTrainer(tools=[...])`: each call runs in a fresh sandbox.

    timeout / memory_mb: limits of one call's program. max_chars: longest text handed back.
    """
    _check_settings(timeout, memory_mb, max_chars)

    def python(code: str) -> str:
        """Run a Python 3 program in a sandbox and return what it printed.

        Args:
            code: A complete Python program using only the standard library. Only printed output comes back, so print the values you need.

        Returns:
            The program's printed output; if it failed, also the end of the error message.
        """
        return run_tool_code(code, timeout=timeout, memory_mb=memory_mb, max_chars=max_chars, run=run)

    return python


class PythonSandbox:
    """One rollout's Python interpreter, for `GRPOTrainer(environment_factory=PythonSandbox)`.

    TRL makes one instance per concurrent rollout and calls `reset` before each; every public
    method becomes a tool. After `max_calls` calls in one rollout the tool only says so, which
    bounds a rollout's sandbox time at `max_calls * timeout` seconds.
    """

    def __init__(self, *, timeout: float = DEFAULT_TIMEOUT, memory_mb: int = DEFAULT_MEMORY_MB,
                 max_chars: int = DEFAULT_MAX_CHARS, max_calls: int = DEFAULT_MAX_CALLS,
                 run: Run | None = None) -> None:
        _check_settings(timeout, memory_mb, max_chars)
        if isinstance(max_calls, bool) or not isinstance(max_calls, int) or max_calls < 1:
            raise ToolError(f"max_calls must be a whole number >= 1, got {max_calls!r}")
        self._limits = {"timeout": timeout, "memory_mb": memory_mb, "max_chars": max_chars}
        self._max_calls = max_calls
        self._run = run
        self.calls = 0

    def reset(self, **row: Any) -> None:
        """Start a new rollout (TRL passes the dataset row; nothing of it is shown to the model)."""
        self.calls = 0

    def python(self, code: str) -> str:
        """Run a Python 3 program in a sandbox and return what it printed.

        Args:
            code: A complete Python program using only the standard library. Only printed output comes back, so print the values you need.

        Returns:
            The program's printed output; if it failed, also the end of the error message.
        """
        if self.calls >= self._max_calls:
            return f"no more runs: this answer has used its {self._max_calls} program runs; give the final answer"
        self.calls += 1
        return run_tool_code(code, run=self._run, **self._limits)


def tool_chat_template(tokenizer: Any) -> Any:
    """Give `tokenizer` a chat template that can render tool calls, if its own cannot.

    TRL refuses tools with a template that drops tool calls or tool messages (SmolLM2's does).
    A ChatML tokenizer (`<|im_start|>`/`<|im_end|>`, as SmolLM2's) gets the ChatML tool template
    TRL ships (`<tool_call>` JSON in the assistant turn, `<tool_response>` in the reply); TRL
    knows how to parse that template's tool calls. Any other template raises `ToolError`.
    """
    from trl.chat_template_utils import qwen3_chat_template, supports_tool_calling

    if supports_tool_calling(tokenizer):
        return tokenizer
    template = getattr(tokenizer, "chat_template", None) or ""
    if "<|im_start|>" not in template:
        raise ToolError("this model's chat template cannot render tool calls and is not ChatML; "
                        "use a model whose template supports tools (tools: null trains without them)")
    tokenizer.chat_template = qwen3_chat_template
    return tokenizer


def trl_tools(name: str | None, tokenizer: Any) -> list[Callable[[str], str]]:
    """The `tools` list for GRPOTrainer from a recipe's `tools` setting (None: no tools).

    Checks the sandbox once and gives the tokenizer a tool-capable chat template, so a
    machine or model that cannot do tool calls fails before training, with what to change.
    """
    if name is None:
        return []
    if name not in TOOL_NAMES:
        raise ToolError(f"unknown tool {name!r}; known: {', '.join(TOOL_NAMES)}")
    check_sandbox()
    tool_chat_template(tokenizer)
    return [python_tool()]
