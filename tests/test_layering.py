"""Data flows one way: a lower layer never imports a higher one, and the core install never imports torch."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "rlvr"

# Lower number = lower layer. A module may import its own layer or lower ones.
LAYERS = {
    "verify": 0,
    "execute": 0,
    "tasks": 1,
    "rewards": 2,
    "analysis": 2,
    "engines": 3,
    "models": 3,
    "ilo": 3,
    "decoding": 3,
    "evaluate": 4,
    "preselect": 4,
    "train": 5,
    "merging": 5,
    "selfimprove": 5,
    "serve": 6,
}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _violations() -> list[str]:
    bad = []
    for layer, rank in LAYERS.items():
        folder = PACKAGE / layer
        if not folder.exists():
            continue
        for path in folder.rglob("*.py"):
            for module in _imports(path):
                parts = module.split(".")
                if parts[0] != "rlvr" or len(parts) < 2:
                    continue
                other = parts[1]
                if other in LAYERS and LAYERS[other] > rank:
                    bad.append(f"{path.relative_to(PACKAGE)} imports {module} (layer {other} is above {layer})")
    return bad


def test_no_lower_layer_imports_a_higher_one() -> None:
    assert _violations() == []


def test_layer_check_detects_a_violation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "rlvr"
    (fake / "verify").mkdir(parents=True)
    (fake / "verify" / "x.py").write_text("from rlvr.train import loop\n")
    monkeypatch.setattr(sys.modules[__name__], "PACKAGE", fake)
    assert _violations() == ["verify/x.py imports rlvr.train (layer train is above verify)"]


@pytest.mark.parametrize("module", ["rlvr", "rlvr.verify", "rlvr.execute", "rlvr.tasks", "rlvr.rewards", "rlvr.cli"])
def test_core_modules_do_not_import_torch(module: str) -> None:
    code = f"import sys, {module}; sys.exit(1 if any(m == 'torch' or m.startswith('torch.') for m in sys.modules) else 0)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr or f"{module} pulled in torch"
