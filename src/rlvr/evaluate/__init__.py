"""Sample a model on verifiable tasks, check every response, report accuracy, pass@k and lengths.

    from rlvr.evaluate.model_eval import evaluate_model
    from rlvr.evaluate.sampling import SamplingParams

    result = evaluate_model("default", ["arithmetic"], n=64, samples=4, difficulties=[1, 2],
                            params=SamplingParams(max_tokens=128, temperature=0.7))
    result.overall.accuracy, result.overall.pass_at_k[4], result.overall.mean_tokens

Paper conventions (docs/evaluate.md): `templates` (named prompts, e.g. qwen25-math-cot),
`benchmarks` (MATH-500, GSM8K, AIME 2024, AMC 2023 tables: greedy/avg@k, pass@k),
`checkpoints` (curves over a run's checkpoints) and `compare` (accuracy vs tokens with the
Pareto front, behaviour rates side by side).

Command line: `rlvr eval MODEL --tasks ... --n ... --samples k`, `rlvr eval MODEL --benchmarks
math500,gsm8k,aime24,amc23 --template qwen25-math-cot`, `rlvr eval RUN --checkpoints`,
`rlvr compare A B ...`. Reference: docs/training.md, docs/evaluate.md.
"""
