"""`merge`: combine checkpoints of one architecture into a new model folder.

Methods (theta_b the base, theta_i the listed models, delta_i = theta_i - theta_b, w_i weights):

- linear: sum_i w_i theta_i / sum_i w_i (Wortsman et al. 2022, "Model soups", arXiv:2203.05482).
- task_arithmetic: theta_b + lambda sum_i w_i delta_i (Ilharco et al. 2023, arXiv:2212.04089).
- ties: trim each delta_i to its top `density` share by magnitude, elect a sign per entry
  (sign of sum_i w_i delta_i), average the w_i delta_i that agree with it (Yadav et al. 2023,
  arXiv:2306.01708).
- dare_linear / dare_ties: drop each delta entry with probability 1 - density and rescale the
  survivors, then add (linear) or TIES sign-elect (ties) (Yu et al. 2024, arXiv:2311.03099).
- slerp: spherical interpolation theta_b -> theta_1 at `t` (Shoemake 1985; for weights, mergekit).
- layer_swap: theta_b with decoder layers i..j copied from theta_1 (the layer-swapping recipe of
  Bandarkar et al. 2024, arXiv:2410.01335).

Every method but layer_swap runs on mergekit (Goddard et al. 2024, arXiv:2403.13257); layer_swap
is a plain copy of tensors, done here so the layer-range ablation of `rlvr diff` can swap blocks in
memory without writing a model per block. See docs/merging.md for where mergekit differs from
the papers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rlvr.merging.checkpoints import Checkpoint, check_compatible, layer_of, open_checkpoint, parse_layers
from rlvr.merging.errors import MergeError
from rlvr.merging.output import check_new_folder, new_folder

MERGEKIT_METHODS = ("linear", "task_arithmetic", "ties", "dare_linear", "dare_ties", "slerp")
METHODS = (*MERGEKIT_METHODS, "layer_swap")
_WITH_BASE = ("task_arithmetic", "ties", "dare_linear", "dare_ties", "slerp", "layer_swap")
_SPARSE = ("ties", "dare_linear", "dare_ties")
DTYPES = ("float32", "bfloat16", "float16")


@dataclass
class MergeSpec:
    """What to merge and how; `check()` names what is wrong before any weight is read."""

    method: str
    models: list[str]
    base: str | None = None
    weights: list[float] | None = None
    density: float = 0.5
    t: float = 0.5
    lam: float = 1.0
    layers: str | None = None
    dtype: str = "float32"
    seed: int = 0

    def check(self) -> None:
        """Raise MergeError for an unknown method or a spec the method cannot take."""
        if self.method not in METHODS:
            raise MergeError(f"unknown merge method {self.method!r}; choose one of {', '.join(METHODS)}")
        if self.dtype not in DTYPES:
            raise MergeError(f"--dtype must be one of {', '.join(DTYPES)}; got {self.dtype!r}")
        if self.method == "linear":
            if self.base is not None:
                raise MergeError("linear averages the models you list and takes no --base; list it as a model")
            if len(self.models) < 2:
                raise MergeError(f"linear needs two or more models; got {len(self.models)}")
        else:
            if self.base is None:
                raise MergeError(f"{self.method} needs --base (the model the others are measured from)")
            if not self.models:
                raise MergeError(f"{self.method} needs at least one model besides --base")
        if self.method in ("slerp", "layer_swap") and len(self.models) != 1:
            raise MergeError(f"{self.method} takes exactly one model besides --base; got {len(self.models)}")
        if self.method == "layer_swap" and not self.layers:
            raise MergeError("layer_swap needs --layers i-j (0-based, inclusive): the layers taken from the model")
        if self.method != "layer_swap" and self.layers:
            raise MergeError(f"--layers is for layer_swap only, not {self.method}")
        if self.weights is not None and len(self.weights) != len(self.models):
            raise MergeError(f"--weights has {len(self.weights)} values for {len(self.models)} models; give one per model")
        if self.method in _SPARSE and not 0.0 < self.density <= 1.0:
            raise MergeError(f"--density must be in (0, 1]; got {self.density}")
        if self.method == "slerp" and not 0.0 <= self.t <= 1.0:
            raise MergeError(f"--t must be in [0, 1]; got {self.t}")

    def checkpoints(self) -> tuple[Checkpoint | None, list[Checkpoint]]:
        """The base (None for linear) and the other checkpoints, opened and checked to share one architecture."""
        base = open_checkpoint(self.base) if self.base is not None else None
        others = [open_checkpoint(model) for model in self.models]
        paths = [c.path.resolve() for c in ([base] if base else []) + others]
        if len(set(paths)) != len(paths):
            raise MergeError("the same checkpoint is listed twice; merge distinct checkpoints")
        check_compatible(([base] if base else []) + others)
        return base, others


def mergekit_config(spec: MergeSpec, base: Checkpoint | None, others: list[Checkpoint]) -> dict[str, Any]:
    """The mergekit configuration (the dict form of its YAML) for one of MERGEKIT_METHODS."""
    weights = spec.weights or [1.0] * len(others)
    if spec.method == "slerp":
        assert base is not None
        return {"merge_method": "slerp", "base_model": str(base.path),
                "models": [{"model": str(base.path)}, {"model": str(others[0].path)}],
                "parameters": {"t": spec.t}, "dtype": spec.dtype}
    models = []
    for checkpoint, weight in zip(others, weights):
        parameters: dict[str, float] = {"weight": weight}
        if spec.method in _SPARSE:
            parameters["density"] = spec.density
        models.append({"model": str(checkpoint.path), "parameters": parameters})
    config: dict[str, Any] = {"merge_method": spec.method, "models": models, "dtype": spec.dtype}
    if spec.method != "linear":
        assert base is not None
        config["base_model"] = str(base.path)
        config["parameters"] = {"lambda": spec.lam}
    return config


def merge(spec: MergeSpec, output: str | Path, quiet: bool = True) -> Path:
    """Merge as `spec` says into the new folder `output` (weights, config, tokenizer); returns it.

    The folder appears only when complete: a failed or interrupted merge leaves nothing behind.
    """
    spec.check()
    check_new_folder(output)
    base, others = spec.checkpoints()
    with new_folder(output) as staging:
        if spec.method == "layer_swap":
            assert base is not None
            first, last = parse_layers(spec.layers or "", base.num_layers)
            _layer_swap_to_folder(base, others[0], first, last, staging, spec.dtype)
        else:
            _run_mergekit(mergekit_config(spec, base, others), staging, spec.seed, quiet)
    return Path(output).expanduser()


def _run_mergekit(config: Mapping[str, Any], out: Path, seed: int, quiet: bool) -> None:
    try:
        import torch
        from mergekit.config import MergeConfiguration
        from mergekit.merge import run_merge
        from mergekit.options import MergeOptions
    except ImportError as err:
        raise MergeError(f"merging needs mergekit ({err}); pip install 'rlvr[merge]'") from None
    try:
        parsed = MergeConfiguration.model_validate(dict(config))
    except ValueError as err:
        raise MergeError(f"mergekit refused the configuration: {str(err).splitlines()[0]}") from None
    options = MergeOptions(copy_tokenizer=True, random_seed=seed, quiet=quiet, write_model_card=True,
                           cuda=torch.cuda.is_available(), lazy_unpickle=False)
    run_merge(parsed, str(out), options=options)


def swap_layers(receiver: Mapping[str, Any], donor: Mapping[str, Any], first: int, last: int) -> dict[str, Any]:
    """`receiver` with every tensor of decoder layers first..last (inclusive) taken from `donor`.

    Tensors outside the blocks (embeddings, final norm, head) stay the receiver's.
    """
    swapped = dict(receiver)
    for name, tensor in donor.items():
        index = layer_of(name)
        if index is not None and first <= index <= last:
            if name not in swapped:
                raise MergeError(f"{name} is in the donor but not the receiver; swap layers of one architecture")
            swapped[name] = tensor
    return swapped


def _layer_swap_to_folder(base: Checkpoint, donor: Checkpoint, first: int, last: int, out: Path, dtype: str) -> None:
    import torch
    from safetensors.torch import load_file
    from transformers import AutoModelForCausalLM, AutoTokenizer

    model = AutoModelForCausalLM.from_pretrained(str(base.path), dtype=getattr(torch, dtype))
    donor_tensors: dict[str, Any] = {}
    for file in sorted(donor.path.glob("*.safetensors")):
        donor_tensors.update(load_file(str(file)))
    state = model.state_dict()
    # Stored names can differ from the module's (tied heads, a `model.` prefix); match on the module's.
    donor_state = {name: donor_tensors[name] for name in state if name in donor_tensors}
    model.load_state_dict(swap_layers(state, donor_state, first, last), strict=True)
    model.save_pretrained(str(out), safe_serialization=True)
    AutoTokenizer.from_pretrained(str(base.path)).save_pretrained(str(out))
