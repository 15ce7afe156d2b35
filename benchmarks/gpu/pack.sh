#!/usr/bin/env bash
# Prepare, on this machine, what the GPU runbook carries to the device (into .gpu/, git-ignored):
#   .gpu/p0, .gpu/p1  the embedded SmolLM2-135M-Instruct GGUF (98 MB) cut in two, with a manifest;
#                     a device call carries at most 64 MiB, working tree included, so the parts
#                     travel in two consecutive calls (benchmarks/train/GPU.md)
#   .gpu/wheels       Python 3.12 wheels of what `rlvr[train]` needs beyond the device image's own
#                     packages (gpu_wheels.py), in the versions installed here (the tested ones)
# verl's stack is not packed: Ray's wheel alone is 79 MB and vLLM's several hundred, so verl's
# main_ppo runs only on a device image that has them (run.sh's probe decides).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
cd "$ROOT"
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
CARRY=${GPU_CARRY:-$ROOT/.gpu}
LIMIT=$((64 * 1024 * 1024))

if ! git check-ignore -q "$CARRY/p0"; then
  echo "pack.sh: $CARRY is not git-ignored; it would travel in every call (add /.gpu/ to .gitignore)" >&2
  exit 2
fi
rm -rf "$CARRY"
mkdir -p "$CARRY/wheels"
PYTHONPATH="$ROOT/src" "$PYTHON" "$HERE/gpu_parts.py" split --dest "$CARRY" --max-mb 50

mapfile -t specs < <(PYTHONPATH="$ROOT/src" "$PYTHON" "$HERE/gpu_wheels.py")
for spec in "${specs[@]}"; do
  if ! "$PYTHON" -m pip download -q --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
    --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 --platform manylinux2014_x86_64 \
    -d "$CARRY/wheels" "$spec" 2>/dev/null; then
    # Published as source only (antlr4-python3-runtime 4.9.3, the version verl's hydra pins): build the
    # wheel here; only a pure-Python one can serve Python 3.12 on the device.
    "$PYTHON" -m pip wheel -q --no-deps --no-build-isolation -w "$CARRY/wheels" "$spec"
  fi
done
for wheel in "$CARRY"/wheels/*.whl; do
  case "$wheel" in
    *-none-any.whl | *cp312*.whl | *-py312-*.whl | *-py3-none-manylinux*x86_64.whl) ;;
    *) echo "pack.sh: $wheel will not install on the device's Python 3.12" >&2; exit 1 ;;
  esac
done
echo "wheels: ${specs[*]}"

# What each call sends: the working tree (tracked and untracked, not ignored) plus its carried paths.
tree=$(git ls-files -z -co --exclude-standard | xargs -0 stat -c %s 2>/dev/null | awk '{s += $1} END {print s + 0}')
size() { du -sb "$@" | awk '{s += $1} END {print s}'; }
first=$((tree + $(size "$CARRY/p0")))
second=$((tree + $(size "$CARRY/p1" "$CARRY/wheels")))
echo "working tree $((tree / 1048576)) MiB; first call $((first / 1048576)) MiB, second $((second / 1048576)) MiB (limit 64 MiB each)"
if [ "$first" -ge "$LIMIT" ] || [ "$second" -ge "$LIMIT" ]; then
  echo "pack.sh: a call would exceed 64 MiB; remove large untracked files from the working tree" >&2
  exit 1
fi
echo "next: the two device calls in benchmarks/train/GPU.md (carry .gpu/p0, then .gpu/p1 and .gpu/wheels)"
