"""Merging checkpoints and finding where an update lives.

    from rlvr.merging import MergeSpec, merge, diff_checkpoints
    from rlvr.merging.heldout import HeldoutSet
    merge(MergeSpec("ties", models=["runs/default"], base="default", density=0.2), "merged/ties")
    diff_checkpoints("default", "runs/default", "diff/", heldout=HeldoutSet(n=64))

Command line: `rlvr merge`, `rlvr diff`. Reference: docs/merging.md. torch, transformers and
mergekit are imported inside the functions that need them.
"""

from rlvr.merging.checkpoints import Checkpoint, check_compatible, layer_of, open_checkpoint, parse_layers
from rlvr.merging.errors import MergeError
from rlvr.merging.methods import METHODS, MergeSpec, merge, mergekit_config, swap_layers

__all__ = [
    "METHODS",
    "Checkpoint",
    "MergeError",
    "MergeSpec",
    "check_compatible",
    "diff_checkpoints",
    "layer_of",
    "merge",
    "mergekit_config",
    "open_checkpoint",
    "parse_layers",
    "swap_layers",
]


def __getattr__(name: str):  # type: ignore[no-untyped-def]
    # diff_checkpoints pulls in rlvr.evaluate; import it only when asked for.
    if name == "diff_checkpoints":
        from rlvr.merging.run import diff_checkpoints

        return diff_checkpoints
    raise AttributeError(name)
