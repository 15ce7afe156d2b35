"""Request and response bodies of the HTTP API (pydantic models, shown in the OpenAPI docs)."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

from rlvr.verify.normalize import utf8_text  # lone surrogates become U+FFFD at the boundary


def _utf8_if_text(value: Any) -> Any:
    return utf8_text(value) if isinstance(value, str) else value


Text = Annotated[StrictStr, AfterValidator(utf8_text)]
# Not Text | ...: a union's errors are labelled by member, and "str" reads better than the validator.
# NaN and infinities (Python's JSON reader accepts them) are no one's gold answer.
Gold = Annotated[StrictStr | StrictInt | Annotated[StrictFloat, Field(allow_inf_nan=False)], AfterValidator(_utf8_if_text)]


class _Body(BaseModel):
    # Unknown keys are refused so that a misspelt field is an error, not a silently ignored option.
    model_config = ConfigDict(extra="forbid")


class VerifyItem(_Body):
    response: Text = Field(description="The model's full response; its final answer is extracted.")
    gold: Gold = Field(description="The reference answer (LaTeX or plain text, or a number).")


class VerifyRequest(_Body):
    items: list[VerifyItem] = Field(description="Responses with their gold answers.")


class CheckItem(_Body):
    response: Text = Field(description="The model's full response.")
    problem_json: Text | dict[str, Any] = Field(
        description="The problem as written by rlvr.tasks.rows (a JSON string), or the same object inline."
    )


class CheckRequest(_Body):
    items: list[CheckItem] = Field(description="Responses with the task problems they answer.")


class VerdictOut(BaseModel):
    correct: bool
    reason: str = Field(description="Machine-readable reason, e.g. equal-symbolic, not-equal, hacking, timeout.")
    extracted: str | None = None
    normalized: str | None = None
    gold_normalized: str | None = None
    detail: str | None = None
    score: float


class VerdictsResponse(BaseModel):
    verdicts: list[VerdictOut]


class RewardRequest(BaseModel):
    """OpenRLHF's remote reward-model request (extra keys OpenRLHF may add are ignored)."""

    query: list[Text] = Field(description="Prompt + response, decoded as text, one per sample.")
    prompts: list[Text] = Field(description="The prompt of each sample (the response is what follows it in the query).")
    labels: list[Gold | None] = Field(description="The --label_key column: a gold math answer or rlvr's problem_json.")


class RewardResponse(BaseModel):
    rewards: list[float] = Field(description="The reward of each sample.")
    scores: list[float] = Field(description="Correctness in [0, 1] (OpenRLHF's dynamic filtering reads it).")
    extra_logs: dict[str, list[float]] = Field(description="Per-sample rlvr/acc and rlvr/<component>, logged by OpenRLHF.")


class Health(BaseModel):
    status: str = Field(description="ok; busy when every check thread is in use and checks wait; degraded when check threads are stuck.")
    version: str
    rewards: str
    step: int = Field(description="Training steps completed: responses scored / (prompts_per_step x n_samples).")
    timeout: float
    workers: int
    stuck_workers: int
    timed_out_checks: int
    running_checks: int = Field(description="Checks running now (at most `workers`).")
    queued_checks: int = Field(description="Checks waiting for a thread.")
    waiting_requests: int = Field(description="Requests with checks waiting; threads serve them in turn.")
    longest_wait_s: float = Field(description="Longest time a waiting request has gone without a thread, in seconds.")
    cached_rows: int = Field(description="Parsed gold answers and problems kept for reuse.")
    cached_rows_mb: float = Field(description="Their estimated size in MiB (bounded by cache_mb).")
    max_items: int
    max_response_chars: int
    n_samples: int | None
    held_samples: int = Field(description="One-sample requests of a group-based reward waiting for the rest of their group.")
    open_groups: int = Field(description="Groups of one-sample requests still filling.")
    group_timeouts: int = Field(description="Groups (or a first step) that timed out since the start.")


class ErrorResponse(BaseModel):
    detail: str = Field(description="What is wrong with the request and how to fix it.")
