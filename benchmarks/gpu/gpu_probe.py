"""What the GPU machine has: the accelerator, the Python packages, and the verl rollout backend to use.

The device image is not ours and changes between sessions, so run.sh decides every stage
from this record instead of assuming: verl 0.9's `main_ppo` generates with a server
rollout (vLLM, SGLang or TensorRT-LLM; its HF rollout is gone) and needs Ray,
TransferQueue and cachetools, so the verl run is attempted only when those import; the
TRL path needs only CUDA and TRL.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import importlib.util
import json
import platform
import subprocess
import sys
from pathlib import Path
from typing import Any

# Distribution name -> module name, for everything a stage may need.
PACKAGES = {
    "torch": "torch", "transformers": "transformers", "trl": "trl", "accelerate": "accelerate", "peft": "peft",
    "datasets": "datasets", "gguf": "gguf", "latex2sympy2_extended": "latex2sympy2_extended", "pyarrow": "pyarrow",
    "matplotlib": "matplotlib", "verl": "verl", "ray": "ray", "hydra-core": "hydra", "omegaconf": "omegaconf",
    "tensordict": "tensordict", "vllm": "vllm", "sglang": "sglang", "tensorrt_llm": "tensorrt_llm",
    "flash-attn": "flash_attn", "transferqueue": "transfer_queue", "cachetools": "cachetools",
}
# verl 0.9 rollout backends in the order run.sh prefers them (all are server rollouts).
ROLLOUTS = ("vllm", "sglang")
# What rlvr's verl job and reward path import (run.sh's verl_prep and verl_reward)...
VERL_NEEDS = ("verl", "ray", "hydra", "omegaconf", "tensordict", "pyarrow")
# ...and what main_ppo adds: its default v1 trainer imports transfer_queue, its rollout router
# cachetools (verl lists both only in its verl-core extra).
RUN_NEEDS = ("transfer_queue", "cachetools")


def _version(dist: str) -> str | None:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return None


def _importable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


def _gpu() -> dict[str, Any]:
    info: dict[str, Any] = {"cuda": False}
    try:
        smi = subprocess.run(["nvidia-smi", "--query-gpu=name,memory.total,driver_version", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=20, check=False)
        info["nvidia_smi"] = smi.stdout.strip() or smi.stderr.strip()
    except (OSError, subprocess.TimeoutExpired) as err:
        info["nvidia_smi"] = f"unavailable: {err}"
    if _importable("torch"):
        import torch

        info["cuda"] = bool(torch.cuda.is_available())
        info["torch_cuda"] = torch.version.cuda
        if info["cuda"]:
            info["device"] = torch.cuda.get_device_name(0)
            info["bf16"] = bool(torch.cuda.is_bf16_supported())
    return info


def collect() -> dict[str, Any]:
    """The machine as run.sh sees it: Python, GPU, package versions and importable modules."""
    modules = {module: _importable(module) for module in {*PACKAGES.values(), *VERL_NEEDS, *RUN_NEEDS}}
    info = {
        "python": sys.version.split()[0], "executable": sys.executable, "platform": platform.platform(),
        "gpu": _gpu(),
        "versions": {dist: _version(dist) for dist in PACKAGES},
        "importable": dict(sorted(modules.items())),
    }
    info["rollout"], info["rollout_reason"] = choose_rollout(info["importable"])
    info["verl_stack"] = all(modules[m] for m in VERL_NEEDS)
    info["flash_attn"] = modules["flash_attn"]
    return info


def choose_rollout(importable: dict[str, bool]) -> tuple[str | None, str]:
    """The verl rollout backend to use, or None with the reason verl cannot run here."""
    missing = [m for m in (*VERL_NEEDS, *RUN_NEEDS) if not importable.get(m)]
    if missing:
        return None, f"verl's main_ppo needs {', '.join(missing)}, not importable here"
    for backend in ROLLOUTS:
        if importable.get(backend):
            return backend, f"{backend} is importable"
    return None, "no rollout backend verl 0.9 can use (vllm or sglang); its HF rollout was removed"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="write the record here (JSON)")
    parser.add_argument("--read", nargs=2, metavar=("FILE", "KEY"), help="print one field of a record (cuda, rollout, rollout_reason, verl_stack, flash_attn); booleans as 1/0")
    args = parser.parse_args(argv)
    if args.read:
        record = json.loads(Path(args.read[0]).read_text(encoding="utf-8"))
        value = record["gpu"]["cuda"] if args.read[1] == "cuda" else record.get(args.read[1])
        print("1" if value is True else "0" if value is False else (value or ""))
        return 0
    info = collect()
    text = json.dumps(info, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
