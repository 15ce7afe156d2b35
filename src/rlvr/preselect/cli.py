"""`rlvr preselect score|train|select`: PreSelect data selection from the command line.

Heavy imports (torch, transformers, fastText, pyarrow) happen inside the commands.
"""

from __future__ import annotations

from pathlib import Path

import typer

from rlvr.cli_support import fail, note, progress

app = typer.Typer(
    help="PreSelect: choose training documents whose loss predicts model ability (score, train a fastText scorer, select).",
    no_args_is_help=True,
)


@app.command("score")
def score(
    models: str = typer.Option(..., "--models", help="At least 3 models, comma-separated: 'default', local folders, training runs."),
    abilities: str = typer.Option(..., "--abilities", help="Each model's ability score (e.g. held-out accuracy), same order."),
    docs: Path = typer.Option(..., "--docs", help="The pool to score: .jsonl (one object per line) or .parquet."),
    out: Path = typer.Option(..., "--out", help="Scores file (.jsonl): id, text, bpc per model, strength."),
    text_field: str = typer.Option("text", "--text-field", help="The field that holds each document's text."),
    max_chars: int = typer.Option(2000, "--max-chars", help="Score each document's first N characters."),
    batch_size: int = typer.Option(8, "--batch-size", help="Documents per forward pass."),
    device: str | None = typer.Option(None, "--device", help="cpu or cuda (default: cuda when visible)."),
) -> None:
    """Each document's bits per character under each model and its predictive strength S in [0, 1]."""
    try:
        from rlvr.preselect.score import score_pool

        summary = score_pool(models, abilities, docs, out, text_field=text_field, max_chars=max_chars,
                             batch_size=batch_size, device=device, progress=progress)
    except ValueError as err:
        fail(err)
    except ImportError as err:
        fail(f"cannot import {err.name or 'a module'} ({err}): pip install 'rlvr[preselect]'")
    spread = ", ".join(f"S={value}: {count}" for value, count in summary.strength_counts.items())
    skipped = f" ({summary.skipped_empty} empty documents left out)" if summary.skipped_empty else ""
    note("mean BPC: " + ", ".join(f"{name} {value:.4f}" for name, value in summary.mean_bpc.items()))
    typer.echo(f"scored {summary.documents} documents{skipped} -> {summary.output}; {spread}")


@app.command("train")
def train(
    scores: Path = typer.Option(..., "--scores", help="A scores file from `rlvr preselect score`."),
    out: Path = typer.Option(..., "--out", help="Where to save the fastText classifier (.bin)."),
    top: float = typer.Option(0.1, "--top", help="Share of documents with the highest strength: label 1."),
    bottom: float = typer.Option(0.1, "--bottom", help="Share with the lowest strength: label 0."),
    holdout: float = typer.Option(0.2, "--holdout", help="Share of the labelled documents held out for accuracy."),
    epoch: int = typer.Option(3, "--epoch", help="fastText epochs (the PreSelect authors use 3)."),
    lr: float = typer.Option(0.1, "--lr", help="fastText learning rate (the authors use 0.1)."),
    word_ngrams: int = typer.Option(2, "--word-ngrams", help="fastText word n-grams (the authors use 2)."),
    bucket: int = typer.Option(200_000, "--bucket", help="fastText hash buckets for n-grams (model size: bucket x 100 x 4 bytes)."),
    seed: int = typer.Option(0, "--seed", help="Seed for tie order, the held-out split and fastText."),
) -> None:
    """Label the top and bottom documents by predictive strength and train a fastText classifier."""
    try:
        from rlvr.preselect.classifier import FastTextParams, label_by_strength, train_classifier
        from rlvr.preselect.score import read_scores

        rows = list(read_scores(scores))
        if not rows:
            raise ValueError(f"{scores}: no scored documents")
        labels = label_by_strength(rows, top, bottom, seed)
        result = train_classifier(labels.positives, labels.negatives, out, holdout=holdout, seed=seed,
                                  params=FastTextParams(epoch=epoch, lr=lr, word_ngrams=word_ngrams, bucket=bucket))
    except ValueError as err:
        fail(err)
    accuracy = "n/a (nothing held out)" if result.heldout_accuracy is None else f"{result.heldout_accuracy:.3f}"
    typer.echo(f"{result.positives} positives (S >= {labels.lowest_positive:g}), {result.negatives} negatives "
               f"(S <= {labels.highest_negative:g}); trained on {result.train_docs}, held-out accuracy {accuracy} "
               f"on {result.heldout_docs} -> {result.output}")


@app.command("select")
def select(
    model: Path = typer.Option(..., "--model", help="A classifier from `rlvr preselect train`."),
    docs: Path = typer.Option(..., "--docs", help="The pool: .jsonl or .parquet, read in a stream."),
    keep: float = typer.Option(..., "--keep", help="Share of the pool to keep, highest scores first."),
    out: Path = typer.Option(..., "--out", help="Selected documents: .jsonl (rows unchanged), or .parquet for a parquet pool."),
    text_field: str = typer.Option("text", "--text-field", help="The field that holds each document's text."),
) -> None:
    """Score a pool with the classifier and keep the best `keep` share, in pool order."""
    try:
        from rlvr.preselect.select import select_pool

        summary = select_pool(model, docs, keep, out, text_field=text_field, progress=progress)
    except ValueError as err:
        fail(err)
    typer.echo(f"kept {summary.kept} of {summary.documents} documents (score >= {summary.threshold:.4f}) -> {summary.output}")
