"""Find the final answer in a model response.

Order of preference inside the part after the last `</think>` (and inside the last
`<answer>...</answer>` when present): the last `\\boxed{}` / `\\fbox{}`, then the last
answer phrase ("final answer is", "the answer is", "Answer:", "#### "), then a bold
`**...**` on the last line, then a short response taken whole, then the last number of
the last line that has one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rlvr.verify.latex import group_end, read_argument

# Responses are cut to their tail: the final answer lives at the end, and the cap keeps
# every scan linear in a bounded size.
MAX_SCAN_CHARS = 60_000
MAX_BOXES = 32

SPECIAL_TOKEN = re.compile(
    r"<\|[A-Za-z0-9_:. -]{1,40}\|>|</s>|<s>|<eos>|<bos>|<pad>|<unk>|\[PAD\]|\[EOS\]|\[SEP\]|\[CLS\]|<\|endoftext\|>"
)
_TRAILING_SPECIAL = re.compile(r"(?:" + SPECIAL_TOKEN.pattern + r")$")
_BOX = re.compile(r"\\(?:boxed|fbox)(?![A-Za-z])")
_ANSWER_TAG = re.compile(r"<answer>", re.IGNORECASE)
_ANSWER_TAG_END = re.compile(r"</answer>", re.IGNORECASE)
_PHRASES = re.compile(
    r"(?:final\s+answer\s*(?:is\s*:?|:|=)|the\s+answer\s+(?:is\s*:?|:|=)|answer\s*:|####)",
    re.IGNORECASE,
)
_BOLD = re.compile(r"\*\*([^*\n]{1,200})\*\*")
# wording that takes back an earlier boxed answer on the same line ("... redoing it gives")
_REVISION = re.compile(
    r"\b(?:wait|actually|oops|re-?do(?:ing|ne)?|re-?check\w*|re-?comput\w*|re-?calculat\w*|re-?evaluat\w*"
    r"|correct(?:ion|ed|ing)|mistakes?|mistaken|wrong|incorrect|an\s+error|realis\w*|realiz\w*|on\s+second\s+thought)\b",
    re.IGNORECASE,
)
_FINAL_PHRASE = re.compile(r"final\s+answer\s*(?:is\s*:?|:|=)|the\s+answer\s+is", re.IGNORECASE)
_ONLY_MATH = re.compile(r"\$\$[^$]{1,2000}\$\$|\$[^$]{1,2000}\$|\\\[[^$]{1,2000}\\\]")
_INLINE_MATH = re.compile(r"\$([^$\n]{1,300})\$")
_RELATION = re.compile(r"\\(?:le|ge|leq|geq|lt|gt|ne|neq|leqslant|geqslant)(?![A-Za-z])|[<>\u2264\u2265\u2260]|!=")
_NUMBER = re.compile(r"-?\d+(?:[,\d]*\d)?(?:\.\d+)?(?:\s*/\s*\d+)?")


@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction found: the answer text, where it came from, and flags for the screen."""

    answer: str | None
    source: str
    region: str
    hedged: bool = False
    problem: str | None = None


def extract_answer(response: str) -> str | None:
    """The final answer string of a response, or None when it has none."""
    return find_answer(response).answer


def find_answer(response: str) -> Extraction:
    """Extract the final answer together with its source and hedging/format flags."""
    text = response[-MAX_SCAN_CHARS:] if len(response) > MAX_SCAN_CHARS else response
    lowered = text.lower()
    close = lowered.rfind("</think>")
    if close >= 0:
        text = text[close + len("</think>") :]
    elif "<think>" in lowered:
        return Extraction(None, "none", "", problem="unclosed-think")
    text = _strip_trailing_specials(text)
    region = text
    tagged = _answer_tag_scope(text)
    scope = text if tagged is None else tagged
    boxed = _boxed(scope)
    if boxed is not None and not _final_phrase_after_boxes(scope):
        answer, hedged = boxed
        return Extraction(answer, "boxed", region, hedged=hedged)
    phrase = _phrase(scope)
    if phrase is not None:
        return Extraction(phrase, "phrase", region)
    if tagged is not None:
        content = _clean_span(tagged)
        return Extraction(content, "answer-tag", region) if content else Extraction(None, "none", region, problem="empty")
    lines = [line for line in scope.strip().splitlines() if line.strip()]
    if not lines:
        return Extraction(None, "none", region, problem="empty")
    last_line = lines[-1]
    bolds = _BOLD.findall(last_line)
    if bolds:
        return Extraction(_clean_span(bolds[-1]), "bold", region)
    stripped = scope.strip()
    if len(lines) == 1 and ((len(stripped) <= 80 and len(stripped.split()) <= 3) or _ONLY_MATH.fullmatch(stripped)):
        return Extraction(_clean_span(stripped), "whole", region)
    for line in reversed(lines):
        numbers = _NUMBER.findall(line)
        relation = _relation_span(line)
        if relation is not None:
            return Extraction(relation, "relation", region)
        if numbers:
            # "either 5 or 4": a fallback answer from a line offering alternatives is a hedge
            hedged = len({number.strip() for number in numbers}) > 1 and re.search(r"\b(?:or|either)\b", line, re.IGNORECASE) is not None
            return Extraction(numbers[-1].strip(), "last-number", region, hedged=hedged)
    return Extraction(None, "none", region, problem="no-answer")


