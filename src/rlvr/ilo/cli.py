"""`rlvr ilo MODEL [--data TSV]`: per-layer ILO; `rlvr ilo-extract CATALOGUE... --out TSV`: build a parallel set."""

from __future__ import annotations

from pathlib import Path

import typer

from rlvr.atomic import OutputError
from rlvr.cli_support import fail, note, progress


def ilo(
    model: str = typer.Argument("default", help="'default' (the embedded SmolLM2-135M-Instruct), a local model folder, a training run, or a cached HF id."),
    data: Path | None = typer.Option(None, "--data", help="Parallel TSV (id, lang, text); default: the shipped Django set, 200 ids x 8 languages."),
    k: int = typer.Option(5, "--k", help="Nearest neighbours per sentence (cosine distance)."),
    threshold: int = typer.Option(3, "--threshold", help="Bridge threshold t: other languages a neighbourhood must span."),
    pooling: str = typer.Option("mean", "--pooling", help="Sentence vector from token states: mean (the paper's) or last."),
    out: Path = typer.Option(Path("runs/ilo"), "--out", help="Folder for ilo.json and ilo.png."),
    batch_size: int = typer.Option(16, "--batch-size", help="Sentences per forward pass."),
    max_tokens: int = typer.Option(256, "--max-tokens", help="Truncate sentences to this many tokens."),
    device: str | None = typer.Option(None, "--device", help="cpu, cuda, cuda:1, ... (default: cpu)."),
) -> None:
    """Interlingual Local Overlap per layer (Wilie et al. 2025): how much translations share neighbourhoods."""
    from rlvr.ilo.errors import IloError
    from rlvr.ilo.parallel import read_tsv
    from rlvr.ilo.run import score_model, shipped_data, write_outputs

    try:
        sentences = read_tsv(data or shipped_data())
        with progress("ILO: sentences through the model", len(sentences)) as advance:
            result = score_model(model, sentences, k=k, threshold=threshold, pooling=pooling, batch_size=batch_size,
                                 max_tokens=max_tokens, device=device, advance=advance)
        json_path, png_path = write_outputs(result, out)
    except (IloError, OutputError, ValueError) as error:
        fail(str(error))
    best = max(result["layers"], key=lambda layer: layer["ilo"])
    for layer in result["layers"]:
        typer.echo(f"layer {layer['layer']:>3}  ILO {layer['ilo']:.3f}  translation overlap {layer['translation_overlap']:.3f}")
    note(f"highest ILO {best['ilo']:.3f} at layer {best['layer']}; wrote {json_path} and {png_path}")


def ilo_extract(
    catalogues: list[Path] = typer.Argument(..., help="gettext catalogues (.po or .mo) at <lang>/LC_MESSAGES/<domain>.po|mo."),
    languages: str = typer.Option("en,de,fr,es,it,pt,ru,zh_Hans", "--languages", help="Comma-separated; 'en' is the catalogues' source strings."),
    out: Path = typer.Option(..., "--out", help="TSV to write (id, lang, text)."),
    min_words: int = typer.Option(2, "--min-words", help="Drop entries whose source has fewer words (2 drops one-word entries)."),
    limit: int | None = typer.Option(None, "--limit", help="Keep at most this many ids (a stable, hash-ordered choice)."),
) -> None:
    """Extract a parallel-sentence TSV from gettext catalogues (see docs/ilo.md)."""
    from rlvr.ilo.errors import IloError
    from rlvr.ilo.parallel import extract, write_tsv

    try:
        wanted = [lang.strip() for lang in languages.split(",") if lang.strip()]
        sentences = extract(catalogues, wanted, min_words=min_words, limit=limit)
        if not sentences:
            raise IloError("no entry is translated in every requested language; name fewer languages or more catalogues")
        write_tsv(sentences, out)
    except (IloError, OutputError, ValueError) as error:
        fail(str(error))
    note(f"wrote {len(sentences) // len(wanted)} ids x {len(wanted)} languages to {out}")
