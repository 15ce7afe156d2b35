"""The LASER-D target as the training benchmark judges it: per seed, across seeds, and the tally."""

from __future__ import annotations

import importlib.util
import json
import math
import re
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

TRAIN_BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "train"
sys.path.insert(0, str(TRAIN_BENCH))

import tally  # noqa: E402
from target import SeedPair, across_seeds, pooled_ratio, t95, verdict  # noqa: E402


def test_two_points_lower_is_within_the_target_despite_float_error():
    ratio, diff, met = verdict((0.98, 30.0), (0.96, 21.0))
    assert diff == pytest.approx(-2.0) and ratio == pytest.approx(0.70)
    assert met
    assert not verdict((0.98, 30.0), (0.95, 21.0))[2]  # 3 points lower
    assert not verdict((0.98, 30.0), (0.98, 21.3))[2]  # 0.71x


def test_one_seed_has_no_bounds_and_is_judged_on_its_point_estimates():
    judged = across_seeds([SeedPair(0.98, 30.0, 0.98, 20.0)])
    assert judged.pooled_ratio_upper is None and judged.mean_diff_lower is None
    assert judged.met and not judged.met_confidently
    assert judged.bounds_text == "-"


def test_accuracy_bound_is_the_students_t_lower_bound():
    # Differences 0, +2, +4 points: mean 2, sample sd 2, standard error 2/sqrt(3), t(2) = 2.920.
    pairs = [SeedPair(0.9, 40.0, 0.9 + d / 100, 20.0) for d in (0, 2, 4)]
    judged = across_seeds(pairs)
    assert judged.mean_diff == pytest.approx(2.0)
    assert judged.diff_standard_error == pytest.approx(2 / math.sqrt(3))
    assert judged.mean_diff_lower == pytest.approx(2.0 - 2.920 * 2 / math.sqrt(3))


def test_ratio_bound_equals_the_ratio_when_every_seed_has_it():
    pairs = [SeedPair(1.0, g, 1.0, 0.5 * g) for g in (20.0, 40.0, 64.0)]
    judged = across_seeds(pairs)
    assert judged.pooled_ratio == pytest.approx(0.5)
    assert judged.pooled_ratio_upper == pytest.approx(0.5, abs=1e-9)
    assert judged.met_confidently


def test_noisy_seeds_meet_the_point_estimates_but_not_the_bounds():
    # Pooled 0.6x at -1 point, but seeds disagree wildly: the bounds cannot vouch for it.
    pairs = [SeedPair(1.0, 64.0, 1.0, 20.0), SeedPair(1.0, 20.0, 0.96, 21.0), SeedPair(1.0, 30.0, 1.0, 29.0)]
    judged = across_seeds(pairs)
    assert judged.met
    assert not judged.met_confidently
    assert judged.label == "met (point estimates only)"


def test_t_quantiles_decrease_and_refuse_one_seed():
    assert t95(1) > t95(2) > t95(10) > t95(30) == t95(500)
    with pytest.raises(ValueError):
        t95(0)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.floats(10, 64), st.floats(5, 64)), min_size=2, max_size=12))
def test_ratio_bound_is_at_least_the_pooled_ratio_and_its_t_bound_is_zero_there(tokens):
    pairs = [SeedPair(1.0, g, 1.0, l) for g, l in tokens]
    upper = across_seeds(pairs).pooled_ratio_upper
    assert upper >= pooled_ratio(pairs) - 1e-9
    if math.isfinite(upper):
        values = [p.laser_tokens - upper * p.grpo_tokens for p in pairs]
        n = len(values)
        mean = sum(values) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
        assert mean + t95(n - 1) * sd / math.sqrt(n) == pytest.approx(0.0, abs=1e-6)


SEEDS_CSV = """recipe,start,seed,grpo_steps,laser_steps,grpo_accuracy,grpo_tokens,laser_accuracy,laser_tokens
"8..64, n=16, every 3 steps",45-min start,0,42,58,0.960,64.0,1.000,22.9
"8..64, n=16, every 3 steps",rebuilt 45-min start,7,44,46,1.000,19.9,0.960,20.9
"8..64, n=16, every 3 steps",25-min start,11,32,40,1.000,28.3,0.850,15.3
4..32,demo result,0,27,26,0.695,18.5,0.648,18.0
"""


def test_tally_reads_rows_of_the_current_grid_only():
    rows = tally.read_rows(SEEDS_CSV)
    assert [(row.start, row.seed) for row in rows] == [("45-min start", 0), ("rebuilt 45-min start", 7),
                                                        ("25-min start", 11)]
    assert rows[1].ratio == pytest.approx(20.9 / 19.9) and not rows[1].met
    assert (rows[0].grpo_steps, rows[0].laser_steps) == (42, 58)


