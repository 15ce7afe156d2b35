"""Ten difficulties are ten levels: every step changes a knob, and knobs move one way only.

Numbers rise with difficulty unless listed in FALLING (knobs that make a puzzle harder as
they fall, such as the share of cells shown up front); flags switch at most once; option
lists only grow. A family whose neighbouring levels shared their settings (13 did, among
them kakurasu and star_battle with 5 distinct levels of 10) fails here.
"""

from __future__ import annotations

from dataclasses import asdict, is_dataclass

import pytest

from rlvr.tasks import get, names

LEVELS = range(1, 11)
# (family, knob) pairs that fall as difficulty rises: less help, fewer easy cases.
FALLING = {
    ("alphabet_sort", "first_letters"),
    ("arrow_maze", "given_percent"),
    ("binairo", "extra_givens_percent"),
    ("countdown", "use_all"),
    ("futoshiki", "given_percent"),
    ("graph_coloring", "edge_share"),
    ("hidato", "given_percent"),
    ("kakurasu", "given_percent"),
    ("kenken", "single_percent"),
    ("light_up", "black_percent"),
    ("nonogram", "filled_percent"),
    ("scheduling", "step"),
    ("skyscrapers", "extra_clues"),
    ("norinori", "empty_hint_percent"),
    ("star_battle", "empty_hint_percent"),
    ("zebra", "direct_share"),
}
# Knobs whose value is a mix of kinds rather than a growing option list.
MIXES = {("sequence_induction", "rules")}


def configs(name: str) -> list[dict]:
    task = get(name)
    found = [task.config_for(d) for d in LEVELS]
    assert all(is_dataclass(c) for c in found), f"{name}: config_for must return a dataclass"
    return [asdict(c) for c in found]


@pytest.mark.parametrize("name", names())
def test_neighbouring_levels_differ(name: str) -> None:
    levels = configs(name)
    same = [d for d, (a, b) in enumerate(zip(levels, levels[1:]), 1) if a == b]
    assert not same, f"{name}: difficulty {same} has the same settings as the next level: {levels[same[0] - 1]}"


@pytest.mark.parametrize("name", names())
def test_knobs_move_one_way(name: str) -> None:
    levels = configs(name)
    for knob in levels[0]:
        values = [level[knob] for level in levels]
        if (name, knob) in MIXES:
            continue
        if isinstance(values[0], bool | int | float):
            ordered = values[::-1] if (name, knob) in FALLING else values
            assert ordered == sorted(ordered), (
                f"{name}.{knob} moves the wrong way or back: {values}"
                + (" (falls as it gets harder)" if (name, knob) in FALLING else ""))
        else:
            comma_lists = any("," in str(v) for v in values)
            sets = [set(str(v).split(",")) if comma_lists else set(str(v)) for v in values]
            assert all(a <= b for a, b in zip(sets, sets[1:])), f"{name}.{knob} options shrink: {values}"


def test_falling_list_names_real_knobs() -> None:
    # A renamed knob must not leave a stale entry that silently exempts nothing.
    for name, knob in FALLING | MIXES:
        assert knob in configs(name)[0], f"{name} has no knob {knob}"
