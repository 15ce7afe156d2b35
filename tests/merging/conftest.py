"""Fixtures: tiny random Llama checkpoints (tests/models/tiny_model.py) that differ from a base by known noise."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

# --import-mode=importlib puts no test folder on sys.path; the helpers live in tests/models and here.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from merge_helpers import perturbed  # noqa: E402
from tiny_model import build_model_dir  # noqa: E402


@pytest.fixture(scope="session")
def family(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A base and three fine-tuned-looking copies of it (noise of different seeds)."""
    root = tmp_path_factory.mktemp("merging")
    base = build_model_dir(root / "base")
    return {"base": base, "a": perturbed(base, root / "a", 1), "b": perturbed(base, root / "b", 2),
            "c": perturbed(base, root / "c", 3)}
