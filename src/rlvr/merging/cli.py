"""`rlvr merge` and `rlvr diff`: merge checkpoints of one architecture; see where an update lives."""

from __future__ import annotations

import typer

from rlvr.cli_support import fail, note, progress


def _floats(text: str | None, option: str) -> list[float] | None:
    if text is None:
        return None
    try:
        return [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise ValueError(f"{option} takes comma-separated numbers like '0.5,0.5'; got {text!r}") from None


def merge(
    models: list[str] = typer.Argument(..., help="Checkpoints to merge: folders, training runs, or 'default'."),
    method: str = typer.Option(..., "--method", "-m", help="linear | task_arithmetic | ties | dare_linear | dare_ties | slerp | layer_swap."),
    output: str = typer.Option(..., "--output", "-o", help="New folder for the merged model."),
    base: str = typer.Option(None, "--base", help="The base the others are measured from (every method but linear)."),
    weights: str = typer.Option(None, "--weights", help="One weight per model, e.g. '0.5,0.5' (default 1 each)."),
    density: float = typer.Option(0.5, "--density", help="ties/dare: share of each update kept."),
    t: float = typer.Option(0.5, "--t", help="slerp: 0 = the base, 1 = the model."),
    lam: float = typer.Option(1.0, "--lambda", help="task_arithmetic/ties/dare: scale of the merged update."),
    layers: str = typer.Option(None, "--layers", help="layer_swap: layers i-j (0-based, inclusive) taken from the model."),
    dtype: str = typer.Option("float32", "--dtype", help="float32 | bfloat16 | float16 of the merged weights."),
    seed: int = typer.Option(0, "--seed", help="Seed of DARE's random drops."),
) -> None:
    """Merge two or more checkpoints of one architecture into a new model folder."""
    from rlvr.merging.errors import MergeError
    from rlvr.merging.methods import MergeSpec
    from rlvr.merging.methods import merge as run_merge

    try:
        spec = MergeSpec(method=method, models=list(models), base=base, weights=_floats(weights, "--weights"),
                         density=density, t=t, lam=lam, layers=layers, dtype=dtype, seed=seed)
        spec.check()  # a bad method or setting is one line, before any progress output
        note(f"merging {len(models) + (base is not None)} checkpoints with {method}...")
        note(f"wrote {run_merge(spec, output, quiet=False)}")
    except (MergeError, ValueError) as err:
        fail(err)
    except ImportError as err:
        fail(f"cannot import {err.name or 'a module'} ({err}): pip install 'rlvr[merge]'")


def diff(
    base: str = typer.Argument(..., help="The starting checkpoint ('default', a folder or a training run)."),
    trained: str = typer.Argument(..., help="The trained checkpoint (a folder or a training run)."),
    output: str = typer.Option(..., "--output", "-o", help="New folder for the figures and diff.json."),
    tolerance: float = typer.Option(1e-5, "--tolerance", help="An entry counts as changed above this absolute difference."),
    swap: bool = typer.Option(True, "--swap/--no-swap", help="Run the layer-range ablation (held-out evaluation per block)."),
    block_size: int = typer.Option(None, "--block-size", help="Layers per swapped block (default: about six blocks)."),
    tasks: str = typer.Option("arithmetic", "--tasks", help="Held-out task families, comma-separated."),
    n: int = typer.Option(64, "--n", help="Held-out problems per task."),
    difficulty: int = typer.Option(1, "--difficulty", help="Held-out difficulty."),
    max_tokens: int = typer.Option(64, "--max-tokens", help="Most tokens per response (greedy)."),
    batch_size: int = typer.Option(32, "--batch-size", help="Sequences per generate call."),
    system_prompt: str = typer.Option(None, "--system-prompt", help="System message of the held-out evaluation; default: the model's own (use the one the model was trained with)."),
) -> None:
    """Where an update lives: per-layer update size and share changed, and a layer-swap ablation."""
    from rlvr.merging.errors import MergeError

    try:
        from rlvr.merging.checkpoints import open_checkpoint
        from rlvr.merging.heldout import HeldoutSet
        from rlvr.merging.run import default_block_size, diff_checkpoints

        if tolerance < 0:
            raise MergeError(f"--tolerance must be >= 0; got {tolerance}")
        heldout = None
        if swap:
            names = [part.strip() for part in tasks.split(",") if part.strip()]
            heldout = HeldoutSet(tasks=names, n=n, difficulty=difficulty, max_tokens=max_tokens, batch_size=batch_size,
                                 system_prompt=system_prompt)
        if not swap:
            record = diff_checkpoints(base, trained, output, tolerance=tolerance, block_size=block_size)
        else:
            assert heldout is not None
            layers = open_checkpoint(base).num_layers
            size = block_size or default_block_size(layers)
            evaluations = 2 + -(-layers // size)
            with progress("evaluating", evaluations * len(heldout.problems)) as advance:
                record = diff_checkpoints(base, trained, output, tolerance=tolerance, block_size=size,
                                          heldout=heldout, progress=advance)
        _show(record)
        note(f"wrote {output}")
    except ValueError as err:
        fail(err)
    except ImportError as err:
        fail(f"cannot import {err.name or 'a module'} ({err}): pip install 'rlvr[train]'")


def _show(record: dict) -> None:
    for row in record["updates"]:
        typer.echo(f"layer {row['layer']!s:>14}  update {row['relative_update']:.2e}  "
                   f"changed {100 * row['changed_share']:5.1f}%  > tol {100 * row['changed_share_tol']:5.1f}%")
    if record.get("accuracy"):
        typer.echo(f"held-out accuracy: base {record['accuracy']['base']:.3f}, trained {record['accuracy']['trained']:.3f}")
        for row in record.get("layer_swap", []):
            typer.echo(f"  base + trained layers {row['first']}-{row['last']}: {row['accuracy']:.3f}")
