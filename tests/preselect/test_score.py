"""BPC of tiny random models and `score_pool` end to end; bad input fails before any model loads."""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np
import pytest

from rlvr.preselect import PreselectError, predictive_strength, read_scores, score_pool

pytest.importorskip("torch")
pytest.importorskip("transformers")
# The tiny-model builder is shared with tests/models (a byte-level tokenizer, no downloads).
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "models"))
from tiny_model import build_model_dir  # noqa: E402

TEXTS = ["The sum of 2 and 3 is 5.", "x" * 50, "Prime numbers: 2, 3, 5, 7, 11.", "é ü — unicode", "a"]


@pytest.fixture(scope="module")
def tiny_models(tmp_path_factory: pytest.TempPathFactory) -> list[str]:
    root = tmp_path_factory.mktemp("preselect-models")
    return [str(build_model_dir(root / f"m{seed}", seed=seed)) for seed in range(3)]


def test_bpc_is_the_summed_token_loss_per_character(tiny_models: list[str]) -> None:
    import torch

    from rlvr.models import load
    from rlvr.preselect.losses import document_bpc

    loaded = load(tiny_models[0], device="cpu", dtype="float32")
    batched = document_bpc(loaded.model, loaded.tokenizer, TEXTS, batch_size=4)
    single = document_bpc(loaded.model, loaded.tokenizer, TEXTS, batch_size=1)
    assert batched == pytest.approx(single, rel=1e-4)  # padding is masked out
    text = TEXTS[2]
    # The tiny tokenizer has no BOS: its EOS starts the document, so every text token is predicted.
    ids = torch.tensor([[loaded.tokenizer.eos_token_id] + loaded.tokenizer(text, add_special_tokens=False).input_ids])
    with torch.inference_mode():
        mean_nats = loaded.model(input_ids=ids, labels=ids).loss.item()  # mean over the len-1 predicted tokens
    expected = mean_nats * (ids.shape[1] - 1) / math.log(2) / len(text)
    assert single[2] == pytest.approx(expected, rel=1e-4)
    cut = document_bpc(loaded.model, loaded.tokenizer, ["x" * 200], max_chars=50)
    assert cut == pytest.approx([single[1]], rel=1e-4)  # only the first 50 characters count


def test_score_pool_writes_bpc_and_strength(tiny_models: list[str], tmp_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text("".join(json.dumps({"id": f"d{k}", "text": t}) + "\n" for k, t in enumerate(TEXTS))
                    + json.dumps({"id": "blank", "text": "  "}) + "\n", encoding="utf-8")
    out = tmp_path / "scores.jsonl"
    abilities = [0.2, 0.5, 0.3]
    summary = score_pool(tiny_models, abilities, pool, out, device="cpu", dtype="float32")
    rows = list(read_scores(out))
    assert summary.documents == len(rows) == len(TEXTS) and summary.skipped_empty == 1
    assert [r["id"] for r in rows] == [f"d{k}" for k in range(len(TEXTS))]
    assert [r["text"] for r in rows] == TEXTS
    table = np.array([[r["bpc"][m] for m in tiny_models] for r in rows])
    assert np.all(table > 0)
    want = predictive_strength(table, abilities)
    assert [r["strength"] for r in rows] == pytest.approx(want.tolist(), abs=1e-5)
    assert set(np.round(want * 3).tolist()) <= {0.0, 1.0, 2.0, 3.0}  # 3 models: S in thirds


@pytest.mark.parametrize(("models", "abilities", "content", "message"), [
    ("a,b", "0.1,0.2", '{"text": "x"}\n', "at least 3 models"),
    ("a,b,c", "0.1,0.2", '{"text": "x"}\n', "3 models but 2 abilities"),
    ("a,b,a", "0.1,0.2,0.3", '{"text": "x"}\n', "listed twice"),
    ("a,b,c", "0.1,high,0.3", '{"text": "x"}\n', "numbers separated by commas"),
    ("a,b,c", "0.1,0.2,0.3", "", "empty"),
    ("a,b,c", "0.1,0.2,0.3", '{"text": ""}\n', "nothing to score"),
])
def test_bad_input_fails_before_loading_any_model(tmp_path: Path, models: str, abilities: str, content: str,
                                                  message: str) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text(content)
    out = tmp_path / "scores.jsonl"
    with pytest.raises(PreselectError, match=message):
        score_pool(models, abilities, pool, out)  # "a", "b", "c" are no models: loading one would fail differently
    assert not out.exists()


def test_cli_prints_one_line_errors(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from rlvr.cli import app

    pool = tmp_path / "pool.jsonl"
    pool.write_text('{"text": "x"}\n')
    result = CliRunner().invoke(app, ["preselect", "score", "--models", "a,b", "--abilities", "1,2",
                                      "--docs", str(pool), "--out", str(tmp_path / "s.jsonl")])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [result.output.strip()]
    assert result.output.startswith("error: PreSelect needs at least 3 models")
    result = CliRunner().invoke(app, ["preselect", "train", "--scores", str(tmp_path / "none.jsonl"),
                                      "--out", str(tmp_path / "c.bin")])
    assert result.exit_code == 2 and "no such scores file" in result.output and "Traceback" not in result.output
