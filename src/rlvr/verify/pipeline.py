"""`check(response, gold) -> Verdict`: extract, screen, normalise, parse, compare.

The fast path (string match, exact rationals, structures of numbers) runs in the caller's
process and is bounded by construction; anything that needs sympy goes to a worker
process with a hard deadline (`rlvr.verify.pool`). An optional judge is asked last.
"""

from __future__ import annotations

import math
import os
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from fractions import Fraction
from functools import lru_cache
from numbers import Real
from threading import Lock
from typing import Callable

from rlvr.verify.answer import Answer, Collection, Expr, Number, is_symbol, parse, parse_gold_choice
from rlvr.verify.compare import NeedSymbolic, Outcome, compare
from rlvr.verify.extract import find_answer
from rlvr.verify.fast import FastBackend
from rlvr.verify.judge import Judge, ask_judge
from rlvr.verify.normalize import Normalized, compact, normalize, units_differ, utf8_text
from rlvr.verify.numeric import TooLarge
from rlvr.verify.pool import WorkerUnavailable, default_pool
from rlvr.verify.screen import screen_answer, screen_response
from rlvr.verify.verdict import Reason, Verdict

MAX_GOLD_CHARS = 2000
MAX_NESTING = 100  # brackets deep; real answers stay under ten, and the parsers recurse per level
MAX_TIMEOUT = 1e6  # seconds; longer waits overflow blocking calls on some platforms
_PLUS_MINUS = re.compile(r"\\pm(?![A-Za-z])|\\mp(?![A-Za-z])")
_GSM8K_GOLD = re.compile(r"####\s*(.+?)\s*$", re.DOTALL)


class VerifyError(ValueError):
    """Bad input to the verifier (wrong type, bad timeout); the message says what to fix."""


@dataclass(frozen=True, slots=True)
class _Gold:
    raw: str
    normalized: Normalized
    answer: Answer | None
    problem: str | None


def check(response: str, gold: str | int | float | Fraction, *, timeout: float = 2.0, judge: Judge | None = None) -> Verdict:
    """Decide whether `response` states the `gold` answer; finishes within `timeout` seconds.

    `judge` is an optional callable `judge(extracted, gold) -> bool` (or `OpenAIJudge`)
    consulted only when the rules could not read one side (free text, a form no parser
    takes) and the answer is not a plain number; a difference the rules proved is final, and
    hacking patterns are rejected before it is asked.
    """
    if not isinstance(response, str):
        raise VerifyError(f"response must be a string, got {type(response).__name__}")
    timeout = checked_timeout(timeout)
    gold_text = _gold_text(gold)
    started = time.monotonic()
    default_pool().prestart()
    if gold_text is None:
        return Verdict(False, Reason.INVALID_GOLD, detail=f"gold number longer than {MAX_GOLD_CHARS} digits")
    # a lone UTF-16 surrogate (valid JSON, invalid UTF-8) would ride into the verdict's text
    # fields and break every writer of them; it reads as the replacement character instead
    response, gold_text = utf8_text(response), utf8_text(gold_text)
    gold_info = _prepare_gold(gold_text) if len(gold_text) <= _CACHED_GOLD_CHARS else _prepare_gold.__wrapped__(gold_text)
    if gold_info.answer is None:
        return Verdict(False, Reason.INVALID_GOLD, detail=gold_info.problem, gold_normalized=gold_info.normalized.text)
    extraction = find_answer(response)
    gold_key = gold_info.normalized.text
    rejection = screen_response(extraction.region, response)
    if rejection is not None:
        return Verdict(False, rejection.reason, extracted=extraction.answer, gold_normalized=gold_key, detail=rejection.detail)
    if extraction.answer is None:
        detail = "reasoning never closed with </think>" if extraction.problem == "unclosed-think" else "no final answer found"
        return Verdict(False, Reason.NO_ANSWER, gold_normalized=gold_key, detail=detail)
    extracted = extraction.answer
    rejection = screen_answer(extracted, gold_key)
    if rejection is not None:
        return Verdict(False, rejection.reason, extracted=extracted, gold_normalized=gold_key, detail=rejection.detail)
    if extraction.hedged:
        return Verdict(False, Reason.HEDGED, extracted=extracted, gold_normalized=gold_key, detail="two different final answers")
    normalized = normalize(extracted)
    if not normalized.text:
        return Verdict(False, Reason.NO_ANSWER, extracted=extracted, gold_normalized=gold_key, detail="empty answer")

    def verdict(outcome: Outcome) -> Verdict:
        return Verdict(outcome.equal, outcome.reason, extracted, normalized.text, gold_key, outcome.detail)

    if units_differ(normalized, gold_info.normalized):
        return verdict(Outcome(False, Reason.NOT_EQUAL, f"a different unit: {normalized.unit} for {gold_info.normalized.unit}"))
    if compact(normalized.text) == compact(gold_key):
        return verdict(Outcome(True, Reason.EQUAL_STRING))
    outcome = _compare(normalized, gold_info, started + timeout)
    if outcome.equal or judge is None or not _judge_may_decide(outcome, normalized, gold_info):
        return verdict(outcome)
    remaining = started + timeout - time.monotonic()
    accepted, detail = ask_judge(judge, extracted, gold_info.raw, remaining)
    if accepted:
        return verdict(Outcome(True, Reason.EQUAL_JUDGE, detail))
    return verdict(Outcome(False, Reason.JUDGE_REJECTED if detail is None else outcome.reason, detail or outcome.detail))


