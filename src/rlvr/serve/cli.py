"""`rlvr serve`: run the verification and reward service with uvicorn."""

from __future__ import annotations

import json
import signal
import threading
from typing import Any, NoReturn

import typer

from rlvr.serve.settings import (
    DEFAULT_CACHE_MB,
    DEFAULT_GROUP_TIMEOUT,
    DEFAULT_KEEP_ALIVE,
    DEFAULT_MAX_CONNECTIONS,
    DEFAULT_MAX_BODY_MB,
    DEFAULT_MAX_GOLD_CHARS,
    DEFAULT_MAX_ITEMS,
    DEFAULT_MAX_PROBLEM_CHARS,
    DEFAULT_MAX_RESPONSE_CHARS,
    DEFAULT_TIMEOUT,
    DEFAULT_WORKERS,
)


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(code=2)


def serve(
    host: str = typer.Option("127.0.0.1", help="Address to bind (0.0.0.0 to accept other machines)."),
    port: int = typer.Option(8000, min=1, max=65535, help="Port."),
    rewards: str = typer.Option("correct", help="Reward for /reward: method or recipe (laser_d, l1_max, ...) or 'name:weight,...'."),
    params: str = typer.Option("", help='Per-method parameters as JSON, e.g. \'{"laser_d": {"monitor_every": 20}}\'.'),
    workers: int = typer.Option(DEFAULT_WORKERS, help="Threads checking responses in parallel."),
    timeout: float = typer.Option(DEFAULT_TIMEOUT, help="Seconds allowed to check one response."),
    n_samples: int | None = typer.Option(None, help="Responses per prompt (OpenRLHF n_samples_per_prompt); group-based rewards."),
    group_timeout: float = typer.Option(DEFAULT_GROUP_TIMEOUT, help="Seconds a one-sample request waits for the rest of its prompt's group (group-based rewards)."),
    prompts_per_step: int | None = typer.Option(None, help="Prompts per training step (rollout batch size); stateful rewards."),
    tokenizer: str | None = typer.Option(None, help="Local tokenizer folder to count response tokens; length-based rewards."),
    max_length: int | None = typer.Option(None, help="Generation limit in tokens; responses reaching it count as truncated."),
    max_items: int = typer.Option(DEFAULT_MAX_ITEMS, help="Most items or queries per request."),
    max_response_chars: int = typer.Option(DEFAULT_MAX_RESPONSE_CHARS, help="Longest response or query accepted, in characters."),
    max_gold_chars: int = typer.Option(DEFAULT_MAX_GOLD_CHARS, help="Longest gold answer accepted, in characters."),
    max_problem_chars: int = typer.Option(DEFAULT_MAX_PROBLEM_CHARS, help="Longest problem_json accepted, in characters."),
    max_body_mb: float = typer.Option(DEFAULT_MAX_BODY_MB, help="Largest request body in MiB; bigger ones get a 413 unread."),
    cache_mb: float = typer.Option(DEFAULT_CACHE_MB, help="Memory in MiB for parsed gold answers and problems kept between requests."),
    max_connections: int = typer.Option(DEFAULT_MAX_CONNECTIONS, min=1, help="Most open connections; past it a new one evicts the longest-open idle one."),
    keep_alive: float = typer.Option(DEFAULT_KEEP_ALIVE, min=0.1, help="Seconds a connection may stay open with no request in progress."),
    log_level: str = typer.Option("info", help="uvicorn log level (debug, info, warning, error)."),
) -> None:
    """Serve verification, task checks and rewards over HTTP (docs at http://HOST:PORT/docs)."""
    try:
        import uvicorn  # noqa: F401 - checked here so that a missing extra is one clear line

        from rlvr.serve.app import create_app
        from rlvr.serve.server import run
    except ImportError as err:
        _fail(f"the server needs the serve extra ({err.name} is missing): pip install 'rlvr[serve]'")
    from rlvr.serve.settings import ServeError
    from rlvr.verify import warm_up

    try:
        app = create_app(
            rewards, timeout=timeout, workers=workers, params=_params(params), n_samples=n_samples,
            group_timeout=group_timeout, prompts_per_step=prompts_per_step, tokenizer=tokenizer, max_length=max_length,
            max_items=max_items, max_response_chars=max_response_chars, max_gold_chars=max_gold_chars,
            max_problem_chars=max_problem_chars, max_body_mb=max_body_mb, cache_mb=cache_mb,
        )
    except ServeError as err:
        _fail(str(err))
    # Start the symbolic worker now rather than on the first request.
    warm_up()
    # One process on purpose: stateful rewards (steps, LASER-D targets) live in it.
    # the server shuts down gracefully on SIGTERM itself (and re-raises it after), so the
    # command line's SIGTERM-as-exception handling must not turn that into an error exit
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    run(app, host=host, port=port, log_level=log_level, max_connections=max_connections, keep_alive=keep_alive)


def _params(text: str) -> dict[str, Any] | None:
    if not text.strip():
        return None
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        _fail(f"--params is not valid JSON: {err}")
    if not isinstance(value, dict):
        _fail('--params must be a JSON object such as \'{"laser_d": {"monitor_every": 20}}\'')
    return value
