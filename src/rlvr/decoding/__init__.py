"""Step-level decoding: foresight rollouts, Predictive-Decoding and the baselines it is compared with.

    from rlvr.decoding import foresight, split_steps
    rollouts = foresight(model, tokenizer, prefix_ids, k=8, horizon_steps=2, max_new_tokens=128,
                         temperature=0.7, seed=0)

Layer 3 (beside engines and models): `rlvr.evaluate` and the self-improvement recipes use it.
torch and transformers are imported inside the functions.
"""

from rlvr.decoding.errors import DecodingError
from rlvr.decoding.foresight import Rollout, foresight
from rlvr.decoding.steps import split_steps

__all__ = ["DecodingError", "Rollout", "foresight", "split_steps"]