def check_many(
    pairs: list[tuple[str, str]],
    workers: int = 1,
    timeout: float = 2.0,
    judge: Judge | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Verdict]:
    """Check many (response, gold) pairs in order; `workers > 1` spreads them over processes.

    `progress`, when given, is called with the number of pairs finished since its last call.
    """
    from rlvr.verify.batch import run_batch

    return run_batch(pairs, workers=workers, timeout=timeout, judge=judge, progress=progress)


def warm_up() -> None:
    """Start the symbolic workers now and wait until they are ready (once per process).

    A check charges everything it waits for to its own timeout, the first start of the
    workers (importing sympy, about a second) included; long-running callers (training
    reward functions, evaluation, batches) call this first so no early check spends its
    budget waiting. A worker that cannot start is reported by the checks themselves.
    """
    global _warmed_pid
    if _warmed_pid == os.getpid():
        return
    _warmed_pid = os.getpid()  # tried once: a pool that cannot start is not retried on every call
    try:
        default_pool().warm_up()
    except WorkerUnavailable:
        pass


_warmed_pid = 0


def checked_timeout(timeout: object) -> float:
    """`timeout` as seconds, or `VerifyError` unless it is a finite positive number.

    Larger values than `MAX_TIMEOUT` are clamped to it: every wait below must fit the
    platform's limit on blocking calls.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, Real):
        raise VerifyError(f"timeout must be a positive number of seconds, got {timeout!r}")
    try:
        seconds = float(timeout)
    except (OverflowError, ValueError):
        seconds = math.inf
    if not (seconds > 0 and math.isfinite(seconds)):
        raise VerifyError(f"timeout must be a finite positive number of seconds, got {timeout!r}")
    return min(seconds, MAX_TIMEOUT)


def _gold_text(gold: object) -> str | None:
    """The gold as text; None for a number too long to be a gold (str() of it would fail or be refused)."""
    if isinstance(gold, bool) or gold is None:
        raise VerifyError(f"gold must be a string or a number, got {gold!r}")
    if isinstance(gold, str):
        return gold
    if isinstance(gold, (int, Fraction)) and _too_many_digits(gold):
        return None
    if isinstance(gold, Fraction):
        return f"{gold.numerator}/{gold.denominator}" if gold.denominator != 1 else str(gold.numerator)
    if isinstance(gold, float) and gold != gold:
        raise VerifyError("gold is NaN")
    if isinstance(gold, (int, float)):
        return repr(gold)
    raise VerifyError(f"gold must be a string or a number, got {type(gold).__name__}")


def _too_many_digits(value: int | Fraction) -> bool:
    bits = abs(value.numerator).bit_length() + value.denominator.bit_length()
    return bits > MAX_GOLD_CHARS * 3.33  # 3.32 bits a digit: no number longer than the gold limit is written out


def nesting_depth(text: str) -> int:
    """The deepest bracket nesting in `text`, in one pass (the parsers recurse once per level)."""
    depth = deepest = 0
    for char in text:
        if char in "([{":
            depth += 1
            deepest = max(deepest, depth)
        elif char in ")]}":
            depth = max(depth - 1, 0)
    return deepest


# Golds longer than this are prepared per call: the cache holds short golds only, so its
# size stays bounded (65,536 entries of at most this many characters) whatever callers send.
_CACHED_GOLD_CHARS = 256


@lru_cache(maxsize=65536)
def _prepare_gold(raw: str) -> _Gold:
    text = raw.strip()
    if len(text) > MAX_GOLD_CHARS:
        return _Gold(raw, Normalized(text[:80]), None, f"gold longer than {MAX_GOLD_CHARS} characters")
    marker = _GSM8K_GOLD.search(text)
    if marker:
        text = marker.group(1)
    if "\\boxed" in text or "\\fbox" in text:
        boxed = find_answer(text).answer
        text = boxed if boxed is not None else text
    normalized = normalize(text)
    if not normalized.text:
        return _Gold(raw, normalized, None, "gold answer is empty")
    if nesting_depth(normalized.text) > MAX_NESTING:
        return _Gold(raw, normalized, None, f"gold nested more than {MAX_NESTING} brackets deep")
    try:
        answer = parse_gold_choice(normalized.text) or parse(normalized.text, percent=normalized.percent)
    except TooLarge as error:
        return _Gold(raw, normalized, None, f"gold answer too large: {error}")
    except RecursionError:
        return _Gold(raw, normalized, None, "gold nested too deeply to read")
    return _Gold(text, normalized, answer, None)


_SYMBOLIC_CACHE: OrderedDict[tuple[str, str, bool, bool, bool], Outcome] = OrderedDict()
_SYMBOLIC_CACHE_SIZE = 20000
_CACHE_LOCK = Lock()


def _compare(answer: Normalized, gold: _Gold, deadline: float) -> Outcome:
    gold_answer = gold.answer
    assert gold_answer is not None
    answer_text, gold_text = answer.text, gold.normalized.text
    if _PLUS_MINUS.search(answer_text) and not isinstance(gold_answer, Collection):
        return Outcome(False, Reason.HEDGED, "\\pm gives two answers where one is expected")
    list_context = isinstance(gold_answer, Collection)
    if nesting_depth(answer_text) > MAX_NESTING:
        return Outcome(False, Reason.NOT_EQUAL, f"answer nested more than {MAX_NESTING} brackets deep")
    try:
        parsed = parse(answer_text, percent=answer.percent, list_context=list_context)
        # the in-process stage stops at the caller's deadline (`OutOfTime` is a `NeedSymbolic`)
        return compare(parsed, gold_answer, FastBackend(deadline))
    except NeedSymbolic:
        pass
    except TooLarge as error:
        return Outcome(False, Reason.NOT_EQUAL, f"too large to compare: {error}")
    except RecursionError:
        return Outcome(False, Reason.NOT_EQUAL, "nested too deeply to compare")
    key = (answer_text, gold_text, answer.percent, gold.normalized.percent, list_context)
    with _CACHE_LOCK:
        cached = _SYMBOLIC_CACHE.get(key)
        if cached is not None:
            _SYMBOLIC_CACHE.move_to_end(key)
            return cached
    if not (answer_text + gold_text).isascii():
        # the LaTeX grammar of the symbolic stage is ASCII; leftover symbols cannot be read there either
        return Outcome(False, Reason.NOT_EQUAL, "characters no math parser reads", unread=True)
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        return Outcome(False, Reason.TIMEOUT, "no time left for the symbolic stage")
    payload = {
        "answer": answer_text,
        "gold": gold_text,
        "answer_percent": answer.percent,
        "gold_percent": gold.normalized.percent,
        "list_context": list_context,
    }
    try:
        reply = default_pool().ask(payload, remaining)
    except WorkerUnavailable as error:
        return Outcome(False, Reason.TIMEOUT, str(error))
    if reply is None:
        return Outcome(False, Reason.TIMEOUT, "the symbolic comparison ran past the time limit")
    outcome = Outcome(bool(reply.get("equal")), str(reply.get("reason", Reason.NOT_EQUAL)), reply.get("detail"), bool(reply.get("unread")))
    with _CACHE_LOCK:
        _SYMBOLIC_CACHE[key] = outcome
        if len(_SYMBOLIC_CACHE) > _SYMBOLIC_CACHE_SIZE:
            _SYMBOLIC_CACHE.popitem(last=False)
    return outcome


def _judge_may_decide(outcome: Outcome, answer: Normalized, gold: _Gold) -> bool:
    """The judge decides only where the rules could not read a side, and never about plain numbers.

    A "not equal" the rules proved (both sides read, found different) is final, and so is a
    timeout: otherwise an answer made slow to compare, or merely wrong, could be waved through.
    """
    if outcome.reason != Reason.NOT_EQUAL or not outcome.unread:
        return False
    if isinstance(gold.answer, Number):
        return False
    try:
        parsed = parse(answer.text)
    except TooLarge:
        return False
    if isinstance(parsed, Number) or (isinstance(parsed, Expr) and is_symbol(parsed.text)):
        return False
    return True
