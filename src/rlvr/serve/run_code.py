"""`POST /run_code`: the part of SandboxFusion's API that verl's sandbox client calls, run by rlvr.execute.

verl scores code (`verl.utils.reward_score.sandbox_fusion`) by posting each program to a
SandboxFusion server (https://github.com/bytedance/SandboxFusion, `sandbox/server/sandbox_api.py`).
This endpoint takes the same request and answers in the same shape, so a verl user can set
`reward.sandbox_fusion.url=http://HOST:PORT/run_code` and run rlvr instead of SandboxFusion's
docker image.

Request: `code`, `stdin`, `language`, `run_timeout` (seconds), `compile_timeout`,
`memory_limit_MB` (-1: the server's default), `files`, `fetch_files`.
Response: `status` (`Success` | `Failed` | `SandboxError`), `message`, `compile_result` (always
null: Python is not compiled), `run_result` = `{status: Finished | TimeLimitExceeded | Error,
execution_time, return_code, stdout, stderr}`, `executor_pod_name`, `files`.

How rlvr's verdicts read in SandboxFusion's words (verl maps them to its -1..-4 codes):
- `ok`: Success, Finished, return code 0.
- `runtime-error`, `memory`, `output-limit`: Failed, Finished, a non-zero return code (verl: runtime
  error, -2), as SandboxFusion reports a program killed for memory; `message` names rlvr's status.
- `timeout`: Failed, TimeLimitExceeded (verl: -3).
- `sandbox-error`, a language other than Python, or files to upload: SandboxError with a message
  saying why (verl: -1). SandboxFusion runs some 30 languages; rlvr runs Python only.
Where rlvr differs: it never runs a program outside the sandbox (no `--unsafe-no-sandbox` here;
without user namespaces every request is a SandboxError saying so), `run_timeout` and
`memory_limit_MB` have upper bounds, and `files`/`fetch_files` must be empty.
Runs share a bounded, fair thread pool of their own, so code never starves `/check`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from fastapi import FastAPI
from pydantic import BaseModel, Field, field_validator

from rlvr.serve.checking import FairPool
from rlvr.serve.schemas import Text
from rlvr.serve.settings import ServeError, ServeSettings

if TYPE_CHECKING:
    from rlvr.execute import ExecResult

log = logging.getLogger("rlvr.serve")

PATH = "/run_code"
LANGUAGE = "python"
# verl asks 10 s by default; far longer runs would hold a worker (and the client's connection) too long.
MAX_RUN_SECONDS = 120.0
MAX_MEMORY_MB = 16_384
# SandboxFusion's -1 ("no limit"); rlvr always sets one. verl sends 1024 unless configured.
DEFAULT_MEMORY_MB = 1024
MIN_MEMORY_MB = 32  # rlvr.execute's floor
# Starting the sandbox comes on top of the program's own limit; past this the run is given up on.
DEADLINE_GRACE = 10.0
_POLL_SECONDS = 0.5


class RunCodeRequest(BaseModel):
    """SandboxFusion's `RunCodeRequest` (the fields verl sends)."""

    code: Text = Field(description="The Python program to run.")
    language: str = Field(description="Only 'python' runs here; any other gets a SandboxError saying so.")
    stdin: Text | None = Field(None, description="Text fed to the program's standard input.")
    run_timeout: float = Field(10, gt=0, le=MAX_RUN_SECONDS, allow_inf_nan=False,
                               description=f"Seconds the program may run (at most {MAX_RUN_SECONDS:g}).")
    compile_timeout: float = Field(10, ge=0, allow_inf_nan=False, description="Accepted and unused: Python is not compiled.")
    memory_limit_MB: int = Field(-1, ge=-1, le=MAX_MEMORY_MB,
                                 description=f"Memory cap in MB, at least {MIN_MEMORY_MB}; -1 or 0 means {DEFAULT_MEMORY_MB}.")
    files: dict[str, str | None] = Field(default_factory=dict, description="Must be empty: rlvr uploads no files.")
    fetch_files: list[str] = Field(default_factory=list, description="Must be empty: rlvr returns no files.")
    args: list[str] = Field(default_factory=list, description="Must be empty (SandboxFusion's pytest arguments).")

    @field_validator("memory_limit_MB")
    @classmethod
    def _memory(cls, value: int) -> int:
        if 0 < value < MIN_MEMORY_MB:
            raise ValueError(f"must be -1 (the default, {DEFAULT_MEMORY_MB}) or at least {MIN_MEMORY_MB} MB; "
                             "Python needs that much to start")
        return value


class CommandRunResult(BaseModel):
    """SandboxFusion's `CommandRunResult`."""

    status: Literal["Finished", "Error", "TimeLimitExceeded"]
    execution_time: float | None = None
    return_code: int | None = None
    stdout: str | None = None
    stderr: str | None = None


class RunCodeResponse(BaseModel):
    """SandboxFusion's `RunCodeResponse`."""

    status: Literal["Success", "Failed", "SandboxError"]
    message: str = ""
    compile_result: CommandRunResult | None = None
    run_result: CommandRunResult | None = None
    executor_pod_name: str | None = None
    files: dict[str, str] = Field(default_factory=dict)


_FAILED_WORDS = {
    "runtime-error": "the program exited with an error",
    "memory": "the program ran out of memory",
    "output-limit": "the program wrote more output than rlvr keeps",
}