def _relation_span(line: str) -> str | None:
    """`Therefore $x \\geq 5$ is the solution.`: the line's last inline math, when it states a relation (or
    is a matrix) and no number follows it on the line: the stated answer, not the last number inside it."""
    spans = list(_INLINE_MATH.finditer(line))
    if not spans:
        return None
    last = spans[-1]
    body = last.group(1).strip()
    if not (_RELATION.search(body) or "\\begin{" in body) or not re.search(r"\d", body) or re.search(r"\d", line[last.end() :]):
        return None
    return body


def _final_phrase_after_boxes(scope: str) -> bool:
    """"... \\boxed{255} ... Final Answer: The final answer is $10,455$": a final-answer sentence after the
    last box states the answer the boxes led to."""
    boxes = list(_BOX.finditer(scope))
    if not boxes or _FINAL_PHRASE.search(scope, boxes[-1].end()) is None:
        return False
    phrase = _phrase(scope)
    # "\\boxed{42}. I checked: the answer is correct." comments on the box and does not replace it
    return phrase is not None and re.search(r"[\d\\]", phrase) is not None


def _strip_trailing_specials(text: str) -> str:
    """Drop end-of-sequence tokens (and whitespace) at the very end; a loop, so it stays linear."""
    text = text.rstrip()
    while True:
        match = _TRAILING_SPECIAL.search(text[-64:])
        if match is None:
            return text
        text = text[: len(text) - (len(match.group(0)))].rstrip()


def _answer_tag_scope(text: str) -> str | None:
    opens = list(_ANSWER_TAG.finditer(text))
    if not opens:
        return None
    start = opens[-1].end()
    end_match = _ANSWER_TAG_END.search(text, start)
    return text[start : end_match.start()] if end_match else text[start:]


def _boxed(scope: str) -> tuple[str, bool] | None:
    """The last boxed answer; several different boxes on the final line are a hedge or a list."""
    found: list[tuple[int, int, str]] = []
    # only the last boxes can be the final answer; capping them keeps the scan linear
    for match in list(_BOX.finditer(scope))[-MAX_BOXES:]:
        argument = read_argument(scope, match.end())
        if argument is None:
            # `\boxed{` never closed: an answer that cannot be read
            if scope[match.end() :].lstrip().startswith("{") and group_end(scope, scope.index("{", match.end())) < 0:
                found.append((match.start(), len(scope), "{"))
            continue
        body, end = argument
        found.append((match.start(), end, body))
    if not found:
        return None
    last_start, _, last_body = found[-1]
    line_start = scope.rfind("\n", 0, last_start) + 1
    same_line = [item for item in found if item[0] >= line_start]
    # "first \boxed{6} ... redoing it gives \boxed{-6}": a box followed by wording that takes it back is
    # superseded; only the boxes after the last such revision are the answer (never the earlier ones)
    for index in range(len(same_line) - 1, 0, -1):
        if _REVISION.search(scope[same_line[index - 1][1] : same_line[index][0]]):
            same_line = same_line[index:]
            break
    bodies = [body.strip() for _, _, body in same_line]
    if len(same_line) > 1 and len(set(bodies)) > 1:
        between = " ".join(scope[a[1] : b[0]] for a, b in zip(same_line, same_line[1:])).lower()
        if re.search(r"\bor\b", between):
            return last_body, True
        return ", ".join(bodies), False
    return last_body, False


def _phrase(scope: str) -> str | None:
    matches = list(_PHRASES.finditer(scope))
    if not matches:
        return None
    tail = scope[matches[-1].end() :]
    end = tail.find("\n\n")
    if end >= 0:
        tail = tail[:end]
    tail = tail.strip()
    if tail.startswith("$$") or tail.startswith("\\["):
        return _clean_span(tail)
    line_end = tail.find("\n")
    if line_end >= 0:
        tail = tail[:line_end]
    # a sentence ends at a period followed by a space (decimals have no space after the point)
    sentence = re.search(r"(?<!\\)\.(?:\s|$)", tail)
    if sentence is not None:
        tail = tail[: sentence.start()]
    cleaned = _clean_span(tail)
    # "The final answer is The volume of $V$ is 120": a restated sentence ends in its value
    if len(cleaned.split()) > 3 and "$" in cleaned:
        sentence_value = re.search(r"\sis\s+([^\s].{0,200})$", cleaned)
        if sentence_value is not None and " is " not in sentence_value.group(1):
            cleaned = _clean_span(sentence_value.group(1))
    return cleaned if cleaned else None


def _clean_span(span: str) -> str:
    """Strip markdown emphasis, math delimiters and trailing punctuation around an answer span."""
    text = span.strip()
    for _ in range(3):
        before = text
        text = text.strip().strip("*").strip()
        for opening, closing in (("$$", "$$"), ("$", "$"), ("\\(", "\\)"), ("\\[", "\\]")):
            if text.startswith(opening) and text.endswith(closing) and len(text) >= len(opening) + len(closing):
                text = text[len(opening) : len(text) - len(closing)].strip()
        text = text.rstrip(".;:").strip()
        if text.endswith("!") and not re.search(r"[\d})]!$", text):
            text = text[:-1]  # an exclamation mark; after a digit or bracket it is a factorial
        if text == before:
            break
    return text
