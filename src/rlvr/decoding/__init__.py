"""Step-level decoding: foresight rollouts, Predictive-Decoding and the baselines it is compared with.

    from rlvr.decoding import foresight, split_steps
    rollouts = foresight(model, tokenizer, prefix_ids, k=8, horizon_steps=2, max_new_tokens=128,
                         temperature=0.7, seed=0)

    from rlvr.decoding import DecodingConfig, decode
    out = decode(model, tokenizer, prompt_ids, DecodingConfig(strategy="predictive", k=8, horizon=2, tau=0.1))
    out.text, out.tokens, out.generated     # generated: every token sampled, all rollouts included

Layer 3 (beside engines and models): `rlvr.evaluate` and the self-improvement recipes use it.
torch and transformers are imported inside the functions.
"""

from rlvr.decoding.config import STRATEGIES, DecodingConfig
from rlvr.decoding.errors import DecodingError
from rlvr.decoding.foresight import Rollout, foresight
from rlvr.decoding.result import Decoded
from rlvr.decoding.sampler import DecodingSampler, decode
from rlvr.decoding.steps import split_steps

__all__ = ["STRATEGIES", "Decoded", "DecodingConfig", "DecodingError", "DecodingSampler", "Rollout", "decode",
           "foresight", "split_steps"]