def to_response(result: ExecResult, timeout: float, memory_mb: int) -> RunCodeResponse:
    """rlvr's verdict on one run in SandboxFusion's words (see the module docstring)."""
    seconds = round(float(result.seconds), 6)
    if result.status in ("ok", "wrong-answer"):  # no expected output is given, so never wrong-answer
        run = CommandRunResult(status="Finished", execution_time=seconds, return_code=0,
                               stdout=result.stdout, stderr=result.stderr)
        return RunCodeResponse(status="Success", run_result=run)
    if result.status == "timeout":
        run = CommandRunResult(status="TimeLimitExceeded", execution_time=seconds, return_code=None,
                               stdout=result.stdout, stderr=result.stderr)
        return RunCodeResponse(status="Failed", message=f"timeout: the program ran past {timeout:g} s", run_result=run)
    if result.status in _FAILED_WORDS:
        code = result.exit_code if result.exit_code not in (None, 0) else 1
        words = _FAILED_WORDS[result.status] + (f" (over {memory_mb} MB)" if result.status == "memory" else "")
        run = CommandRunResult(status="Finished", execution_time=seconds, return_code=code,
                               stdout=result.stdout, stderr=result.stderr)
        return RunCodeResponse(status="Failed", message=f"{result.status}: {words}", run_result=run)
    detail = result.stderr.strip() or "the sandbox could not run the program"
    return sandbox_error(f"rlvr's sandbox failed: {detail[-500:]}")


def sandbox_error(message: str) -> RunCodeResponse:
    """A SandboxError answer: verl scores it -1 (an error on the sandbox's side, not the program's)."""
    return RunCodeResponse(status="SandboxError", message=message,
                           run_result=CommandRunResult(status="Error", stderr=message))


def refusal(request: RunCodeRequest) -> str | None:
    """Why rlvr cannot run this request, or None when it can."""
    if request.language != LANGUAGE:
        return (f"rlvr's /run_code runs Python only (language {request.language[:40]!r}); "
                "use language 'python', or a SandboxFusion server for other languages")
    if request.files or request.fetch_files or request.args:
        return "rlvr's /run_code takes no files, fetch_files or args; put what the program needs in its code or stdin"
    return None


class CodeRunner:
    """Runs programs on a bounded, fair thread pool of their own; each run is awaited without blocking."""

    def __init__(self, workers: int, run: Callable[..., ExecResult] | None = None) -> None:
        self._pool = FairPool(workers, name="rlvr-serve-run-code")
        self._run = run
        self.workers = workers

    def close(self) -> None:
        """Stop taking runs; those under way finish in the background."""
        self._pool.close()

    async def __call__(self, request: RunCodeRequest) -> RunCodeResponse:
        """The answer to one request: refused, run, or given up on past its deadline."""
        refused = refusal(request)
        if refused is not None:
            return sandbox_error(refused)
        memory_mb = request.memory_limit_MB if request.memory_limit_MB > 0 else DEFAULT_MEMORY_MB
        timeout = float(request.run_timeout)
        loop = asyncio.get_running_loop()
        future: asyncio.Future[RunCodeResponse] = loop.create_future()
        started: list[float] = []

        def job() -> None:
            started.append(time.monotonic())
            answer = self._answer(request.code, request.stdin or "", timeout, memory_mb)
            try:
                loop.call_soon_threadsafe(_settle, future, answer)
            except RuntimeError:
                pass  # the event loop has closed (server shutting down): nobody is waiting

        try:
            batch = self._pool.submit([job])
        except RuntimeError:
            return sandbox_error("the server is shutting down")
        try:
            while True:
                done, _ = await asyncio.wait({future}, timeout=_POLL_SECONDS)
                if done:
                    return future.result()
                # The sandbox bounds the program; this backstop only answers if that bound ever fails.
                if started and time.monotonic() - started[0] > timeout + DEADLINE_GRACE:
                    log.warning("a /run_code program ran past %.1f s and was given up on", timeout + DEADLINE_GRACE)
                    return sandbox_error(f"the sandbox did not answer within {timeout + DEADLINE_GRACE:g} s")
        finally:
            self._pool.cancel(batch)  # a client that went away leaves no queued run behind

    def _answer(self, code: str, stdin: str, timeout: float, memory_mb: int) -> RunCodeResponse:
        try:
            from rlvr.execute import ExecuteError, run as execute_run

            try:
                result = (self._run or execute_run)(code, stdin=stdin, timeout=timeout, memory_mb=memory_mb)
            except ExecuteError as err:  # sandbox unavailable, or arguments rlvr.execute refuses
                return sandbox_error(f"rlvr's sandbox cannot run programs here: {err}")
            return to_response(result, timeout, memory_mb)
        except Exception as err:  # noqa: BLE001 - a bug must answer, not leave the request waiting
            log.exception("unexpected error in /run_code")
            return sandbox_error(f"internal error ({type(err).__name__}); see the server log")


def _settle(future: asyncio.Future[Any], answer: RunCodeResponse) -> None:
    if not future.done():
        future.set_result(answer)


def add_run_code(app: FastAPI, settings: ServeSettings, run: Callable[..., ExecResult] | None = None) -> CodeRunner:
    """Register `POST /run_code` on `app`, with `settings.workers` threads running programs.

    run: stands in for `rlvr.execute.run` (tests); None uses the sandbox.
    """
    runner = CodeRunner(settings.workers, run)

    @app.post(PATH, response_model=RunCodeResponse, summary="Run a Python program (SandboxFusion's API, as verl calls it)")
    async def run_code(body: RunCodeRequest) -> RunCodeResponse:
        """Run `code` with `stdin` in rlvr's sandbox; the answer has SandboxFusion's shape."""
        if len(body.code) > settings.max_response_chars:
            raise ServeError(f"code is {len(body.code)} characters long; the limit is {settings.max_response_chars} "
                             "(raise --max-response-chars)")
        return await runner(body)

    return runner
