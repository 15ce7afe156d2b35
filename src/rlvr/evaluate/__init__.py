"""Sample a model on verifiable tasks, check every response, report accuracy, pass@k and lengths.

    from rlvr.evaluate.model_eval import evaluate_model
    from rlvr.evaluate.sampling import SamplingParams

    result = evaluate_model("default", ["arithmetic"], n=64, samples=4, difficulties=[1, 2],
                            params=SamplingParams(max_tokens=128, temperature=0.7))
    result.overall.accuracy, result.overall.pass_at_k[4], result.overall.mean_tokens

Command line: `rlvr eval MODEL --tasks ... --n ... --samples k`. Reference: docs/training.md.
"""
