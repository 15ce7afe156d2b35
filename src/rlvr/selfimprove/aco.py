"""The ACO loss (advantage-calibrated optimisation) of Genius, as plain torch functions.

Genius (Xu et al. 2025, "Genius: A Generalizable and Purely Unsupervised Self-Training Framework
For Advanced Reasoning", eq. 10-12) trains on preference pairs (x, T_w, A_w, T_l, A_l) whose
advantages A come from foresight re-sampling. The loss is DPO's, with the rejected side's
log-ratio scaled by a calibration term:

    w      = clip(exp(-(A_l - A_w) / alpha), max=1)                         (eq. 11)
    L_ACO  = -log sigmoid( beta * [log pi(T_w|x)/ref(T_w|x) - w * log pi(T_l|x)/ref(T_l|x)] )   (eq. 12)

When the rejected response's advantage is not above the chosen one's (A_l <= A_w, the "normal
region") w = 1 and the loss is DPO's sigmoid loss; when it is (A_l > A_w, possible when the two
come from different beams with different baselines) w < 1 and the rejected side is pushed down
less. The authors' released code (aco-training/open_instruct/aco_utils.py) takes
max(1, exp(...)) instead of the paper's clip at 1; rlvr follows the paper (docs/selfimprove.md).
"""

from __future__ import annotations

from typing import Any


class ACOError(ValueError):
    """Bad ACO settings (alpha <= 0, beta <= 0, mismatched shapes)."""


def calibration(chosen_advantages: Any, rejected_advantages: Any, alpha: float) -> Any:
    """w = min(1, exp(-(A_l - A_w) / alpha)) per pair (Genius eq. 11); a tensor like the inputs."""
    import torch

    if not alpha > 0:
        raise ACOError(f"aco.alpha must be > 0 (it scales the advantage gap); got {alpha!r}")
    gap = (rejected_advantages - chosen_advantages) / alpha
    # exp(-gap) overflows for a large negative gap; that side of the clip is 1 anyway.
    return torch.exp(-gap.clamp(min=0.0))


def aco_loss(
    chosen_logratios: Any,
    rejected_logratios: Any,
    weights: Any,
    beta: float,
) -> Any:
    """Per-pair ACO loss -log sigmoid(beta * (r_w - weights * r_l)); r = log pi/ref summed over tokens.

    With `weights` all 1 this is DPO's sigmoid loss (Rafailov et al. 2023, eq. 7).
    """
    import torch.nn.functional as F

    if not beta > 0:
        raise ACOError(f"aco.beta must be > 0 (the DPO temperature); got {beta!r}")
    if chosen_logratios.shape != rejected_logratios.shape or chosen_logratios.shape != weights.shape:
        raise ACOError(
            f"chosen, rejected and weights must have one value per pair; got shapes "
            f"{tuple(chosen_logratios.shape)}, {tuple(rejected_logratios.shape)}, {tuple(weights.shape)}"
        )
    return -F.logsigmoid(beta * (chosen_logratios - weights * rejected_logratios))
