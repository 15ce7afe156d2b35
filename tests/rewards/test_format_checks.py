"""The format checks' fast string scans give the verdicts of a plain full-text reference."""

from __future__ import annotations

import re
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rlvr import rewards
from rlvr.rewards import RolloutBatch
from rlvr.rewards.methods.format_tags import has_answer, well_formed_think

_BOXED = re.compile(r"\\(?:boxed|fbox)\s*\{")


def reference_has_answer(text: str, answer_format: str) -> bool:
    """The definition, read off the whole text: a boxed command, or the last </answer> closing a non-empty block."""
    boxed = _BOXED.search(text) is not None
    close = text.rfind("</answer>")
    start = text.rfind("<answer>", 0, close) if close >= 0 else -1
    tagged = start >= 0 and text[start + len("<answer>") : close].strip() != ""
    return {"boxed": boxed, "tag": tagged, "either": boxed or tagged}[answer_format]


def reference_well_formed_think(text: str, open_in_prompt: bool) -> bool:
    """The definition: exactly one </think> (and one <think> unless the prompt opened it), non-empty inside and after."""
    opens, closes = text.count("<think>"), text.count("</think>")
    if closes != 1 or opens != (0 if open_in_prompt else 1):
        return False
    close = text.index("</think>")
    start = 0 if open_in_prompt else text.index("<think>") + len("<think>")
    if start > close or not text[start:close].strip():
        return False
    return bool(text[close + len("</think>") :].strip())


# Pieces that make near-misses likely: partial tags, commands without braces, odd whitespace.
PIECES = [
    "<think>", "</think>", "<answer>", "</answer>", "\\boxed", "\\fbox", "\\boxed{", "\\fbox {", "{", "}",
    " ", "\n", "\t", "\u2003", "\u00a0", "box", "boxed", "ed", "\\", "\\f", "f", "<", ">", "/", "think>",
    "<thin", "answer>", "</", "x", "4", "é", "\\boxe", "<<think>>", "</answer", "\\\\boxed{",
]
texts = st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=40).map("".join)


@settings(max_examples=1500, deadline=None)
@given(text=texts, answer_format=st.sampled_from(["boxed", "tag", "either"]))
def test_answer_check_matches_the_reference(text: str, answer_format: str) -> None:
    assert has_answer(text, answer_format) == reference_has_answer(text, answer_format)


@settings(max_examples=1500, deadline=None)
@given(text=texts, open_in_prompt=st.booleans())
def test_think_check_matches_the_reference(text: str, open_in_prompt: bool) -> None:
    assert well_formed_think(text, open_in_prompt) == reference_well_formed_think(text, open_in_prompt)


def hostile() -> list[str]:
    """Inputs that run past the bounded hops into the fallback searches, and long realistic ones."""
    prose = "so we check the case x < 3 and \\frac{1}{2} box " * 200
    return [
        "<" * 5000 + "<think>a</think> b",
        "<think>a</think>" + "<" * 100 + "</answer>" + "<" * 100,
        "<answer>4</answer>" + "< " * 300,
        "<answer> </answer>" + "<x" * 50 + "<answer>5</answer>" + "<y" * 50,
        "box " * 1000 + "\\boxed {4}" + " box" * 1000,
        "\\boxed" + " " * 5000 + "x" + "box" * 100,
        "\\fbox\n\u2003{" + "boxes " * 500,
        "<think>" + prose + "</think> The answer is \\boxed{7}.",
        "<think>" + prose,  # cut off mid-thought: no close, no answer
        prose + "</think>" + prose + "<answer>3</answer>" + "<" * 40,
        "<think>" * 40 + "</think>" * 40,
        "<think>a" + "<" * 40 + "</think>" + "<" * 40 + "b",
    ]


@pytest.mark.parametrize("text", hostile())
def test_hostile_and_long_inputs_match_the_reference(text: str) -> None:
    for answer_format in ("boxed", "tag", "either"):
        assert has_answer(text, answer_format) == reference_has_answer(text, answer_format)
    for opened in (False, True):
        assert well_formed_think(text, opened) == reference_well_formed_think(text, opened)


def test_spam_stays_linear() -> None:
    """A megabyte of "<", "box" or unclosed commands is checked in well under a second (generous bound)."""
    method = rewards.get("format", think_penalty=0.5)
    spam = ["<" * 1_000_000, "box" * 330_000, "\\boxed " * 140_000, "<think>" * 140_000 + "</answer>" * 100_000]
    batch = RolloutBatch(correct=[1.0] * 4, length=[5] * 4, group=[0, 1, 2, 3], texts=spam)
    start = time.process_time()
    scores = method.score(batch)
    assert time.process_time() - start < 5.0
    assert scores.total.tolist() == [-0.6, -0.6, -0.6, -0.6]
