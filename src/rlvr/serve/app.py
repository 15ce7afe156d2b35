"""`create_app()`: rlvr's verifier, task checks and rewards as a FastAPI application.

Endpoints: `GET /health`, `POST /verify` (math answers against gold answers), `POST /check`
(responses to rlvr task problems) and `POST /reward` (OpenRLHF's remote reward-model
protocol; also served at `/get_reward`, the path OpenRLHF's own server uses). Checks run
in a thread pool, so the event loop keeps answering while they work; bad requests get a
422 whose `detail` says what to fix.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from rlvr import __version__
from rlvr.engines.scoring import RowChecker, row_checker
from rlvr.rewards.base import RewardError
from rlvr.tasks.base import TaskError
from rlvr.verify import VerifyError
from rlvr.serve.checking import CheckRunner, ItemError, Saturated
from rlvr.serve.rewarding import RemoteReward
from rlvr.serve.schemas import (
    CheckRequest,
    ErrorResponse,
    Health,
    RewardRequest,
    RewardResponse,
    VerdictsResponse,
    VerifyRequest,
)
from rlvr.serve.settings import ServeError, ServeSettings

log = logging.getLogger("rlvr.serve")

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "The request is malformed or breaks a limit; `detail` says what to fix."},
    503: {"model": ErrorResponse, "description": "Every check thread is stuck; restart the server."},
}
# At most this many validation problems are spelled out in one 422.
_MAX_LISTED_ERRORS = 5


def create_app(rewards: Any = "correct", *, timeout: float = 2.0, workers: int = 8, **options: Any) -> FastAPI:
    """The service, configured for `rewards` (used by /reward).

    rewards: a method or recipe name (`"correct"`, `"laser_d"`), `"name:weight,..."`, or a
             list of `(name, weight)` pairs; see `rlvr rewards list`.
    timeout: seconds allowed to check one response. workers: threads checking in parallel.
    options: the other `ServeSettings` fields: `params`, `max_items`, `max_response_chars`,
             `n_samples`, `prompts_per_step`, `max_length`, `tokenizer`.
    Raises `ServeError` when the configuration cannot work (e.g. a group-based reward
    without `n_samples`).
    """
    settings = ServeSettings(rewards=rewards, timeout=timeout, workers=workers, **options)
    reward = RemoteReward(settings)
    runner = CheckRunner(settings.workers, settings.item_deadline)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()

    app = FastAPI(
        title="rlvr",
        version=__version__,
        summary="Verifiable rewards over HTTP: math answer verification, task checks and reward shaping.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.reward = reward
    app.state.runner = runner
    _add_error_handlers(app)

    @app.get("/health", response_model=Health, summary="Liveness and configuration")
    async def health() -> Health:
        return Health(
            status="degraded" if runner.stuck else "ok",
            version=__version__,
            rewards=reward.name,
            step=reward.step,
            timeout=float(settings.timeout),
            workers=settings.workers,
            stuck_workers=runner.stuck,
            timed_out_checks=runner.timed_out,
            max_items=settings.max_items,
            max_response_chars=settings.max_response_chars,
            n_samples=settings.n_samples,
        )

    @app.post("/verify", response_model=VerdictsResponse, responses=_ERRORS, summary="Check math answers against gold answers")
    async def verify(body: VerifyRequest) -> dict[str, Any]:
        """One verdict per item: is the final answer in `response` equal to `gold`?"""
        responses = [item.response for item in body.items]
        _check_limits(settings, responses, "item", "items")
        checkers = [_checker(i, settings.timeout, gold=item.gold) for i, item in enumerate(body.items)]
        verdicts = await runner.verdicts(responses, checkers)
        return {"verdicts": [verdict.to_dict() for verdict in verdicts]}

    @app.post("/check", response_model=VerdictsResponse, responses=_ERRORS, summary="Check responses to rlvr task problems")
    async def check(body: CheckRequest) -> dict[str, Any]:
        """One verdict per item, by the task family named in its `problem_json`."""
        responses = [item.response for item in body.items]
        _check_limits(settings, responses, "item", "items")
        problems = [_problem_text(item.problem_json) for item in body.items]
        _check_limits(settings, problems, "problem_json of item", "items")
        checkers = [_checker(i, settings.timeout, problem_json=problem) for i, problem in enumerate(problems)]
        verdicts = await runner.verdicts(responses, checkers)
        return {"verdicts": [verdict.to_dict() for verdict in verdicts]}

    async def score(body: RewardRequest) -> dict[str, Any]:
        """Rewards for a batch in OpenRLHF's remote reward-model protocol.

        Send `{"query": [...], "prompts": [...], "labels": [...]}`; the answer is
        `{"rewards": [...], "scores": [...], "extra_logs": {...}}`. Group-based rewards
        need whole groups of `n_samples` consecutive samples per request.
        """
        _check_limits(settings, body.query, "query", "queries")
        _check_limits(settings, body.labels, "label", "labels")
        result = await reward(runner, body.query, body.prompts, body.labels)
        return result.to_openrlhf()

    for path in ("/reward", "/get_reward"):
        app.post(path, response_model=RewardResponse, responses=_ERRORS, summary="Rewards (OpenRLHF remote reward model)")(score)
    return app


def _check_limits(settings: ServeSettings, texts: Sequence[Any], what: str, plural: str) -> None:
    if len(texts) > settings.max_items:
        raise ServeError(f"{len(texts)} {plural} in one request; the limit is {settings.max_items} (split the batch or raise --max-items)")
    for i, text in enumerate(texts):
        if isinstance(text, str) and len(text) > settings.max_response_chars:
            raise ServeError(
                f"{what} {i} is {len(text)} characters long; the limit is {settings.max_response_chars} "
                "(raise --max-response-chars if your generation length needs it)"
            )


def _checker(index: int, timeout: float, *, gold: Any = None, problem_json: str | None = None) -> RowChecker:
    try:
        return row_checker(gold=gold, problem_json=problem_json, timeout=timeout)
    except RewardError as err:
        raise ItemError(index, err) from None


def _problem_text(problem: str | Mapping[str, Any]) -> str:
    return problem if isinstance(problem, str) else json.dumps(problem, ensure_ascii=False)


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_body(_request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [f"{'.'.join(str(part) for part in item.get('loc', ()))}: {item.get('msg', 'invalid')}" for item in error.errors()]
        more = len(problems) - _MAX_LISTED_ERRORS
        detail = "; ".join(problems[:_MAX_LISTED_ERRORS]) + (f"; and {more} more" if more > 0 else "")
        return JSONResponse(status_code=422, content={"detail": f"invalid request body: {detail}"})

    async def bad_request(_request: Request, error: Exception) -> JSONResponse:
        return JSONResponse(status_code=422, content={"detail": str(error)})

    # The library's input errors all say what to fix; any other exception is a bug (500).
    for error_type in (ServeError, ItemError, RewardError, TaskError, VerifyError):
        app.add_exception_handler(error_type, bad_request)

    @app.exception_handler(Saturated)
    async def saturated(_request: Request, error: Saturated) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(error)})

    @app.exception_handler(Exception)
    async def internal(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error while serving a request")
        return JSONResponse(status_code=500, content={"detail": f"internal error ({type(error).__name__}); see the server log"})