def test_tally_groups_the_protocol_starts_apart_from_other_starts():
    lines = tally.tally_lines(tally.read_rows(SEEDS_CSV))
    protocol = [line for line in lines if tally.PROTOCOL_LABEL in line]
    assert len(protocol) == 1
    assert "| 1 of 2 |" in protocol[0]  # seeds 0 and 7, not the 25-min start's seed 11
    everything = [line for line in lines if "**all 3 starts**" in line]
    assert len(everything) == 1 and "| 1 of 3 |" in everything[0]


@pytest.mark.parametrize("text", [
    SEEDS_CSV.replace("grpo_tokens", "grpo_tokenz"),  # a renamed column
    SEEDS_CSV.replace("0.960,64.0", "0.960,sixty-four"),  # a cell that is no number
    SEEDS_CSV.replace(",42,58,0.960,64.0,1.000,22.9", ",42,58,0.960"),  # a short line
])
def test_a_malformed_seeds_file_is_one_clear_error(text):
    with pytest.raises(tally.SeedsError, match="seeds.csv"):
        tally.read_rows(text)


def test_tally_command_reports_a_malformed_file_in_one_line(tmp_path, monkeypatch, capsys):
    bad = tmp_path / "seeds.csv"
    bad.write_text(SEEDS_CSV.replace("0.960,64.0", "0.960,x"), encoding="utf-8")
    monkeypatch.setattr(tally, "SEEDS", bad)
    assert tally.main() == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("seeds.csv line 2:") and "\n" not in err


def test_seed_study_judges_the_protocol_seeds_of_the_shipped_recipe():
    run = load_run()
    lines = run.seed_study_lines(SEEDS_CSV)
    table = [line for line in lines if line.startswith("| 0 |") or line.startswith("| 7 |")
             or line.startswith("| 11 |")]
    assert len(table) == 3  # every shipped-recipe seed, the 25-min start's too; not the 4..32 grid
    judged = across_seeds(tally.read_rows(SEEDS_CSV)[:2])  # the two protocol-start seeds
    verdict_line = next(line for line in lines if line.startswith("The shipped recipe over the 2 seeds"))
    assert f"{judged.pooled_ratio:.2f}x pooled tokens" in verdict_line and judged.label in verdict_line


def load_run():
    """benchmarks/train/run.py as a module (its name would clash with other scripts)."""
    spec = importlib.util.spec_from_file_location("train_bench_run", TRAIN_BENCH / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_results_page_is_what_the_renderer_writes_from_the_committed_data():
    # RESULTS.md is generated (run.py, --render-only): a hand edit or a stale page fails here.
    run = load_run()
    results = json.loads((TRAIN_BENCH / "results.json").read_text(encoding="utf-8"))
    assert run.render(results) == (TRAIN_BENCH / "RESULTS.md").read_text(encoding="utf-8")


REPO = TRAIN_BENCH.parents[1]


def test_every_link_in_the_training_pages_points_at_a_file_that_exists():
    for page in TRAIN_BENCH.glob("*.md"):
        for target in re.findall(r"\]\(([^)#]+)\)", page.read_text(encoding="utf-8")):
            if not target.startswith(("http:", "https:")):
                assert (page.parent / target).exists(), f"{page.name} links {target}"


def test_every_mention_of_a_training_benchmark_file_names_a_file_that_exists():
    # Pages and plots go (history lives in git); nothing in the docs, recipes or code may point at them.
    sources = [REPO / "README.md", REPO / "Makefile", *(REPO / "docs").glob("*.md"),
               *(REPO / "benchmarks").rglob("*.md"), *TRAIN_BENCH.glob("*.py"), *(REPO / "src").rglob("*.py"),
               *(REPO / "src").rglob("*.yaml")]
    # `git show COMMIT:benchmarks/train/...` names a file in history, which is where removed ones go.
    by_path = re.compile(r"(?<![0-9a-f}]:)benchmarks/train/([\w.-]+\.(?:md|png|py|json|csv))")
    collected_link = re.compile(r"\]\(train/([^)#]+)\)")  # benchmarks/RESULTS.md links relative to benchmarks/
    by_name = re.compile(r"(?<![/\w-])((?:RESULTS|GPU)[\w-]*\.md)")  # the area's pages, named without a folder
    for source in sources:
        text = source.read_text(encoding="utf-8")
        for name in [*by_path.findall(text), *collected_link.findall(text), *by_name.findall(text)]:
            assert (TRAIN_BENCH / name).exists(), f"{source.relative_to(REPO)} mentions train/{name}"
