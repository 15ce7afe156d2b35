"""Score a model: per-layer ILO on a parallel set, written as JSON and a PNG.

    from rlvr.ilo import score_model, shipped_data
    result = score_model("default", read_tsv(shipped_data()))   # {"layers": [{"ilo": ..., ...}, ...], ...}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from rlvr.atomic import AtomicFile
from rlvr.ilo.errors import IloError
from rlvr.ilo.parallel import Sentence, by_language
from rlvr.ilo.representations import POOLINGS, sentence_representations
from rlvr.ilo.score import DEFAULT_K, DEFAULT_THRESHOLD, check_sizes, layer_score

SHIPPED_DATA = "django_parallel.tsv"
JSON_FILE = "ilo.json"
PNG_FILE = "ilo.png"


def shipped_data() -> Path:
    """The frozen parallel set shipped with rlvr (see rlvr/ilo/data/PROVENANCE.md)."""
    return Path(str(resources.files("rlvr.ilo") / "data" / SHIPPED_DATA))


def score_model(model: Any, sentences: Sequence[Sentence], *, k: int = DEFAULT_K, threshold: int = DEFAULT_THRESHOLD,
                pooling: str = "mean", batch_size: int = 16, max_tokens: int = 256, device: str | None = None,
                advance: Callable[[int], None] | None = None) -> dict[str, Any]:
    """Per-layer ILO of `model` (a model argument for rlvr.models.load, or a LoadedModel) on `sentences`."""
    languages, ids, texts = by_language(sentences)
    check_sizes({lang: len(ids) for lang in languages}, k, threshold)
    if pooling not in POOLINGS:  # checked before the model loads, so a typo costs no time
        raise IloError(f"pooling must be one of {', '.join(POOLINGS)}; got {pooling!r}")
    loaded = _load(model, device)
    per_language = {lang: sentence_representations(loaded.model, loaded.tokenizer, texts[lang], pooling=pooling,
                                                   batch_size=batch_size, max_tokens=max_tokens, advance=advance)
                    for lang in languages}
    layers = []
    for index in range(per_language[languages[0]].shape[0]):
        score = layer_score({lang: per_language[lang][index] for lang in languages}, k=k, threshold=threshold)
        layers.append({"layer": index, **score.to_dict()})
    return {
        "model": str(loaded.path),
        "languages": languages,
        "sentences_per_language": len(ids),
        "k": k,
        "threshold": threshold,
        "pooling": pooling,
        "distance": "cosine",
        "layers": layers,
    }


def write_outputs(result: dict[str, Any], out: str | Path, title: str | None = None) -> tuple[Path, Path]:
    """Write `ilo.json` and `ilo.png` into folder `out`; returns their paths."""
    from rlvr.ilo.plot import plot_layers

    folder = Path(out)
    with AtomicFile(folder / JSON_FILE) as target:
        target.temp.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    label = title or (f"ILO per layer: {Path(result['model']).name}, {len(result['languages'])} languages x "
                      f"{result['sentences_per_language']} sentences, k={result['k']}, t={result['threshold']}, "
                      f"{result['pooling']} pooling")
    png = plot_layers(result["layers"], folder / PNG_FILE, label)
    return folder / JSON_FILE, png


def _load(model: Any, device: str | None) -> Any:
    from rlvr.models import LoadedModel, load

    if isinstance(model, LoadedModel):
        return model
    if not isinstance(model, (str, Path)):
        raise IloError(f"pass a model argument ('default', a folder or a cached HF id), got {type(model).__name__}")
    return load(model, device=device or "cpu", dtype="float32") if device in (None, "cpu") else load(model, device=device)
