"""A Genius run: foresight re-sampling on training prompts, ACO training, held-out scores before and after.

1. render each training prompt (its answer is never read) and re-sample a response step by step
   (`rlvr.selfimprove.genius.resample`), collecting one preference pair per step;
2. train the policy on the pairs with the ACO loss (`ACOTrainer`, TRL's DPOTrainer with ACO's
   loss; the reference is the starting model);
3. score the held-out set before and after with the verifier (the only place it is used).

The output folder holds config.yaml, pairs.jsonl (token ids, advantages, scores, decoded text),
final/ (the trained model and tokenizer) and summary.json.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from rlvr.evaluate.runner import evaluate_problems, heldout_problems
from rlvr.evaluate.sampling import SamplingParams, TransformersSampler
from rlvr.selfimprove.genius import GeniusTrace, PreferencePair, resample
from rlvr.selfimprove.genius_config import GeniusConfig, dump_genius_yaml
from rlvr.tasks import Problem, get
from rlvr.tasks.rows import to_messages

PAIRS_FILE = "pairs.jsonl"
SUMMARY_FILE = "summary.json"


@dataclass
class GeniusResult:
    """Held-out figures before and after, and what the re-sampling produced."""

    output: Path
    before: dict[str, float]
    after: dict[str, float]
    pairs: int
    generated_tokens: int
    train_steps: int
    train_loss: float | None
    mean_calibration: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def final_model(self) -> Path:
        return self.output / "final"

    def summary_line(self) -> str:
        return (f"held-out accuracy {self.before['accuracy']:.3f} -> {self.after['accuracy']:.3f} "
                f"({self.pairs} pairs from {self.generated_tokens} generated tokens, {self.train_steps} ACO steps)")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["output"] = str(self.output)
        return data


def train_problems(config: GeniusConfig) -> list[Problem]:
    """The training prompts (distinct, from tasks.seed)."""
    t = config.tasks
    return get(t.name).distinct(t.problems, seed=t.seed, difficulty=t.difficulty)


def eval_problems(config: GeniusConfig) -> list[Problem]:
    """The held-out problems (distinct, from eval.seed)."""
    return heldout_problems([config.tasks.name], config.eval.problems, [config.tasks.difficulty], config.eval.seed)


def prompt_ids(tokenizer: Any, problem: Problem, system_prompt: str | None) -> list[int]:
    """The problem in the chat template, ready for the assistant turn, as token ids (as the samplers render it)."""
    text = tokenizer.apply_chat_template(to_messages(problem, system_prompt), tokenize=False, add_generation_prompt=True)
    return list(tokenizer(text, add_special_tokens=False)["input_ids"])


def heldout(config: GeniusConfig, model: Any, tokenizer: Any, problems: Sequence[Problem]) -> dict[str, float]:
    """Held-out accuracy, format rate and mean response tokens (verifier-checked)."""
    sampler = TransformersSampler(model, tokenizer, batch_size=config.eval.batch_size)
    params = SamplingParams(max_tokens=config.eval_max_tokens, temperature=config.eval.temperature, seed=config.eval.seed)
    overall = evaluate_problems(sampler, problems, 1, params, system_prompt=config.system_prompt).overall
    return {"accuracy": overall.accuracy, "format_rate": overall.format_rate, "mean_tokens": overall.mean_tokens}


def collect_pairs(config: GeniusConfig, model: Any, tokenizer: Any, problems: Sequence[Problem],
                  progress: Any = None) -> list[GeniusTrace]:
    """One foresight re-sampled trace (response, pairs, generated tokens) per training prompt."""
    rng = random.Random(config.seed)
    settings = config.sampling.settings()
    traces = []
    for problem in problems:
        traces.append(resample(model, tokenizer, prompt_ids(tokenizer, problem, config.system_prompt), settings, rng=rng))
        if progress is not None:
            progress(1)
    return traces


def aco_args(config: GeniusConfig, folder: Path, on_gpu: bool) -> Any:
    """The `DPOConfig` of the ACO training (beta, optimiser, schedule)."""
    import torch
    from trl import DPOConfig

    a = config.aco
    return DPOConfig(
        output_dir=str(folder), seed=config.seed, beta=a.beta, learning_rate=a.learning_rate,
        num_train_epochs=a.epochs, per_device_train_batch_size=a.batch_size, lr_scheduler_type=a.lr_scheduler,
        warmup_ratio=a.warmup_ratio, max_length=a.max_length, bf16=on_gpu and torch.cuda.is_bf16_supported(),
        use_cpu=not on_gpu, logging_steps=1, save_strategy="no", report_to="none", disable_tqdm=True,
        dataloader_num_workers=0,
    )


def train_aco(config: GeniusConfig, model: Any, tokenizer: Any, pairs: Sequence[PreferencePair],
              folder: Path, log_history: list[dict[str, Any]] | None = None) -> tuple[Any, int, float | None, float | None]:
    """ACO-train `model` on `pairs` (reference: a frozen copy of it); model, steps, mean loss, mean calibration.

    `log_history`, when given, receives TRL's per-step log (loss, rewards/margins, logps/chosen, logps/rejected,
    aco/calibration), so a caller can see whether both sides' log-probs fell (the usual DPO drift).
    """
    import copy

    import torch
    from datasets import Dataset

    from rlvr.selfimprove.aco_trainer import ACOTrainer, pair_rows

    if not pairs:
        raise ValueError("foresight re-sampling produced no preference pairs (candidates identical or cut by the "
                         "length limit); raise sampling.max_new_tokens, sampling.temperature or sampling.candidates, "
                         "or set sampling.pairs_from: all")
    _quiet_libraries()
    reference = copy.deepcopy(model).eval()
    trainer = ACOTrainer(model=model, ref_model=reference, args=aco_args(config, folder, torch.cuda.is_available()),
                         processing_class=tokenizer, train_dataset=Dataset.from_list(pair_rows(pairs)),
                         alpha=config.aco.alpha)
    output = trainer.train()
    calibrations = [entry["aco/calibration"] for entry in trainer.state.log_history if "aco/calibration" in entry]
    if log_history is not None:
        log_history.extend(dict(entry) for entry in trainer.state.log_history)
    loss = output.training_loss if output.training_loss == output.training_loss else None
    model = trainer.model.eval()
    mean_w = sum(calibrations) / len(calibrations) if calibrations else None
    return model, int(trainer.state.global_step), loss, mean_w


def _quiet_libraries() -> None:
    import datasets
    from transformers.utils import logging as hf_logging

    datasets.disable_progress_bars()
    hf_logging.disable_progress_bar()


def write_pairs(path: Path, tokenizer: Any, traces: Sequence[GeniusTrace], problems: Sequence[Problem]) -> None:
    """pairs.jsonl: one line per pair, ids plus decoded text for reading."""
    from rlvr.atomic import AtomicFile

    with AtomicFile(path) as handle, open(handle.temp, "w", encoding="utf-8") as out:
        for problem, trace in zip(problems, traces, strict=True):
            for pair in trace.pairs:
                row = asdict(pair)
                row.update(problem_id=problem.id, chosen=tokenizer.decode(pair.chosen_ids, skip_special_tokens=True),
                           rejected=tokenizer.decode(pair.rejected_ids, skip_special_tokens=True))
                out.write(json.dumps(row) + "\n")


def run_genius(config: GeniusConfig, *, console: Any = None, show_progress: bool = True) -> GeniusResult:
    """The whole run; writes the output folder and returns the held-out figures."""
    import torch
    from rich.progress import Progress

    from rlvr.models import load
    from rlvr.train.trl_engine import idle_cores

    torch.set_num_threads(config.threads or idle_cores())
    torch.manual_seed(config.seed)
    output = Path(config.output)
    output.mkdir(parents=True, exist_ok=True)
    (output / "config.yaml").write_text(dump_genius_yaml(config), encoding="utf-8")
    loaded = load(config.model)
    model, tokenizer = loaded.model, loaded.tokenizer
    held = eval_problems(config)
    problems = train_problems(config)
    with Progress(console=console, disable=not show_progress, transient=True) as bar:
        task = bar.add_task("held-out before", total=None)
        before = heldout(config, model, tokenizer, held)
        bar.update(task, description="foresight re-sampling", total=len(problems), completed=0)
        traces = collect_pairs(config, model, tokenizer, problems, progress=lambda n: bar.advance(task, n))
        write_pairs(output / PAIRS_FILE, tokenizer, traces, problems)
        pairs = [pair for trace in traces for pair in trace.pairs]
        bar.update(task, description=f"ACO on {len(pairs)} pairs", total=None)
        model, steps, loss, mean_w = train_aco(config, model, tokenizer, pairs, output / "aco")
        bar.update(task, description="held-out after")
        after = heldout(config, model, tokenizer, held)
    model.save_pretrained(str(output / "final"))
    tokenizer.save_pretrained(str(output / "final"))
    result = GeniusResult(output=output, before=before, after=after, pairs=len(pairs),
                          generated_tokens=sum(t.generated_tokens for t in traces), train_steps=steps,
                          train_loss=loss, mean_calibration=mean_w)
    (output / SUMMARY_FILE).write_text(json.dumps(result.to_dict(), indent=2) + "\n", encoding="utf-8")
    return result
