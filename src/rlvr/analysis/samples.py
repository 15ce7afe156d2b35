"""Read sampled responses from a JSONL file or an rlvr run folder.

One JSON object per line: `response` (string, required) and optionally `prompt`, `correct`
(bool), `reward` (number), `length` (tokens), `step` (int), `truncated` (bool), `logprobs`
(the sampled tokens' log-probs), `gold` or `answer` (the reference answer: then rlvr's strict
verifier decides `correct` and the hacking screen runs), `reason` (a verdict reason already
computed, e.g. "hacking"). A run folder is read through `samples.jsonl` or `samples/*.jsonl`
in it (its `metrics.jsonl` holds only per-step aggregates, not responses).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.analysis.errors import AnalysisError

RUN_SAMPLE_FILES = ("samples.jsonl", "completions.jsonl")
RUN_SAMPLE_FOLDER = "samples"


class SamplesError(AnalysisError):
    """A samples file or run folder that cannot be read as samples."""


@dataclass(frozen=True)
class Row:
    response: str
    prompt: str | None = None
    correct: bool | None = None
    reward: float | None = None
    length: int | None = None
    step: int = 0
    truncated: bool | None = None
    logprobs: tuple[float, ...] | None = None
    gold: str | None = None
    reason: str | None = None


def sample_files(path: str | Path) -> list[Path]:
    """The JSONL files to read for `path`: the file itself, or a run folder's samples."""
    p = Path(path)
    if p.is_file():
        return [p]
    if p.is_dir():
        for name in RUN_SAMPLE_FILES:
            if (p / name).is_file():
                return [p / name]
        folder = p / RUN_SAMPLE_FOLDER
        files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
        if files:
            return files
        raise SamplesError(f"no samples in run folder {p}: expected {' or '.join(RUN_SAMPLE_FILES)} or {RUN_SAMPLE_FOLDER}/*.jsonl")
    raise SamplesError(f"{p} does not exist")


def _typed(record: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) and kind is not bool and bool not in (kind if isinstance(kind, tuple) else (kind,)):
        raise SamplesError(f"{where}: `{key}` must be {getattr(kind, '__name__', 'a number')}, got a boolean")
    if not isinstance(value, kind):
        raise SamplesError(f"{where}: `{key}` has the wrong type ({type(value).__name__})")
    return value


def parse_row(record: Any, where: str) -> Row:
    """One sample from one decoded JSON line; `where` names the line in errors."""
    if not isinstance(record, dict):
        raise SamplesError(f"{where}: expected a JSON object, got {type(record).__name__}")
    response = record.get("response")
    if not isinstance(response, str):
        raise SamplesError(f"{where}: needs a string `response`")
    reward = _typed(record, "reward", (int, float), where)
    if reward is not None and not math.isfinite(reward):
        raise SamplesError(f"{where}: `reward` must be finite")
    length = _typed(record, "length", int, where)
    if length is not None and length < 0:
        raise SamplesError(f"{where}: `length` must be >= 0")
    step = _typed(record, "step", int, where)
    logprobs = _typed(record, "logprobs", list, where)
    if logprobs is not None:
        if not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in logprobs):
            raise SamplesError(f"{where}: `logprobs` must be a list of numbers")
        logprobs = tuple(float(v) for v in logprobs)
    gold = record.get("gold", record.get("answer"))
    if gold is not None and not isinstance(gold, (str, int, float)) or isinstance(gold, bool):
        raise SamplesError(f"{where}: `gold`/`answer` must be a string or a number")
    prompt = _typed(record, "prompt", str, where)
    return Row(
        response=response,
        prompt=prompt,
        correct=_typed(record, "correct", bool, where),
        reward=float(reward) if reward is not None else None,
        length=length,
        step=step if step is not None else 0,
        truncated=_typed(record, "truncated", bool, where),
        logprobs=logprobs,
        gold=str(gold) if gold is not None else None,
        reason=_typed(record, "reason", str, where),
    )


def read_samples(path: str | Path) -> list[Row]:
    """All samples under `path` (a JSONL file or a run folder); one-line errors name the bad line."""
    rows: list[Row] = []
    for file in sample_files(path):
        try:
            with file.open(encoding="utf-8") as stream:
                for number, line in enumerate(stream, start=1):
                    if not line.strip():
                        continue
                    where = f"{file}:{number}"
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as error:
                        raise SamplesError(f"{where}: not valid JSON ({error.msg})") from None
                    rows.append(parse_row(record, where))
        except UnicodeDecodeError:
            raise SamplesError(f"{file} is not UTF-8 text") from None
        except OSError as error:
            raise SamplesError(f"cannot read {file}: {error.strerror or type(error).__name__}") from None
    if not rows:
        raise SamplesError(f"no samples in {path}: every line was empty")
    return rows
