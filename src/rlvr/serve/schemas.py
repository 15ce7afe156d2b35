"""Request and response bodies of the HTTP API (pydantic models, shown in the OpenAPI docs)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictFloat, StrictInt, StrictStr

Gold = StrictStr | StrictInt | StrictFloat


class _Body(BaseModel):
    # Unknown keys are refused so that a misspelt field is an error, not a silently ignored option.
    model_config = ConfigDict(extra="forbid")


class VerifyItem(_Body):
    response: StrictStr = Field(description="The model's full response; its final answer is extracted.")
    gold: Gold = Field(description="The reference answer (LaTeX or plain text, or a number).")


class VerifyRequest(_Body):
    items: list[VerifyItem] = Field(description="Responses with their gold answers.")


class CheckItem(_Body):
    response: StrictStr = Field(description="The model's full response.")
    problem_json: StrictStr | dict[str, Any] = Field(
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

    query: list[StrictStr] = Field(description="Prompt + response, decoded as text, one per sample.")
    prompts: list[StrictStr] = Field(description="The prompt of each sample (the response is what follows it in the query).")
    labels: list[Gold | None] = Field(description="The --label_key column: a gold math answer or rlvr's problem_json.")


class RewardResponse(BaseModel):
    rewards: list[float] = Field(description="The reward of each sample.")
    scores: list[float] = Field(description="Correctness in [0, 1] (OpenRLHF's dynamic filtering reads it).")
    extra_logs: dict[str, list[float]] = Field(description="Per-sample rlvr/acc and rlvr/<component>, logged by OpenRLHF.")


class Health(BaseModel):
    status: str = Field(description="ok, or degraded when check threads are stuck.")
    version: str
    rewards: str
    step: int = Field(description="Training steps completed: responses scored / (prompts_per_step x n_samples).")
    timeout: float
    workers: int
    stuck_workers: int
    timed_out_checks: int
    max_items: int
    max_response_chars: int
    n_samples: int | None


class ErrorResponse(BaseModel):
    detail: str = Field(description="What is wrong with the request and how to fix it.")
