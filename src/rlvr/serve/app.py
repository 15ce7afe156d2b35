"""`create_app()`: rlvr's verifier, task checks and rewards as a FastAPI application.

Endpoints: `GET /health`, `POST /verify` (math answers against gold answers), `POST /check`
(responses to rlvr task problems), `POST /reward` (OpenRLHF's remote reward-model
protocol; also served at `/get_reward`, the path OpenRLHF's own server uses) and
`POST /run_code` (SandboxFusion's API for verl's code rewards, see `run_code.py`). Checks run
in a thread pool, so the event loop keeps answering while they work; bad requests get a
422 whose `detail` says what to fix.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from rlvr import __version__
from rlvr.engines.scoring import RowChecker
from rlvr.rewards.base import RewardError
from rlvr.tasks.base import TaskError
from rlvr.verify import VerifyError
from rlvr.serve.checking import CheckRunner, ItemError, Saturated
from rlvr.serve.limits import BodyLimit
from rlvr.serve.rewarding import RemoteReward
from rlvr.serve.rows import RowCache
from rlvr.serve.run_code import add_run_code
from rlvr.serve.schemas import (
    CheckRequest,
    ErrorResponse,
    Health,
    RewardRequest,
    RewardResponse,
    VerdictsResponse,
    VerifyRequest,
    utf8_text,
)
from rlvr.serve.settings import ServeError, ServeSettings

log = logging.getLogger("rlvr.serve")

_ERRORS: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorResponse, "description": "The request is malformed or breaks a limit; `detail` says what to fix."},
    503: {"model": ErrorResponse, "description": "Every check thread is stuck; restart the server."},
}
# At most this many validation problems are spelled out in one 422, each field name cut to
# a few characters: a reply must stay one short line whatever the request held.
_MAX_LISTED_ERRORS = 5
_MAX_NAME_CHARS = 40
_MAX_DETAIL_CHARS = 1000


def create_app(rewards: Any = "correct", *, timeout: float = 2.0, workers: int = 8, **options: Any) -> FastAPI:
    """The service, configured for `rewards` (used by /reward).

    rewards: a method or recipe name (`"correct"`, `"laser_d"`), `"name:weight,..."`, or a
             list of `(name, weight)` pairs; see `rlvr rewards list`.
    timeout: seconds allowed to check one response. workers: threads checking in parallel.
    options: the other `ServeSettings` fields: `params`, `max_items`, `max_response_chars`,
             `max_gold_chars`, `max_problem_chars`, `max_body_mb`, `cache_mb`, `n_samples`,
             `group_timeout`, `prompts_per_step`, `max_length`, `tokenizer`.
    Raises `ServeError` when the configuration cannot work (e.g. a group-based reward
    without `n_samples`).
    """
    settings = ServeSettings(rewards=rewards, timeout=timeout, workers=workers, **options)
    rows = RowCache(int(settings.cache_mb * 2**20), settings.timeout, settings.max_gold_chars, settings.max_problem_chars)
    reward = RemoteReward(settings, rows)
    runner = CheckRunner(settings.workers, settings.item_deadline)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        runner.close()
        code_runner.close()

    app = FastAPI(
        title="rlvr",
        version=__version__,
        summary="Verifiable rewards over HTTP: math answer verification, task checks and reward shaping.",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.reward = reward
    app.state.runner = runner
    app.state.rows = rows
    _add_error_handlers(app)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes)

    @app.get("/health", response_model=Health, summary="Liveness, load and configuration")
    async def health() -> Health:
        load = runner.load()
        # Busy: every thread is checking and checks wait for one, so new work will queue.
        busy = load.queued > 0 and load.running >= settings.workers
        return Health(
            status="degraded" if runner.stuck else "busy" if busy else "ok",
            version=__version__,
            rewards=reward.name,
            step=reward.step,
            timeout=float(settings.timeout),
            workers=settings.workers,
            stuck_workers=runner.stuck,
            timed_out_checks=runner.timed_out,
            running_checks=load.running,
            queued_checks=load.queued,
            waiting_requests=load.requests,
            longest_wait_s=round(load.oldest_queued_s, 3),
            cached_rows=len(rows),
            cached_rows_mb=round(rows.bytes / 2**20, 3),
            max_items=settings.max_items,
            max_response_chars=settings.max_response_chars,
            n_samples=settings.n_samples,
            held_samples=reward.samples.waiting if reward.samples else 0,
            open_groups=reward.samples.open_groups if reward.samples else 0,
            group_timeouts=reward.samples.hub.stats()["timeouts"] if reward.samples else 0,
        )

    @app.post("/verify", response_model=VerdictsResponse, responses=_ERRORS, summary="Check math answers against gold answers")
    async def verify(body: VerifyRequest) -> dict[str, Any]:
        """One verdict per item: is the final answer in `response` equal to `gold`?"""
        responses = [item.response for item in body.items]
        _check_limits(settings, responses, "item", "items")
        checkers = [_checker(i, rows.gold, item.gold) for i, item in enumerate(body.items)]
        verdicts = await runner.verdicts(responses, checkers)
        return {"verdicts": [verdict.to_dict() for verdict in verdicts]}

    @app.post("/check", response_model=VerdictsResponse, responses=_ERRORS, summary="Check responses to rlvr task problems")
    async def check(body: CheckRequest) -> dict[str, Any]:
        """One verdict per item, by the task family named in its `problem_json`."""
        responses = [item.response for item in body.items]
        _check_limits(settings, responses, "item", "items")
        problems = [_problem_text(item.problem_json) for item in body.items]
        checkers = [_checker(i, rows.problem, problem) for i, problem in enumerate(problems)]
        verdicts = await runner.verdicts(responses, checkers)
        return {"verdicts": [verdict.to_dict() for verdict in verdicts]}

    async def score(body: RewardRequest, request: Request) -> dict[str, Any]:
        """Rewards for a batch in OpenRLHF's remote reward-model protocol.

        Send `{"query": [...], "prompts": [...], "labels": [...]}`; the answer is
        `{"rewards": [...], "scores": [...], "extra_logs": {...}}`. Group-based rewards
        take whole groups of `n_samples` consecutive samples per request, or one sample
        per request: that request is answered once its prompt's other samples have come.
        """
        _check_limits(settings, body.query, "query", "queries")
        _check_limits(settings, body.labels, "label", "labels")
        result = await reward(runner, body.query, body.prompts, body.labels, disconnected=lambda: _disconnected(request))
        return result.to_openrlhf()

    for path in ("/reward", "/get_reward"):
        app.post(path, response_model=RewardResponse, responses=_ERRORS, summary="Rewards (OpenRLHF remote reward model)")(score)
    # POST /run_code: SandboxFusion's API as verl's sandbox client calls it (rlvr.serve.run_code).
    code_runner = add_run_code(app, settings)
    return app


async def _disconnected(request: Request) -> None:
    """Returns when the client of `request` has gone away (its body has been read already)."""
    while (await request.receive())["type"] != "http.disconnect":
        await asyncio.sleep(0.1)  # more body than expected: nothing to do with it, and no busy loop


def _check_limits(settings: ServeSettings, texts: Sequence[Any], what: str, plural: str) -> None:
    if len(texts) > settings.max_items:
        raise ServeError(f"{len(texts)} {plural} in one request; the limit is {settings.max_items} (split the batch or raise --max-items)")
    for i, text in enumerate(texts):
        if isinstance(text, str) and len(text) > settings.max_response_chars:
            raise ServeError(
                f"{what} {i} is {len(text)} characters long; the limit is {settings.max_response_chars} "
                "(raise --max-response-chars if your generation length needs it)"
            )


def _checker(index: int, make: Callable[[Any], RowChecker], row: Any) -> RowChecker:
    try:
        return make(row)
    except RewardError as err:
        raise ItemError(index, err) from None


def _problem_text(problem: str | Mapping[str, Any]) -> str:
    if isinstance(problem, str):
        return problem
    try:
        return utf8_text(json.dumps(problem, ensure_ascii=False))
    except (RecursionError, ValueError) as err:
        raise ServeError(f"an inline problem_json cannot be written back as JSON ({type(err).__name__})") from None


_FASTAPI_PARSE_ERROR = "There was an error parsing the body"


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} characters)"


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_body(_request: Request, error: RequestValidationError) -> JSONResponse:
        # Never the offending input (pydantic's `input`): it may be megabytes long.
        errors = error.errors()
        problems = [
            f"{'.'.join(_short(str(part), _MAX_NAME_CHARS) for part in item.get('loc', ()))}: {item.get('msg', 'invalid')}"
            for item in errors[:_MAX_LISTED_ERRORS]
        ]
        more = len(errors) - _MAX_LISTED_ERRORS
        detail = "; ".join(problems) + (f"; and {more} more" if more > 0 else "")
        return _error(422, f"invalid request body: {detail}")

    async def bad_request(_request: Request, error: Exception) -> JSONResponse:
        return _error(422, str(error))

    # The library's input errors all say what to fix; any other exception is a bug (500).
    for error_type in (ServeError, ItemError, RewardError, TaskError, VerifyError):
        app.add_exception_handler(error_type, bad_request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, error: StarletteHTTPException) -> JSONResponse:
        if error.status_code == 400 and error.detail == _FASTAPI_PARSE_ERROR:
            # FastAPI's words for a body json cannot load (RecursionError, ValueError): say what to fix
            return _error(400, "the request body is not JSON the server can read: nested too deeply, or an integer "
                               "with more than 4,300 digits; send flat JSON objects with numbers of ordinary size")
        return _error(error.status_code, str(error.detail))

    @app.exception_handler(Saturated)
    async def saturated(_request: Request, error: Saturated) -> JSONResponse:
        return _error(503, str(error))

    @app.exception_handler(Exception)
    async def internal(_request: Request, error: Exception) -> JSONResponse:
        log.exception("unexpected error while serving a request")
        return _error(500, f"internal error ({type(error).__name__}); see the server log")


def _error(status: int, detail: str) -> JSONResponse:
    # One short line whatever the request held (utf8_text: a message may quote request text).
    return JSONResponse(status_code=status, content={"detail": utf8_text(_short(detail, _MAX_DETAIL_CHARS))})
