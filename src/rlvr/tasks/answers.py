"""Finding a final answer that is either tagged (`<answer>`) or boxed (`\\boxed{}`)."""

from __future__ import annotations

from rlvr.tasks.base import after_thinking, extract_answer

__all__ = ["after_thinking", "last_boxed", "tagged_or_boxed"]

_BOXED = "\\boxed{"


def last_boxed(text: str) -> str | None:
    """The content of the last balanced `\\boxed{...}` in `text`, or None.

    Linear time: a box left open at position s can only be closed by an earlier box
    before s, so each earlier scan stops at the last failed start.
    """
    limit = len(text)
    start = text.rfind(_BOXED)
    while start != -1:
        depth, i = 1, start + len(_BOXED)
        while i < limit and depth:
            ch = text[i]
            if ch == "{":
                depth += 1
            elif ch == "}":
                depth -= 1
            i += 1
        if depth == 0:
            return text[start + len(_BOXED): i - 1].strip()
        limit = start
        start = text.rfind(_BOXED, 0, start)
    return None


def tagged_or_boxed(response: str) -> str | None:
    """The final answer: the last `<answer>` tag, else the last `\\boxed{}`, after any `</think>`.

    A box inside the tag is unwrapped; surrounding `$` signs are dropped.
    """
    if not isinstance(response, str):
        return None
    answer = extract_answer(response)
    if answer is None:
        answer = last_boxed(after_thinking(response))
    elif _BOXED in answer:
        answer = last_boxed(answer) or answer
    if answer is None:
        return None
    return answer.strip().strip("$").strip()
