"""Training recipes: GRPO with verifiable rewards on TRL (one machine) or verl (Ray clusters).

    from rlvr.train.config import load_config
    from rlvr.train.trl_engine import train_trl

    config = load_config("default", ["budget.steps=20"])   # shipped recipe, file path, or None
    result = train_trl(config)
    print(result.summary_line())   # held-out accuracy: 0.000 -> 0.422; mean response tokens: ...

Command line: `rlvr train [RECIPE]`, `rlvr demo`. Reference: docs/training.md.
Heavy dependencies (torch, transformers, trl, verl) load inside the engine modules only.
"""
