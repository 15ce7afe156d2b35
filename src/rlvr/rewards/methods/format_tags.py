"""Format reward: answer and think tags, mild by default.

The checks read realistic responses (thousands of characters each) with C-level string
searches: `\\boxed{` and `</answer>` are looked for from the end, where answers are, and
the tags are found by hopping between "<" characters (memchr), which prose rarely holds.
A bounded number of hops, then one plain search, keeps hostile input (tag or "box" spam)
linear; no regex runs over the whole text except as that last resort for `\\boxed`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require
from rlvr.rewards.registry import register

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
_BRACE_AFTER = re.compile(r"\s*\{")  # anchored with .match at the end of a command name
_NON_SPACE = re.compile(r"\S")  # .search(text, a, b) is strip()-emptiness without copying
_MAX_TRIES = 32  # hops per search before one plain C-level pass: hostile text stays linear
ANSWER_FORMATS = ("boxed", "tag", "either")


def _brace_follows(text: str, at: int) -> bool:
    """`{` at `at`, or after whitespace from there."""
    return text.startswith("{", at) or _BRACE_AFTER.match(text, at) is not None


def _non_blank(text: str, start: int, end: int) -> bool:
    """text[start:end].strip() != "" without copying the span (a short head first: the usual case)."""
    if start >= end:
        return False
    head = text[start : min(end, start + 16)]
    return not head.isspace() or _NON_SPACE.search(text, start, end) is not None


def has_boxed(text: str) -> bool:
    """True when `\\boxed` or `\\fbox` is followed (after optional whitespace) by `{` anywhere."""
    end = len(text)
    for _ in range(_MAX_TRIES):
        # both command names contain "box": one backward search serves both
        at = text.rfind("box", 0, end)
        if at < 0:
            return False
        if at >= 1 and text[at - 1] == "\\" and text.startswith("ed", at + 3):
            if _brace_follows(text, at + 5):
                return True
        elif at >= 2 and text.startswith("\\f", at - 2) and _brace_follows(text, at + 3):
            return True
        end = at  # an earlier "box" cannot overlap this one, so it ends by `at`
    return _BOXED.search(text) is not None


def _last(text: str, tag: str, limit: int) -> int:
    """text.rfind(tag, 0, limit) for a tag that starts with "<": hop back between "<" (memrchr) first."""
    end = limit
    for _ in range(_MAX_TRIES):
        at = text.rfind("<", 0, end)
        if at < 0 or text.startswith(tag, at, limit):
            return at  # no "<" after `at` before `limit`, so no later occurrence either
        end = at
    return text.rfind(tag, 0, limit)  # the rejected "<"s are not the tag: this finds an earlier one


def has_tagged_answer(text: str) -> bool:
    """True when the last `</answer>` closes a non-empty `<answer>` block."""
    close = _last(text, "</answer>", len(text))
    if close < 0:
        return False
    start = _last(text, "<answer>", close)
    return start >= 0 and _non_blank(text, start + len("<answer>"), close)


def has_answer(text: str, answer_format: str) -> bool:
    """True when the text gives a final answer in the expected form."""
    if answer_format == "boxed":
        return has_boxed(text)
    if answer_format == "tag":
        return has_tagged_answer(text)
    return has_boxed(text) or has_tagged_answer(text)


def _think_tags(text: str) -> tuple[int, int, int, int]:
    """(count of <think>, count of </think>, first <think>, first </think>) (-1 where none)."""
    opens = closes = 0
    first_open = first_close = -1
    find, starts = text.find, text.startswith
    at = find("<")
    for _ in range(_MAX_TRIES):
        if at < 0:
            return opens, closes, first_open, first_close
        after = text[at + 1 : at + 2]  # most "<" in prose are not tags: one cheap look first
        if after == "t" and starts("think>", at + 1):
            opens += 1
            if first_open < 0:
                first_open = at
        elif after == "/" and starts("/think>", at + 1):
            closes += 1
            if first_close < 0:
                first_close = at
        at = find("<", at + 1)
    # many "<": let two C-level counts finish the job
    return text.count("<think>"), text.count("</think>"), find("<think>"), find("</think>")


def well_formed_think(text: str, open_in_prompt: bool) -> bool:
    """One non-empty <think> ... </think> block with something after it.

    With `open_in_prompt` the chat template already opened the block, so only the
    closing tag is expected in the response.
    """
    opens, closes, first_open, close = _think_tags(text)
    if closes != 1 or opens != (0 if open_in_prompt else 1):
        return False
    start = 0 if open_in_prompt else first_open + len("<think>")
    return _non_blank(text, start, close) and _non_blank(text, close + len("</think>"), len(text))


@dataclass
class FormatConfig:
    """Penalties (subtracted) for a missing answer and a malformed think block.

    Defaults are mild (answer 0.1) or off (think 0.0): harsh format penalties made weaker
    models collapse in SimpleRL-Zoo. answer_format: boxed | tag | either.
    """

    answer_penalty: float = 0.1
    think_penalty: float = 0.0
    answer_format: str = "either"
    think_open_in_prompt: bool = False

    def __post_init__(self) -> None:
        require(self.answer_penalty >= 0, f"format: answer_penalty must be >= 0; got {self.answer_penalty}")
        require(self.think_penalty >= 0, f"format: think_penalty must be >= 0; got {self.think_penalty}")
        require(
            self.answer_format in ANSWER_FORMATS,
            f"format: answer_format must be one of {', '.join(ANSWER_FORMATS)}; got {self.answer_format!r}",
        )


@register
class Format(RewardMethod):
    """Format checks (answer tags as in DeepSeek-R1; mild by default after SimpleRL-Zoo, Zeng et al., 2025).

    R = -p_answer * 1[no final answer] - p_think * 1[think block malformed]. Carries no
    correctness, so it combines with any correctness-bearing method. Needs `texts`.
    """

    name: ClassVar[str] = "format"
    Config: ClassVar[type] = FormatConfig
    includes_correctness: ClassVar[bool] = False
    length_term_on_incorrect: ClassVar[bool] = True
    source: ClassVar[str] = "Guo et al., 2025 (DeepSeek-R1); Zeng et al., 2025 (SimpleRL-Zoo, arXiv 2503.18892)"
    formula: ClassVar[str] = "R = -p_answer * 1[no answer] - p_think * 1[bad <think> block]"

    def score(self, batch: RolloutBatch, step: int = 0) -> Scores:
        if batch.texts is None:
            raise RewardError("format needs RolloutBatch.texts (the decoded responses)")
        cfg = self.config
        texts = batch.texts
        for row, text in enumerate(texts):
            if not isinstance(text, str):
                raise RewardError(f"texts[{row}] must be a string; got {type(text).__name__}")
        form, opened = cfg.answer_format, cfg.think_open_in_prompt
        check_answer, check_think = bool(cfg.answer_penalty), bool(cfg.think_penalty)
        # one pass over the batch, both checks per text while it is in cache
        missing: list[bool] = []
        malformed: list[bool] = []
        for text in texts:
            if check_think:
                malformed.append(not well_formed_think(text, opened))
            if check_answer:
                missing.append(not has_answer(text, form))
        answer = np.where(np.array(missing, dtype=bool), -cfg.answer_penalty, 0.0) if check_answer else np.zeros(len(texts))
        think = np.where(np.array(malformed, dtype=bool), -cfg.think_penalty, 0.0) if check_think else np.zeros(len(texts))
        return Scores(total=answer + think, components={"answer": answer, "think": think})
