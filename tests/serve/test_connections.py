"""A real server under idle-connection floods and oversized bodies, over loopback only."""

from __future__ import annotations

import json
import logging
import select
import socket
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from serve_helpers import serve_process

from rlvr.serve.server import _OneLineAcceptErrors, connection_cap

MAX_CONNECTIONS = 16
KEEP_ALIVE = 1.0
# Generous: the CI box is a shared 2-core machine.
SLACK = 10.0


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, int]]:
    log_path = tmp_path_factory.mktemp("serve-connections") / "server.log"
    args = ["--workers", "2", "--keep-alive", str(KEEP_ALIVE), "--max-connections", str(MAX_CONNECTIONS), "--max-body-mb", "1"]
    with serve_process(args, log_path) as url:
        yield url, int(url.rsplit(":", 1)[1])


def closed_by_server(sock: socket.socket, limit: float) -> bool:
    """True once the server has closed `sock` (EOF or reset) within `limit` seconds."""
    ready, _, _ = select.select([sock], [], [], limit)
    if not ready:
        return False
    try:
        return sock.recv(1) == b""
    except ConnectionError:
        return True


def read_reply(sock: socket.socket) -> tuple[bytes, bytes]:
    """The status line and headers, and the body (by its Content-Length) of one HTTP reply."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, f"the server closed the connection mid-reply: {data!r}"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = next(int(line.split(b":", 1)[1]) for line in head.lower().split(b"\r\n") if line.startswith(b"content-length:"))
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection mid-body"
        body += chunk
    return head, body


def test_idle_connections_are_capped_and_timed_out(server: tuple[str, int]) -> None:
    url, port = server
    idle = []
    try:
        for _ in range(3 * MAX_CONNECTIONS):  # 48 clients that connect and never send a request
            idle.append(socket.create_connection(("127.0.0.1", port), timeout=5.0))
        started = time.monotonic()
        reply = httpx.get(f"{url}/health", timeout=SLACK)
        assert reply.status_code == 200, "a flood of idle connections does not lock other clients out"
        assert time.monotonic() - started < SLACK
        deadline = time.monotonic() + KEEP_ALIVE + SLACK
        still_open = [s for s in idle if not closed_by_server(s, max(0.0, deadline - time.monotonic()))]
        assert not still_open, f"{len(still_open)} of {len(idle)} idle connections were never closed"
    finally:
        for sock in idle:
            sock.close()
    assert httpx.get(f"{url}/health", timeout=SLACK).status_code == 200


def test_a_connection_is_kept_alive_between_requests_then_closed(server: tuple[str, int]) -> None:
    url, port = server
    with socket.create_connection(("127.0.0.1", port), timeout=SLACK) as sock:
        for _ in range(2):  # two requests on one connection: keep-alive still works
            sock.sendall(b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            head, body = read_reply(sock)
            assert head.startswith(b"HTTP/1.1 200") and json.loads(body)["status"] == "ok"
        assert closed_by_server(sock, KEEP_ALIVE + SLACK)


def test_an_oversized_body_is_refused_before_it_is_sent(server: tuple[str, int]) -> None:
    _, port = server
    with socket.create_connection(("127.0.0.1", port), timeout=SLACK) as sock:
        # Only the headers go out: the 413 must come without the server waiting for 1 GB.
        sock.sendall(b"POST /verify HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000000000\r\n\r\n")
        head, body = read_reply(sock)
    assert head.startswith(b"HTTP/1.1 413")
    detail = json.loads(body)["detail"]
    assert "1000000000 bytes" in detail and "1048576 bytes" in detail


def test_a_flood_past_the_open_file_limit_leaves_the_server_reachable(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The audit's case: more idle clients than the process may open files; no EMFILE, still answering."""
    log_path = tmp_path_factory.mktemp("serve-files") / "server.log"
    with serve_process(["--workers", "2"], log_path, open_files=512) as url:
        port = int(url.rsplit(":", 1)[1])
        idle = []
        try:
            for _ in range(800):
                idle.append(socket.create_connection(("127.0.0.1", port), timeout=5.0))
            assert httpx.get(f"{url}/health", timeout=SLACK).status_code == 200
        finally:
            for sock in idle:
                sock.close()
        assert httpx.get(f"{url}/health", timeout=SLACK).status_code == 200
    log = log_path.read_text()
    assert "Too many open files" not in log and "max_connections lowered from 1000 to 320" in log


def test_max_connections_fits_under_the_open_file_limit() -> None:
    assert connection_cap(1000, 1 << 20) == 1000
    assert connection_cap(1000, None) == 1000
    assert connection_cap(1000, 1024) < 1000


def test_accept_errors_are_logged_as_one_line_now_and_then() -> None:
    quiet = _OneLineAcceptErrors()
    try:
        raise OSError(24, "Too many open files")
    except OSError:
        error = sys.exc_info()
    records = [logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "socket.accept() out of system resource\nsocket: <fd=8>",
                                 (), error) for _ in range(1000)]
    shown = [record for record in records if quiet.filter(record)]
    assert len(shown) == 1 and shown[0].exc_info is None and "\n" not in shown[0].getMessage()
    other = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "something else", (), None)
    assert quiet.filter(other)
