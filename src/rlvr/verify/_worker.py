"""The symbolic worker: `python -m rlvr.verify._worker`, one JSON request per line on stdin.

Request: `{"id": int, "answer": str, "gold": str, "answer_percent": bool, "gold_percent": bool,
"list_context": bool}`. Reply: `{"id": int, "equal": bool, "reason": str, "detail": str | None}`.
The parent enforces the deadline by killing this process, so nothing here needs signals.
"""

from __future__ import annotations

import json
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
    stdout.write(json.dumps({"ready": True}) + "\n")
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


if __name__ == "__main__":
    _limit_memory()
    replies = sys.stdout
    sys.stdout = sys.stderr  # stray prints from libraries must not corrupt the reply stream
    serve(sys.stdin, replies)
