"""Self-improvement from a model's own samples: B-STaR (and fixed-temperature STaR/RFT).

    from rlvr.selfimprove.config import load_config
    from rlvr.selfimprove.loop import run_selfimprove

    config = load_config("bstar", ["iterations=2"])   # shipped recipe (bstar, star) or a file path
    result = run_selfimprove(config)
    print(result.summary_line())   # held-out accuracy by iteration: 0.094 -> 0.156 -> ...

Command line: `rlvr self-improve [RECIPE]`. Reference: docs/selfimprove.md.
Heavy dependencies (torch, transformers, trl) load inside the loop's functions only.
"""
