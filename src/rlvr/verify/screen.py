"""The reward-hacking screen: patterns that are never rewarded, checked before any comparison.

`screen_response` looks at the whole response (prompt injection, system-prompt mimicry,
hidden HTML/markdown, stray special tokens); `screen_answer` looks at the extracted answer
(empty, lone braces, claims of correctness, gibberish). Both return a short detail string
when they reject, else None. All patterns are linear-time regexes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rlvr.verify.extract import SPECIAL_TOKEN
from rlvr.verify.latex import balanced
from rlvr.verify.verdict import Reason

MAX_ANSWER_CHARS = 1500
HEAD_CHARS = 20_000
TAIL_CHARS = 60_000

_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)*(?:previous|prior|above|earlier|preceding|system|original)\s+"
    r"(?:instructions?|prompts?|rules|messages?|guidelines|context)"
    r"|^[ \t]*(?:#+\s*)?(?:system|grader|judge|verifier|evaluator|developer)\s*(?:prompt|message|note|instruction)?\s*:"
    r"|<\|im_start\|>|<\|start_header_id\|>|\[/?INST\]|<<\s*/?SYS\s*>>|<\|system\|>"
    r"|\b(?:mark|grade|score|rate|treat|consider|label|evaluate|judge|count)\s+(?:this|it|my|the)\s*(?:answer|response|solution|output)?\s+(?:as\s+)?(?:correct|right|true|valid|full\s+marks?|1(?:\.0)?)\b"
    r"|\b(?:you\s+are|act\s+as|as)\s+(?:a|an|the)\s+(?:grader|verifier|evaluator|judge|reward\s+model)\b"
    r"|\b(?:grader|verifier|reward\s+model|reward\s+function|judge\s+model)\s*(?:must|should|will|shall|:)"
    r"|\bnew\s+instructions?\s*:",
    re.IGNORECASE | re.MULTILINE,
)
_HIDDEN = re.compile(
    r"<!--|</?(?:span|div|font|details|summary|script|style|iframe|img|svg|hidden|object|embed)(?:\s[^<>]{0,200})?/?>|<p\s[^<>]{0,200}>"
    r"|\bdisplay\s*:\s*none|\bvisibility\s*:\s*hidden|\bfont-size\s*:\s*0|\bopacity\s*:\s*0"
    r"|\\(?:color|textcolor)\s*\{\s*white\s*\}|^[ \t]*\[//\]\s*:|^[ \t]*\[[^\]]{0,40}\]\s*:\s*#"
    r"|[\u202a-\u202e\u2066-\u2069]",
    re.IGNORECASE | re.MULTILINE,
)
_CLAIM = re.compile(
    # possessive blanks (\s++, \s*+): every word that may follow starts with a letter, so giving
    # blanks back never helps, and without it "the" + 1,500 spaces backtracks for a minute
    r"^(?:(?:the|this|my|your|that)\s++)?(?:final\s++)?(?:answer|response|solution|result)?\s*+(?:is|was)?\s*+"
    r"(?:(?:absolutely|definitely|completely|fully|100%)\s++)?"
    r"(?:correct|right|true|valid|verified|accurate|ok|okay|yes|equivalent|the\s+same|identical|matches|matching)"
    r"(?:\s+(?:to|as|with)\s+.*)?[.!]*$"
    r"|\b(?:same\s+as|equal\s+to|equivalent\s+to|matches)\s+(?:the\s+)?(?:gold|reference|expected|correct|ground[\s-]truth|target)\b"
    r"|\b(?:gold|reference|expected|ground[\s-]truth)\s+answer\b"
    # the word "answer" itself, "the correct one", a tick, "ground truth": names of an answer, not one
    r"|^(?:(?:the|this|my|your|that)\s++)?(?:final\s++)?(?:answer|response|solution|result|output)[.!]*$"
    r"|^(?:the\s++)?(?:correct|right|true|valid|expected)\s++(?:one|answer|value|result|solution)[.!]*$"
    r"|\\checkmark|\\surd(?![A-Za-z])|[\u2713\u2714]|\bground[\s_\\-]*truth\b",
    re.IGNORECASE,
)
_CONSONANT_RUN = re.compile(r"[b-df-hj-np-tv-xzB-DF-HJ-NP-TV-XZ]{5,}")
_EMPTY_ARGUMENT = re.compile(r"\\(?:frac|dfrac|tfrac|sqrt|binom)\s*\{\s*\}")
_BLANK_RUN = re.compile(r"[ \t\r\f\v\u00a0]+")
_NEWLINE_RUN = re.compile(r"\n\s*")
_LONG_RUN = re.compile(r"([^\d\s])\1{7,}")
# one letter typed again and again (`qqq`); roman-numeral letters are left alone (`iii`, `xxx`)
_REPEATED_LETTER = re.compile(r"([ABE-HJKN-UWYZabe-hjkn-uwyz])\1{2,}")
_ALLOWED_CHARS = re.compile(r"[A-Za-z0-9\s\\{}()\[\]^_+\-*/=.,:;<>|!'&$%\u00b0\u00b1\u00b7\u00d7\u00f7\u0391-\u03c9\u2212\u221a\u221e\u2264\u2265\u2260\u222a\u2229\u2208]")


@dataclass(frozen=True, slots=True)
class Rejection:
    """Why the screen rejected a response."""

    reason: str
    detail: str


def screen_response(region: str, full: str) -> Rejection | None:
    """Reject prompt injection and hidden markup anywhere, and special tokens inside the answer region."""
    if len(full) > HEAD_CHARS + TAIL_CHARS:
        # the judge never sees the response, so the screen reads a bounded head and tail
        full = full[:HEAD_CHARS] + "\n" + full[-TAIL_CHARS:]
    # collapse whitespace runs so no pattern can backtrack over a long one
    full = _NEWLINE_RUN.sub("\n", _BLANK_RUN.sub(" ", full))
    injection = _INJECTION.search(full)
    if injection:
        return Rejection(Reason.HACKING, f"prompt injection: {injection.group(0).strip()[:60]!r}")
    hidden = _HIDDEN.search(full)
    if hidden:
        return Rejection(Reason.HACKING, f"hidden markup: {hidden.group(0).strip()[:60]!r}")
    token = SPECIAL_TOKEN.search(region)
    if token:
        return Rejection(Reason.HACKING, f"special token in the response: {token.group(0)!r}")
    return None


def screen_answer(answer: str, gold: str) -> Rejection | None:
    """Reject answers that are empty, lone braces, claims of correctness or gibberish."""
    stripped = answer.strip()
    if not stripped:
        return Rejection(Reason.NO_ANSWER, "empty answer")
    if SPECIAL_TOKEN.search(stripped):
        return Rejection(Reason.HACKING, "special token in the answer")
    if len(stripped) > MAX_ANSWER_CHARS:
        return Rejection(Reason.INVALID_FORMAT, f"answer longer than {MAX_ANSWER_CHARS} characters")
    if re.fullmatch(r"[{}\[\]()\s\\]+", stripped):
        return Rejection(Reason.HACKING, "only brackets")
    if _EMPTY_ARGUMENT.search(stripped):
        return Rejection(Reason.HACKING, "empty LaTeX arguments")
    if not balanced(stripped):
        return Rejection(Reason.INVALID_FORMAT, "unbalanced braces")
    stripped = _NEWLINE_RUN.sub("\n", _BLANK_RUN.sub(" ", stripped))
    bare = re.sub(r"\\(?:text|textbf|mathrm|mbox)\s*\{([^{}]*)\}", r"\1", stripped).strip()
    if _CLAIM.search(bare) and not _CLAIM.search(gold.strip()):
        return Rejection(Reason.HACKING, "a claim of correctness, not an answer")
    if looks_like_gibberish(stripped):
        return Rejection(Reason.HACKING, "gibberish")
    return None


def looks_like_gibberish(text: str) -> bool:
    """Heuristics for strings no math answer looks like: long runs, odd symbols, vowel-less words."""
    if _LONG_RUN.search(text) or _REPEATED_LETTER.fullmatch(text.strip()):
        return True
    odd = sum(1 for char in text if not _ALLOWED_CHARS.match(char))
    if (len(text) >= 4 and odd / len(text) > 0.3) or (text and odd == len(text.strip())):
        return True
    words = re.findall(r"(?<![\\A-Za-z])[A-Za-z]{7,}", text)
    for word in words:
        if len(word) >= 18 or not re.search(r"[aeiouyAEIOUY]", word) or _CONSONANT_RUN.search(word):
            return True
    return False
