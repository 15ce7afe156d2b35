"""ACO as a TRL trainer: TRL's `DPOTrainer` with the loss replaced by Genius's ACO loss.

The dataset holds pre-tokenised pairs (`prompt_ids`, `chosen_ids`, `rejected_ids`: the exact
tokens foresight sampled, so nothing is re-tokenised) and each pair's advantages
(`chosen_advantage`, `rejected_advantage`). The collator carries the advantages next to TRL's
padded batch, and `_compute_loss` computes the policy's and reference's summed completion
log-probs the way `DPOTrainer` does, then `rlvr.selfimprove.aco.aco_loss`.
Everything else (optimiser, schedules, PEFT reference, precomputed reference log-probs,
checkpoints, logging) is TRL's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from trl import DPOConfig, DPOTrainer
from trl.trainer.dpo_trainer import DataCollatorForPreference

from rlvr.selfimprove.aco import ACOError, aco_loss, calibration

ADVANTAGE_COLUMNS = ("chosen_advantage", "rejected_advantage")
ID_COLUMNS = ("prompt_ids", "chosen_ids", "rejected_ids")


@dataclass
class ACOCollator(DataCollatorForPreference):
    """TRL's preference collator plus one float per pair for each advantage."""

    def torch_call(self, examples: list[dict[str, Any]]) -> dict[str, Any]:
        import torch

        output = super().torch_call(examples)
        for column in ADVANTAGE_COLUMNS:
            output[column] = torch.tensor([float(example[column]) for example in examples], dtype=torch.float32)
        return output


class ACOTrainer(DPOTrainer):
    """`DPOTrainer` whose loss is ACO: -log sigmoid(beta * (r_w - w * r_l)), w from the advantage gap.

    `alpha` scales the gap (Genius eq. 11); `beta` is `args.beta`.
    """

    def __init__(self, *args: Any, alpha: float = 1.0, **kwargs: Any) -> None:
        if not alpha > 0:
            raise ACOError(f"aco.alpha must be > 0; got {alpha!r}")
        self.alpha = float(alpha)
        config: DPOConfig | None = kwargs.get("args")
        tokenizer = kwargs.get("processing_class")
        if kwargs.get("data_collator") is None and config is not None and tokenizer is not None:
            kwargs["data_collator"] = ACOCollator(
                pad_token_id=tokenizer.pad_token_id,
                max_length=config.max_length,
                truncation_mode=config.truncation_mode,
                pad_to_multiple_of=config.pad_to_multiple_of,
            )
        super().__init__(*args, **kwargs)
        if self.ld_alpha is not None:
            raise ACOError("ACO sums log-probs over whole completions; leave DPOConfig.ld_alpha unset")

    def _prepare_dataset(self, dataset: Any, processing_class: Any, args: DPOConfig, dataset_name: str) -> Any:
        # Pairs come as token ids already; TRL would re-tokenise text, which can shift the step boundary.
        missing = [c for c in (*ID_COLUMNS, *ADVANTAGE_COLUMNS) if c not in dataset.column_names]
        if missing:
            raise ACOError(f"the {dataset_name} preference dataset lacks column(s) {', '.join(missing)}")
        if len(dataset) == 0:
            raise ACOError(f"the {dataset_name} preference dataset is empty")
        if args.max_length is not None and args.truncation_mode == "keep_start":
            dataset = dataset.filter(lambda row: len(row["prompt_ids"]) < args.max_length)
        return dataset

    def _set_signature_columns_if_needed(self) -> None:
        if self._signature_columns is None:
            self._signature_columns = [*ID_COLUMNS, *ADVANTAGE_COLUMNS, "ref_chosen_logps", "ref_rejected_logps"]

    def _compute_loss(self, model: Any, inputs: dict[str, Any], return_outputs: bool) -> Any:
        import torch

        mode = "train" if self.model.training else "eval"
        logps = self._completion_logps(model, inputs)
        chosen_logps, rejected_logps = logps.chunk(2, dim=0)
        if self.precompute_ref_logps:
            ref_chosen, ref_rejected = inputs["ref_chosen_logps"], inputs["ref_rejected_logps"]
        elif self.ref_model is not None:
            with torch.no_grad():
                ref_chosen, ref_rejected = self._completion_logps(self.ref_model, inputs).chunk(2, dim=0)
        else:
            # PEFT without a reference copy: TRL's helper runs the model with the adapter disabled.
            with torch.no_grad():
                plain = {k: v for k, v in inputs.items() if k not in ADVANTAGE_COLUMNS}
                ref_chosen, ref_rejected = self.compute_ref_log_probs(model, plain)
        chosen_ratio = chosen_logps - ref_chosen
        rejected_ratio = rejected_logps - ref_rejected
        weights = calibration(inputs["chosen_advantage"].to(chosen_ratio.device),
                              inputs["rejected_advantage"].to(chosen_ratio.device), self.alpha)
        losses = aco_loss(chosen_ratio, rejected_ratio, weights.to(chosen_ratio.dtype), self.beta)
        loss = losses.mean()
        self._log_pair_metrics(mode, chosen_ratio.detach(), rejected_ratio.detach(), weights, chosen_logps.detach(),
                               rejected_logps.detach())
        if return_outputs:
            return loss, {"losses": losses.detach()}
        return loss

    def _completion_logps(self, model: Any, inputs: dict[str, Any]) -> Any:
        """Summed log-probs of each sequence's completion tokens, chosen half first (as DPOTrainer does)."""
        keep = {"input_ids", "attention_mask"}
        model_kwargs = {k: v for k, v in inputs.items() if k in keep}
        labels = inputs["input_ids"].masked_fill(inputs["completion_mask"] == 0, -100)
        outputs = model(**model_kwargs, labels=labels, use_cache=False, fused_lm_head=True)
        seq_len = inputs["completion_mask"].size(1) - 1
        return outputs.log_probs[:, -seq_len:].sum(dim=1)

    def _log_pair_metrics(self, mode: str, chosen_ratio: Any, rejected_ratio: Any, weights: Any,
                          chosen_logps: Any, rejected_logps: Any) -> None:
        gather = self.accelerator.gather_for_metrics
        chosen_rewards = self.beta * chosen_ratio
        rejected_rewards = self.beta * rejected_ratio
        metrics = self._metrics[mode]
        metrics["rewards/chosen"].append(gather(chosen_rewards).mean().item())
        metrics["rewards/rejected"].append(gather(rejected_rewards).mean().item())
        metrics["rewards/margins"].append(gather(chosen_rewards - rejected_rewards).mean().item())
        metrics["rewards/accuracies"].append(gather((chosen_rewards > rejected_rewards).float()).mean().item())
        metrics["aco/calibration"].append(gather(weights.float()).mean().item())
        metrics["logps/chosen"].append(gather(chosen_logps).mean().item())
        metrics["logps/rejected"].append(gather(rejected_logps).mean().item())


def pair_rows(pairs: Sequence[Any]) -> list[dict[str, Any]]:
    """Dataset rows for `ACOTrainer` from objects with the fields of `rlvr.selfimprove.genius.PreferencePair`."""
    return [
        {"prompt_ids": list(p.prompt_ids), "chosen_ids": list(p.chosen_ids), "rejected_ids": list(p.rejected_ids),
         "chosen_advantage": float(p.chosen_advantage), "rejected_advantage": float(p.rejected_advantage)}
        for p in pairs
    ]
