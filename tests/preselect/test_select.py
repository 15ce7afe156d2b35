"""Streaming selection keeps exactly the top share, in pool order, and writes nothing on error."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from preselect_corpus import MATH, SPAM, make_texts

from rlvr.preselect import PreselectError, load_classifier, positive_probability, select_pool
from rlvr.preselect.select import kth_highest



def _pool(path: Path, count: int = 600) -> list[dict]:
    texts = make_texts(MATH, count // 2, 11) + make_texts(SPAM, count - count // 2, 12)
    order = np.random.default_rng(0).permutation(count)
    rows = [{"id": f"d{k}", "text": texts[i], "n": int(i)} for k, i in enumerate(order)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return rows


@pytest.mark.parametrize("keep", [0.1, 0.25, 1.0])
def test_jsonl_keeps_the_top_share_in_pool_order(tmp_path: Path, classifier_path: Path, keep: float) -> None:
    pool = tmp_path / "pool.jsonl"
    rows = _pool(pool)
    out = tmp_path / "selected.jsonl"
    # Small chunks, so the selection spans many chunks and ties cross chunk borders.
    summary = select_pool(classifier_path, pool, keep, out, chunk_rows=64)
    kept = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(kept) == summary.kept == round(keep * len(rows))
    scores = np.array(positive_probability(load_classifier(classifier_path), [r["text"] for r in rows]), dtype=np.float32)
    kept_ids = {r["id"] for r in kept}
    kept_scores = [s for r, s in zip(rows, scores) if r["id"] in kept_ids]
    dropped_scores = [s for r, s in zip(rows, scores) if r["id"] not in kept_ids]
    assert not dropped_scores or min(kept_scores) >= max(dropped_scores)
    assert [r["id"] for r in kept] == [r["id"] for r in rows if r["id"] in kept_ids]  # pool order
    assert kept == [r for r in rows if r["id"] in kept_ids]  # rows unchanged


def test_parquet_to_parquet(tmp_path: Path, classifier_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = _pool(tmp_path / "unused.jsonl", 300)
    pool = tmp_path / "pool.parquet"
    pq.write_table(pa.Table.from_pylist(rows), pool, row_group_size=50)
    out = tmp_path / "selected.parquet"
    select_pool(classifier_path, pool, 0.2, out, chunk_rows=32)
    table = pq.read_table(out)
    assert table.num_rows == 60 and table.column_names == ["id", "text", "n"]
    from_jsonl = tmp_path / "selected.jsonl"
    select_pool(classifier_path, pool, 0.2, from_jsonl)
    assert [json.loads(line)["id"] for line in from_jsonl.read_text().splitlines()] == table.column("id").to_pylist()


def test_kth_highest_matches_a_sort(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    values = np.concatenate([rng.random(5000), np.full(300, 0.5), np.zeros(200), np.ones(10)]).astype(np.float32)
    rng.shuffle(values)
    path = tmp_path / "s.f32"
    values.tofile(path)
    ordered = np.sort(values)[::-1]
    for k in (1, 7, 10, 11, 2000, len(values)):
        threshold, above = kth_highest(path, len(values), k)
        assert threshold == ordered[k - 1]
        assert above == int((values > threshold).sum())


def test_bad_row_midway_leaves_no_output(tmp_path: Path, classifier_path: Path) -> None:
    pool = tmp_path / "pool.jsonl"
    _pool(pool, 400)
    lines = pool.read_text().splitlines()
    lines[300] = '{"id": "bad", "text": 7}'
    pool.write_text("\n".join(lines) + "\n")
    out = tmp_path / "out" / "selected.jsonl"
    with pytest.raises(PreselectError, match="line 301"):
        select_pool(classifier_path, pool, 0.5, out, chunk_rows=64)
    assert not out.exists() and list(out.parent.iterdir()) == []


@pytest.mark.parametrize(("content", "keep", "message"), [
    ("", 0.5, "empty"),
    ('{"text": "a"}\n', 0.0, "--keep"),
    ('{"text": "a"}\n', 1.5, "--keep"),
    ('{"text": "a"}\n', 0.2, "keeps none"),
    ('{"body": "a"}\n', 1.0, "--text-field"),
    ('not json\n', 1.0, "line 1: not JSON"),
])
def test_bad_pools_are_refused(tmp_path: Path, classifier_path: Path, content: str, keep: float, message: str) -> None:
    pool = tmp_path / "pool.jsonl"
    pool.write_text(content)
    with pytest.raises(PreselectError, match=message):
        select_pool(classifier_path, pool, keep, tmp_path / "o.jsonl")
    assert not (tmp_path / "o.jsonl").exists()


def test_unknown_formats_are_refused(tmp_path: Path, classifier_path: Path) -> None:
    (tmp_path / "pool.csv").write_text("text\na\n")
    with pytest.raises(PreselectError, match=".jsonl or .parquet"):
        select_pool(classifier_path, tmp_path / "pool.csv", 0.5, tmp_path / "o.jsonl")
    (tmp_path / "pool.jsonl").write_text('{"text": "a"}\n')
    with pytest.raises(PreselectError, match="when the pool is parquet"):
        select_pool(classifier_path, tmp_path / "pool.jsonl", 0.5, tmp_path / "o.parquet")
