"""The symbolic worker: `python -m rlvr.verify._worker`, one JSON request per line on stdin.

Request: `{"id": int, "answer": str, "gold": str, "answer_percent": bool, "gold_percent": bool,
"list_context": bool}`. Reply: `{"id": int, "equal": bool, "reason": str, "detail": str | None}`.
The parent enforces the deadline by killing this process, so nothing here needs signals.

`python -m rlvr.verify._worker --zygote` imports sympy once and then forks a ready worker
for each `{"fork": "<unix socket path>"}` line: the child connects to that socket and serves
requests over it exactly as above. A fork takes milliseconds where a fresh interpreter
takes a second or more of CPU to import sympy, which is what lets the pool add workers
under load without charging their start-up to the items waiting for them.
"""

from __future__ import annotations

import json
import os
import sys
from typing import TextIO


def _limit_memory() -> None:
    try:
        import resource

        limit = 3 * 1024**3
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ImportError, ValueError, OSError):
        pass  # platforms without rlimits still have the parent's kill


def serve(stdin: TextIO, stdout: TextIO) -> None:
    """Answer comparison requests until stdin closes."""
    from rlvr.verify.answer import parse
    from rlvr.verify.compare import compare
    from rlvr.verify.numeric import TooLarge
    from rlvr.verify.symbolic import SympyBackend
    from rlvr.verify.verdict import Reason

    backend = SympyBackend()
    sys.setrecursionlimit(5000)
    stdout.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    stdout.flush()
    for line in stdin:
        try:
            request = json.loads(line)
        except json.JSONDecodeError:
            continue
        reply: dict[str, object] = {"id": request.get("id")}
        try:
            gold = parse(request["gold"], percent=request.get("gold_percent", False))
            answer = parse(
                request["answer"], percent=request.get("answer_percent", False), list_context=request.get("list_context", False)
            )
            outcome = compare(answer, gold, backend)
            reply.update(equal=outcome.equal, reason=outcome.reason, detail=outcome.detail, unread=outcome.unread)
        except TooLarge as error:
            reply.update(equal=False, reason=Reason.NOT_EQUAL, detail=f"too large to compare exactly: {error}")
        except RecursionError:
            reply.update(equal=False, reason=Reason.NOT_EQUAL, detail="expression nested too deeply")
        except MemoryError:
            reply.update(equal=False, reason=Reason.NOT_EQUAL, detail="expression too large")
        except Exception as error:  # noqa: BLE001 - any parser failure means "could not show equal"
            reply.update(equal=False, reason=Reason.NOT_EQUAL, detail=f"could not parse: {type(error).__name__}")
        stdout.write(json.dumps(reply) + "\n")
        stdout.flush()


def zygote(stdin: TextIO, stdout: TextIO, socket_folder: str | None = None) -> None:
    """Import everything once, then fork one ready worker per request until stdin closes.

    When stdin closes (the parent closed it or died), remove `socket_folder`, where the parent binds
    the workers' sockets.
    """
    try:
        _fork_on_request(stdin, stdout)
    finally:
        if socket_folder and os.path.basename(socket_folder).startswith("rlvr-verify-"):
            import shutil

            shutil.rmtree(socket_folder, ignore_errors=True)


def _fork_on_request(stdin: TextIO, stdout: TextIO) -> None:
    import signal

    from rlvr.verify.symbolic import to_sympy

    to_sympy("x+1")  # the parser builds its tables on first use; children inherit them built
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped by the kernel
    stdout.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    stdout.flush()
    for line in stdin:
        try:
            path = json.loads(line).get("fork")
        except (json.JSONDecodeError, AttributeError):
            continue
        if not isinstance(path, str):
            continue
        if os.fork() == 0:
            code = 0
            try:
                _serve_socket(path)
            except BaseException:  # noqa: BLE001 - a child never returns into the zygote's loop
                code = 1
            os._exit(code)


def _serve_socket(path: str) -> None:
    import signal
    import socket

    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    # let go of the zygote's pipes: the parent must see them close when the zygote exits
    blank = os.open(os.devnull, os.O_RDWR)
    os.dup2(blank, 0)
    os.dup2(blank, 1)
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    connection.connect(path)
    serve(connection.makefile("r", encoding="utf-8"), connection.makefile("w", encoding="utf-8"))


if __name__ == "__main__":
    _limit_memory()
    replies = sys.stdout
    sys.stdout = sys.stderr  # stray prints from libraries must not corrupt the reply stream
    if sys.argv[1:2] == ["--zygote"]:
        zygote(sys.stdin, replies, sys.argv[2] if len(sys.argv) > 2 else None)
    else:
        serve(sys.stdin, replies)
