"""The self-improvement loop with stand-ins for the model and the fine-tuning (logic), and one real
SFT step through TRL's SFTTrainer on a tiny random model (end to end)."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from selfimprove_helpers import ScriptedSampler, solve

from rlvr.selfimprove.config import ConfigError, load_config
from rlvr.selfimprove.loop import ITERATIONS_FILE, read_records, run_selfimprove


class FakeModel:
    """Saves a config.json like a transformers model; remembers how often it was trained."""

    def __init__(self) -> None:
        self.trained_on: list[list[dict]] = []

    def save_pretrained(self, folder: str, safe_serialization: bool = True) -> None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "config.json").write_text(json.dumps({"trained": len(self.trained_on)}))


class FakeTokenizer:
    def save_pretrained(self, folder: str) -> None:
        (Path(folder) / "tokenizer.json").write_text("{}")


def recipe(output: Path, name: str = "bstar", *extra: str):
    return load_config(name, [f"output={output}", "threads=1", "iterations=2", "tasks.prompts_per_iteration=3",
                              "sampling.k=4", "bstar.probe_problems=2", "bstar.probe_k=4",
                              "bstar.temperatures=[0.5, 1.0]", "eval.problems=2", *extra])


def fake_sft(model, tokenizer, rows, config, iteration, folder):
    model.trained_on.append(rows)
    return model, len(rows), 0.5


def run(config, sampler, resume: bool = False, model: FakeModel | None = None):
    model = model or FakeModel()
    loaded = SimpleNamespace(model=model, tokenizer=FakeTokenizer())
    result = run_selfimprove(config, resume=resume, show_progress=False, loaded=loaded,
                             make_sampler=lambda m, t, b: sampler, sft=fake_sft)
    return result, model


def test_bstar_trains_on_correct_samples_at_the_temperature_it_chose(tmp_path: Path) -> None:
    # 1 right of 4 at T=0.5, 3 of 4 at T=1.0: the balance score picks 1.0 every iteration
    sampler = ScriptedSampler(lambda t, n: {0.0: 1, 0.5: 1, 1.0: 3}[t])
    result, model = run(recipe(tmp_path / "run"), sampler)
    assert [r.iteration for r in result.records] == [0, 1, 2]
    assert [r.temperature for r in result.records[1:]] == [1.0, 1.0]
    # per iteration: probe at both temperatures, training samples at the chosen one, then held-out (greedy)
    assert sampler.calls[1:5] == [(2, 4, 0.5), (2, 4, 1.0), (3, 4, 1.0), (2, 1, 0.0)]
    first = result.records[1]
    assert (first.train_samples, first.accepted, first.accepted_prompts, first.sft_steps) == (12, 9, 3, 9)
    assert first.train_correct_rate == pytest.approx(0.75)
    assert first.probe["distinct_correct"] == 3.0 and len(first.grid) == 2
    # every row SFT saw is a right answer to its own prompt
    for rows in model.trained_on:
        for row in rows:
            assert f"\\boxed{{{solve(row['prompt'][-1]['content'])}}}" in row["completion"][0]["content"]
    out = tmp_path / "run"
    for name in ("config.yaml", ITERATIONS_FILE, "summary.json", "report.md", "report.png", "accepted-1.jsonl"):
        assert (out / name).is_file(), name
    assert [p.name for p in out.glob("checkpoint-*")] == ["checkpoint-2"]   # only the newest model is kept
    assert result.final_model == out / "checkpoint-2"
    report = (out / "report.md").read_text()
    assert "| 1 | 1 | 0.5 | 1.000 | 3.00 |" in report and "0 (start)" in report
    assert result.summary_line().startswith("held-out accuracy by iteration: 1.000 -> 1.000 -> 1.000; temperatures: 1, 1")


def test_star_samples_at_its_fixed_temperature_only(tmp_path: Path) -> None:
    sampler = ScriptedSampler(lambda t, n: 2)
    result, _ = run(recipe(tmp_path / "run", "star", "sampling.temperature=0.8"), sampler)
    assert {t for _, _, t in sampler.calls} == {0.0, 0.8}
    assert [r.temperature for r in result.records[1:]] == [0.8, 0.8]
    assert all(len(r.grid) == 1 and r.probe for r in result.records[1:])   # still monitored, at 0.8


def test_no_accepted_sample_leaves_the_policy_untrained(tmp_path: Path) -> None:
    result, model = run(recipe(tmp_path / "run"), ScriptedSampler(lambda t, n: 0))
    assert model.trained_on == []
    assert [(r.accepted, r.sft_steps) for r in result.records[1:]] == [(0, 0), (0, 0)]
    assert [r.heldout["accuracy"] for r in result.records] == [0.0, 0.0, 0.0]


def test_resume_continues_after_the_last_finished_iteration(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run(recipe(out, "bstar", "iterations=1"), ScriptedSampler(lambda t, n: 2))
    sampler = ScriptedSampler(lambda t, n: 2)
    result, model = run(recipe(out, "bstar", "iterations=3"), sampler, resume=True)
    assert [r.iteration for r in result.records] == [0, 1, 2, 3]
    assert [r.iteration for r in read_records(out)] == [0, 1, 2, 3]
    # iterations 2 and 3 only, no second evaluation of the starting model: 2 x (2 probe + 1 train + 1 eval)
    assert len(sampler.calls) == 8 and len(model.trained_on) == 2


def test_resume_refuses_changed_settings_naming_the_key(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run(recipe(out, "bstar", "iterations=1"), ScriptedSampler(lambda t, n: 2))
    with pytest.raises(ConfigError, match=r"sampling\.k: 4 -> 8"):
        run(recipe(out, "bstar", "sampling.k=8"), ScriptedSampler(lambda t, n: 2), resume=True)
    with pytest.raises(ConfigError, match=r"bstar\.auto: True -> False"):
        run(recipe(out, "bstar", "bstar.auto=false"), ScriptedSampler(lambda t, n: 2), resume=True)


def test_a_finished_run_is_not_overwritten_and_an_empty_one_not_resumed(tmp_path: Path) -> None:
    out = tmp_path / "run"
    run(recipe(out, "bstar", "iterations=1"), ScriptedSampler(lambda t, n: 2))
    with pytest.raises(ConfigError, match="already holds a run; pass --resume"):
        run(recipe(out, "bstar", "iterations=1"), ScriptedSampler(lambda t, n: 2))
    with pytest.raises(ConfigError, match="holds no self-improvement run"):
        run(recipe(tmp_path / "empty"), ScriptedSampler(lambda t, n: 2), resume=True)


@pytest.mark.train
def test_one_real_sft_iteration_on_a_tiny_model(tiny_model_dir: Path, tmp_path: Path) -> None:
    import torch

    from rlvr.models import load, resolve

    config = recipe(tmp_path / "run", "bstar", f"model={tiny_model_dir}", "iterations=1", "sft.batch_size=4",
                    "sft.learning_rate=1e-3", "sft.max_length=512")
    loaded = load(str(tiny_model_dir))
    before = {k: v.clone() for k, v in loaded.model.state_dict().items()}
    sampler = ScriptedSampler(lambda t, n: 2)
    result = run_selfimprove(config, show_progress=False, loaded=loaded, make_sampler=lambda m, t, b: sampler)
    record = result.records[1]
    assert record.accepted == 6 and record.sft_steps == 2   # 6 rows, batch 4, 1 epoch
    assert record.sft_loss is not None and record.sft_loss > 0
    saved = load(resolve(tmp_path / "run"))   # the run folder resolves to its newest checkpoint
    changed = [k for k, v in saved.model.state_dict().items() if not torch.equal(v, before[k])]
    assert changed, "SFT left every weight unchanged"


@pytest.mark.train
def test_a_max_length_that_cuts_every_response_is_a_clear_error(tiny_model_dir: Path, tmp_path: Path) -> None:
    from rlvr.models import load

    # the byte-level tiny tokenizer makes the prompt alone longer than 32 tokens
    config = recipe(tmp_path / "run", "bstar", f"model={tiny_model_dir}", "iterations=1", "sft.max_length=32")
    with pytest.raises(ConfigError, match=r"sft\.max_length \(32 tokens\) cuts off every accepted response"):
        run_selfimprove(config, show_progress=False, loaded=load(str(tiny_model_dir)),
                        make_sampler=lambda m, t, b: ScriptedSampler(lambda t, n: 2))


def test_off_a_terminal_every_phase_is_a_plain_line(tmp_path: Path) -> None:
    import io

    from rich.console import Console

    buffer = io.StringIO()
    loaded = SimpleNamespace(model=FakeModel(), tokenizer=FakeTokenizer())
    run_selfimprove(recipe(tmp_path / "run", "bstar", "iterations=1"), console=Console(file=buffer, force_terminal=False),
                    loaded=loaded, make_sampler=lambda m, t, b: ScriptedSampler(lambda t, n: 2), sft=fake_sft)
    lines = buffer.getvalue().splitlines()
    assert "iteration 0: held-out evaluation of the starting model" in lines
    assert "iteration 1: probe: 2 temperature(s) x 2 prompts x 4" in lines
    assert "iteration 1: SFT on 6 accepted samples" in lines
