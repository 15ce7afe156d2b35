"""`rlvr serve`: the verifier, task checks and rewards as an HTTP service.

    from rlvr.serve import create_app           # FastAPI app (needs the `serve` extra)
    app = create_app("correct", timeout=2.0, workers=8)

Endpoints: GET /health, POST /verify, POST /check, POST /reward (OpenRLHF's remote
reward-model protocol, also at /get_reward). `rlvr.serve.client` holds a client and a verl
reward function that asks a running server. FastAPI is imported only when an app is made.
"""

from __future__ import annotations

from typing import Any

from rlvr.serve.settings import ServeError, ServeSettings

__all__ = ["RlvrClient", "ServeError", "ServeSettings", "create_app"]


def __getattr__(name: str) -> Any:
    # Lazy, so `import rlvr.serve` (the CLI does) never imports fastapi or httpx.
    if name == "create_app":
        from rlvr.serve.app import create_app

        return create_app
    if name == "RlvrClient":
        from rlvr.serve.client import RlvrClient

        return RlvrClient
    raise AttributeError(f"module 'rlvr.serve' has no attribute {name!r}")
