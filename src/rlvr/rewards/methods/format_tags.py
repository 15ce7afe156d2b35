"""Format reward: answer and think tags, mild by default."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from rlvr.rewards.base import RewardError, RewardMethod, RolloutBatch, Scores
from rlvr.rewards.methods.common import require
from rlvr.rewards.registry import register

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")
ANSWER_FORMATS = ("boxed", "tag", "either")


def has_answer(text: str, answer_format: str) -> bool:
    """True when the text gives a final answer in the expected form."""
    boxed = _BOXED.search(text) is not None
    # plain string scans, linear in the text even when a model spams unclosed tags
    close = text.rfind("</answer>")
    start = text.rfind("<answer>", 0, close) if close >= 0 else -1
    tagged = start >= 0 and text[start + len("<answer>") : close].strip() != ""
    if answer_format == "boxed":
        return boxed
    if answer_format == "tag":
        return tagged
    return boxed or tagged


def well_formed_think(text: str, open_in_prompt: bool) -> bool:
    """One non-empty <think> ... </think> block with something after it.

    With `open_in_prompt` the chat template already opened the block, so only the
    closing tag is expected in the response.
    """
    opens, closes = text.count("<think>"), text.count("</think>")
    if closes != 1 or opens != (0 if open_in_prompt else 1):
        return False
    close = text.index("</think>")
    start = 0 if open_in_prompt else text.index("<think>") + len("<think>")
    if start > close or not text[start:close].strip():
        return False
    return bool(text[close + len("</think>") :].strip())


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
        answer = np.zeros(len(batch))
        think = np.zeros(len(batch))
        for row, text in enumerate(batch.texts):
            if not isinstance(text, str):
                raise RewardError(f"texts[{row}] must be a string; got {type(text).__name__}")
            if cfg.answer_penalty and not has_answer(text, cfg.answer_format):
                answer[row] = -cfg.answer_penalty
            if cfg.think_penalty and not well_formed_think(text, cfg.think_open_in_prompt):
                think[row] = -cfg.think_penalty
        return Scores(total=answer + think, components={"answer": answer, "think": think})
