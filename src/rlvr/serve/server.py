"""Running the app under uvicorn with bounded connections.

uvicorn closes an idle connection only after it has answered a request on it: a client
that connects and sends nothing holds a file descriptor forever, and ~1,100 of them once
exhausted the process's open-file limit, made the server unreachable and filled the log
with EMFILE tracebacks. Here every connection is timed out after `keep_alive` seconds
without a request in progress, the open-file soft limit is raised to the hard one, and
past `max_connections` a new connection evicts the longest-open idle one (or, when none
is idle, is closed itself), so the descriptors in use stay below the limit. Should the
limit be hit anyway (other processes, a lower limit than configured), asyncio's per-accept
traceback becomes one line every few seconds.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Any

log = logging.getLogger("rlvr.serve")

# asyncio accepts up to `backlog` connections in one go before any of them is seen (and
# before an idle one can be evicted), so the listen queue is kept short...
_BACKLOG = 128
# ...and descriptors are kept free for such a burst and for everything but client sockets:
# the listening socket, logs, the verifier's worker pipes, tokenizer files.
_RESERVED_FILES = _BACKLOG + 64
_ACCEPT_ERROR = "socket.accept() out of system resource"
_ACCEPT_ERROR_EVERY = 10.0
# Where the hard limit is "unlimited", aim the soft limit here.
_UNLIMITED_TARGET = 1 << 16
# On SIGTERM, requests still running this long after are cancelled: a one-sample request held
# for its group (up to --group-timeout) would otherwise keep the server from stopping.
_SHUTDOWN_GRACE = 30.0


def raise_open_file_limit() -> int | None:
    """Raise this process's soft open-file limit to the hard one; the soft limit now (None if unknown)."""
    try:
        import resource
    except ImportError:  # not on POSIX
        return None
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = hard if hard != resource.RLIM_INFINITY else max(soft, _UNLIMITED_TARGET)
    if soft != resource.RLIM_INFINITY and soft < target:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
            soft = target
        except (ValueError, OSError) as err:
            log.warning("could not raise the open-file limit from %d to %d: %s", soft, target, err)
    return None if soft == resource.RLIM_INFINITY else soft


def connection_cap(max_connections: int, open_files: int | None) -> int:
    """`max_connections`, lowered so that client sockets cannot exhaust `open_files`."""
    if open_files is None or max_connections + _RESERVED_FILES <= open_files:
        return max_connections
    fitted = max(1, open_files - _RESERVED_FILES)
    log.warning("max_connections lowered from %d to %d: the open-file limit is %d (raise it with ulimit -n)",
                max_connections, fitted, open_files)
    return fitted


def bounded_protocol(max_connections: int) -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol, with idle connections timed out from the start and capped in number."""
    from uvicorn.protocols.http.auto import AutoHTTPProtocol

    base: Any = AutoHTTPProtocol

    class BoundedHTTPProtocol(base):  # type: ignore[misc, valid-type]
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self.opened_at = self.loop.time()
            # uvicorn arms its keep-alive timer only after a response; a silent client would never be timed out.
            self._unset_keepalive_if_required()
            self.timeout_keep_alive_task = self.loop.call_later(self.timeout_keep_alive, self.timeout_keep_alive_handler)
            if len(self.connections) > max_connections:
                _evict(self, max_connections)

    return BoundedHTTPProtocol


def _evict(newcomer: Any, max_connections: int) -> None:
    # A closed connection leaves the set a loop turn later; until then it is not counted.
    open_ones = [c for c in newcomer.connections if not c.transport.is_closing()]
    if len(open_ones) <= max_connections:
        return
    idle = [c for c in open_ones if c is not newcomer and _is_idle(c)]
    victim = min(idle, key=lambda c: getattr(c, "opened_at", 0.0)) if idle else newcomer
    victim.transport.close()


def _is_idle(connection: Any) -> bool:
    # No request being answered: never sent one, or its last response is complete.
    cycle = getattr(connection, "cycle", None)
    return cycle is None or bool(cycle.response_complete)


class _OneLineAcceptErrors(logging.Filter):
    """asyncio logs a traceback for every refused accept (thousands a second): one line per 10 s instead."""

    def __init__(self) -> None:
        super().__init__()
        self._last = -_ACCEPT_ERROR_EVERY
        self._dropped = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not str(record.msg).startswith(_ACCEPT_ERROR):
            return True
        now = time.monotonic()
        if now - self._last < _ACCEPT_ERROR_EVERY:
            self._dropped += 1
            return False
        record.msg = (f"out of file descriptors, new connections wait ({self._dropped} more such errors since the last "
                      "report); raise ulimit -n or lower --max-connections")
        record.args, record.exc_info, record.exc_text = (), None, None
        self._last, self._dropped = now, 0
        return True


def run(app: Any, *, host: str, port: int, log_level: str, max_connections: int, keep_alive: float) -> None:
    """Serve `app` until interrupted."""
    import uvicorn

    cap = connection_cap(max_connections, raise_open_file_limit())
    logging.getLogger("asyncio").addFilter(_OneLineAcceptErrors())
    # The group hub words its timeouts for verl (reward_kwargs...); rlvr.serve.grouping logs the server's own line.
    logging.getLogger("rlvr.engines.group_hub").addFilter(lambda record: "timeout" not in str(record.msg))
    # uvicorn answers 503 once limit_concurrency requests are in progress; +1 because it counts the
    # asking connection among the open ones, which eviction already keeps at `cap`.
    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, http=bounded_protocol(cap),
                            limit_concurrency=cap + 1, timeout_keep_alive=keep_alive, backlog=_BACKLOG,
                            timeout_graceful_shutdown=_SHUTDOWN_GRACE)  # type: ignore[arg-type]
    uvicorn.Server(config).run()
