"""Behaviour rates of evaluated responses, through rlvr.analysis (the same numbers `rlvr analyze` gives).

Each record becomes an analysis row with its response, its problem id as the prompt (for the
B-STaR counts), the evaluation's verdict as `correct`, its token count and truncation flag.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rlvr.analysis.behaviours import BEHAVIOURS
from rlvr.analysis.report import analyze
from rlvr.analysis.samples import Row

# What a comparison shows side by side: the reflection-word share, then the four behaviours.
RATES = ("reflection", *BEHAVIOURS)


def record_rows(records: Iterable[dict[str, Any]]) -> list[Row]:
    """Analysis rows from evaluation records (`SampleRecord` as dicts, e.g. read from `rlvr eval --json`)."""
    return [Row(response=r["response"], prompt=r["problem_id"], correct=bool(r["correct"]),
                length=int(r["tokens"]), truncated=bool(r["truncated"])) for r in records]


def behaviour_rates(records: list[dict[str, Any]]) -> dict[str, float]:
    """Share of responses showing each of `RATES`, plus reflection words per response."""
    overall = analyze(record_rows(records))["overall"]
    return {name: float(overall[name]) for name in (*RATES, "reflection_per_response")}
