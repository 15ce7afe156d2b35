"""A client for `rlvr serve`, and a verl reward function that asks a running server.

    from rlvr.serve.client import RlvrClient
    with RlvrClient("http://127.0.0.1:8000") as client:
        client.verify([("... \\boxed{1/2}", "0.5")])[0]["correct"]     # True

verl (`reward.custom_reward_function.path=pkg://rlvr.serve.client`, `name=compute_score`,
`+reward.custom_reward_function.reward_kwargs.url=http://HOST:PORT`) checks each response
on the server: rows with `extra_info.problem_json` by their task, others against
`reward_model.ground_truth`. The server URL can also come from `RLVR_SERVE_URL`.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from typing import Any

from rlvr.serve.settings import ServeError

DEFAULT_URL = "http://127.0.0.1:8000"
# Generous: a full batch of checks can take a while on a busy server; the server bounds each check.
DEFAULT_REQUEST_TIMEOUT = 300.0
DEFAULT_RETRIES = 3
RETRY_BACKOFF = 1.0


class ServerUnavailable(RuntimeError):
    """The server could not be reached or answered with a server-side error."""


class RlvrClient:
    """Thin synchronous client; bad requests raise `ServeError` with the server's explanation."""

    def __init__(self, url: str = DEFAULT_URL, timeout: float = DEFAULT_REQUEST_TIMEOUT, retries: int = DEFAULT_RETRIES) -> None:
        import httpx

        self.url = url.rstrip("/")
        self.retries = retries
        self._http = httpx.Client(base_url=self.url, timeout=timeout)

    def __enter__(self) -> RlvrClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def health(self) -> dict[str, Any]:
        """The server's status and configuration."""
        return self._call("GET", "/health")

    def verify(self, pairs: Sequence[tuple[str, Any]]) -> list[dict[str, Any]]:
        """Verdict dicts for (response, gold) pairs."""
        items = [{"response": response, "gold": gold} for response, gold in pairs]
        return self._call("POST", "/verify", {"items": items})["verdicts"]

    def check(self, pairs: Sequence[tuple[str, Any]]) -> list[dict[str, Any]]:
        """Verdict dicts for (response, problem_json) pairs of rlvr task problems."""
        items = [{"response": response, "problem_json": problem} for response, problem in pairs]
        return self._call("POST", "/check", {"items": items})["verdicts"]

    def reward(self, queries: Sequence[str], prompts: Sequence[str], labels: Sequence[Any]) -> dict[str, Any]:
        """`{"rewards", "scores", "extra_logs"}` for a batch, as OpenRLHF would receive it."""
        return self._call("POST", "/reward", {"query": list(queries), "prompts": list(prompts), "labels": list(labels)})

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        import httpx

        for attempt in range(self.retries + 1):
            try:
                reply = self._http.request(method, path, json=body)
                break
            except httpx.TransportError as err:
                # A restarting server should not end a training run: retry a few times, then say so.
                if attempt == self.retries:
                    raise ServerUnavailable(f"cannot reach the rlvr server at {self.url} ({err}); start it with `rlvr serve`") from None
                time.sleep(RETRY_BACKOFF * 2**attempt)
        if reply.status_code in (413, 422):  # the request is too large or malformed: retrying cannot help
            raise ServeError(_detail(reply))
        if reply.status_code != 200:
            raise ServerUnavailable(f"the rlvr server at {self.url} answered {reply.status_code}: {_detail(reply)}")
        return reply.json()


def _detail(reply: Any) -> str:
    try:
        return str(reply.json().get("detail", reply.text))
    except ValueError:
        return reply.text[:500]


_clients: dict[str, RlvrClient] = {}
_clients_lock = threading.Lock()


def _client(url: str | None) -> RlvrClient:
    url = url or os.environ.get("RLVR_SERVE_URL") or DEFAULT_URL
    with _clients_lock:
        if url not in _clients:
            _clients[url] = RlvrClient(url)
        return _clients[url]


def compute_score(data_source: str, solution_str: str, ground_truth: Any, extra_info: dict[str, Any] | None = None,
                  url: str | None = None, **_verl_kwargs: Any) -> dict[str, float]:
    """verl's custom reward function: `{"score", "acc"}` for one response, checked by the server."""
    problem_json = (extra_info or {}).get("problem_json")
    client = _client(url)
    if problem_json:
        verdict = client.check([(solution_str, problem_json)])[0]
    else:
        verdict = client.verify([(solution_str, ground_truth)])[0]
    return {"score": float(verdict["score"]), "acc": float(verdict["correct"])}
