from __future__ import annotations

from collections import Counter

import pytest

from rlvr.tasks import Curriculum, Mixture, TaskError


def test_item_depends_only_on_seed_and_index() -> None:
    mix = Mixture(["arithmetic", "sat", "cipher"], seed=3)
    stream = list(mix.generate(30))
    assert [mix.problem(i) for i in (29, 0, 17)] == [stream[29], stream[0], stream[17]]
    assert list(Mixture(["arithmetic", "sat", "cipher"], seed=3).generate(10, start=20)) == stream[20:]
    assert [p.id for p in Mixture(["arithmetic", "sat", "cipher"], seed=4).generate(30)] != [p.id for p in stream]
    assert len({p.id for p in stream}) == 30


def test_weights_shape_the_draw() -> None:
    mix = Mixture(["arithmetic", "sat"], weights=[3, 1], seed=0)
    counts = Counter(mix.family_of(i).name for i in range(4000))
    assert 0.70 < counts["arithmetic"] / 4000 < 0.80
    zero = Mixture(["arithmetic", "sat"], weights=[1, 0])
    assert {p.task for p in zero.generate(50)} == {"arithmetic"}


def test_per_family_difficulty() -> None:
    mix = Mixture(["arithmetic", "sat"], seed=1, difficulty={"arithmetic": 2, "sat": 7})
    levels = {p.task: p.difficulty for p in mix.generate(40)}
    assert levels == {"arithmetic": 2, "sat": 7}
    mix.set_difficulty("sat", 1)
    assert {p.difficulty for p in mix.generate(40) if p.task == "sat"} == {1}


def test_curriculum_drives_difficulty_and_check_routes() -> None:
    curriculum = Curriculum(window=2, start=1)
    mix = Mixture(["arithmetic", "boolean_expression"], curriculum=curriculum)
    for problem in mix.generate(20):
        verdict = mix.check(problem, f"<answer>{problem.answer}</answer>")
        assert verdict.correct
        curriculum.update(problem.task, verdict.correct)
    assert curriculum.difficulty("arithmetic") > 1
    assert mix.problem(100).difficulty == curriculum.difficulty(mix.family_of(100).name)


@pytest.mark.parametrize(
    "args, kwargs",
    [
        (([],), {}),
        ((["arithmetic", "arithmetic"],), {}),
        ((["arithmetic", "sat"], [1]), {}),
        ((["arithmetic", "sat"], [1, -1]), {}),
        ((["arithmetic", "sat"], [0, 0]), {}),
        ((["arithmetic", "sat"], [1, float("nan")]), {}),
        ((["arithmetic"],), {"difficulty": 11}),
        ((["arithmetic"],), {"difficulty": {"sat": 3}}),
        ((["no_such_family"],), {}),
    ],
)
def test_bad_mixtures_are_task_errors(args: tuple, kwargs: dict) -> None:
    with pytest.raises(TaskError):
        Mixture(*args, **kwargs)
