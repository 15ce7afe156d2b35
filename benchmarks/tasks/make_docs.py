"""Regenerate docs/tasks.md: the guide below, then the table of every registered family.

    python benchmarks/tasks/make_docs.py
"""

from __future__ import annotations

from pathlib import Path

from rlvr.tasks.catalog import markdown

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tasks.md"

GUIDE = r"""# Tasks: verifiable problems at any difficulty

`rlvr.tasks` makes problems whose answers a program can check, in many domains, with a
difficulty dial from 1 to 10, and checks model responses to them. Math benchmarks ship
inside the package as families too.

```python
from rlvr.tasks import get, names, Mixture, Curriculum

task = get("sat")
problem = task.problem(0, seed=0, difficulty=4)      # deterministic: (family, seed, difficulty, index)
verdict = task.check(problem, "<think>...</think><answer>x1=1, x2=0, ...</answer>")
verdict.correct, verdict.reason                     # True/False and a stable reason word
```

## The contract every family meets
- **Deterministic streams.** Item *i* depends only on the family, seed, difficulty and *i*
  (each item has its own RNG, seeded from a blake2b hash of those four), so item 10,000 costs
  the same as item 0 and shards agree. Families that draw only a few numbers per item
  (`arithmetic`, and a mixture's choice of family) set `light_rng = True` and get a
  `LightRandom`, which seeds in O(1) where a Mersenne Twister mixes 624 words.
- **One right answer, or any valid one.** A puzzle either has exactly one solution (proved by
  a solver at generation time) or is checked by its rules, so every valid solution scores 1
  (`sat`, `dyck_completion`, `sequence_induction` accept any rule-consistent answer; see each
  family's docstring). `problem.answer` always holds one valid solution.
- **No partial credit, no eval.** Answers are parsed by small strict parsers with size caps;
  nothing a model wrote is ever evaluated as code. Reasons: `valid-solution`, `equal-*`,
  `not-equal`, `rule-violation`, `invalid-format`, `no-answer`.
- **Answer format.** The final answer goes inside `<answer></answer>` (the last tag after any
  `</think>`). Math families and `arithmetic` ask for `\boxed{}` and accept either.
- **Difficulty that grows.** `config_for(d)` maps 1..10 monotonically onto knobs (recorded in
  `metadata["knobs"]`); `metadata["effort"]` records a size or solver-effort measure that
  rises with difficulty. Knobs can be pinned: `get("sat", variables=30)`.
- **Negative examples.** `task.corrupt(problem, rng)` returns a well-formed wrong answer.

## Math datasets
`math500`, `gsm8k`, `aime24` and `amc23` are bundled (see `rlvr/tasks/data/PROVENANCE.md`) and
checked with `rlvr.verify.check`. Difficulty picks a pool: MATH-500 level ceil(d/2) (odd d
the half with shorter reference solutions, even d the longer half); GSM8K the d-th tenth by
number of calculation steps in the reference; AIME and AMC the d-th tenth by problem number
within the contest. `generate(n)` walks a seeded permutation of the pool and, past its end,
cycles with a fresh permutation per epoch (`metadata["epoch"]`; ids stay unique). For
evaluation over the whole set use `get("math500").all_problems()`. These are test sets:
evaluate on them, do not train on them.

## Mixtures and curricula
```python
mix = Mixture(["sudoku", "arithmetic", "cipher"], weights=[1, 2, 1], seed=7,
              difficulty={"sudoku": 2, "arithmetic": 4, "cipher": 3})
batch = list(mix.generate(256))            # item i depends only on seed and i
curriculum = Curriculum(start=1, window=32) # up above 70% success, down below 30%, bounded 1..10
mix = Mixture(["sudoku", "arithmetic"], curriculum=curriculum)
for problem in mix.generate(64):
    verdict = mix.check(problem, response_for(problem))
    curriculum.update(problem.task, verdict.correct)
state = curriculum.state_dict()             # save with the trainer checkpoint
```

## Command line
```
rlvr tasks list                       # families, category, knobs, a short example
rlvr tasks show sudoku --difficulty 5 --seed 3
rlvr tasks export --tasks sudoku,zebra --n 10000 --difficulty 3 --format verl -o train.parquet
rlvr tasks export --tasks arithmetic --n 2000 --difficulty 1 --format trl -o train.jsonl
rlvr tasks export --tasks math500 --n 500 --format verl --split test -o test.parquet
rlvr tasks check responses.jsonl      # lines: an exported row (or a problem) plus "response"
```
`--format verl` writes `data_source` (`rlvr/<task>`), `prompt` (chat messages), `ability`
(the category), `reward_model{style, ground_truth}` and `extra_info` (`index`, `split`, `id`,
`difficulty` and `problem_json`, which the reward function uses to check); `trl` writes `prompt`, `answer`, `task`, `difficulty`,
`problem_json`; `jsonl` writes the problems themselves. Parquet needs `pip install 'rlvr[data]'`.
Families take turns row by row unless `--weights` asks for a random mixture. Unknown families
and bad difficulties are reported in one line (exit code 2).

Speed per family (generation and verification, beside reasoning-gym) and mean effort by difficulty are in
`benchmarks/tasks/RESULTS.md`.
"""


def main() -> None:
    DOCS.write_text(GUIDE + "\n" + markdown(level=2) + "\n", encoding="utf-8")
    print(f"wrote {DOCS}")


if __name__ == "__main__":
    main()
