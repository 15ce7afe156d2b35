"""Which Python distributions the TRL path needs that the device image lacks (pack.sh downloads them).

Reads rlvr's core and `train` requirements from pyproject.toml (an editable install's
metadata goes stale when the file changes), walks their requirements through the installed
distributions' metadata (markers evaluated for this interpreter, extras not followed, as pip
resolves `rlvr[train]`), then subtracts device_packages.txt, the image's own list. The
versions are the ones installed here, so the device runs what the tests ran.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
import sys
import tomllib
from pathlib import Path

from packaging.requirements import Requirement

HERE = Path(__file__).resolve().parent
DEVICE_LIST = HERE / "device_packages.txt"
PYPROJECT = HERE.parents[1] / "pyproject.toml"
EXTRAS = ("train",)


def normalize(name: str) -> str:
    """A distribution name as pip compares them (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def device_packages(path: Path = DEVICE_LIST) -> set[str]:
    """The normalized names in the device list (comments and blanks skipped)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return {normalize(line.strip()) for line in lines if line.strip() and not line.startswith("#")}


def _requirements(dist: str, extras: tuple[str, ...] = ()) -> list[str]:
    out = []
    for text in importlib.metadata.requires(dist) or []:
        req = Requirement(text)
        if req.marker is None or any(req.marker.evaluate({"extra": e}) for e in ("", *extras)):
            out.append(req.name)
    return out


def project_requirements(pyproject: Path = PYPROJECT, extras: tuple[str, ...] = EXTRAS) -> list[str]:
    """rlvr's direct requirements (core plus `extras`) as written in pyproject.toml, markers applied."""
    project = tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]
    texts = list(project.get("dependencies", []))
    for extra in extras:
        texts += project.get("optional-dependencies", {}).get(extra, [])
    return [Requirement(t).name for t in texts if Requirement(t).marker is None or Requirement(t).marker.evaluate()]


def closure(direct: list[str] | None = None) -> dict[str, str]:
    """{normalized name: installed version} of every distribution rlvr[train] needs."""
    seen: dict[str, str] = {}
    todo = list(direct if direct is not None else project_requirements())
    while todo:
        name = normalize(todo.pop())
        if name in seen:
            continue
        try:
            seen[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            raise ValueError(f"{name} is required but not installed here: install rlvr[{','.join(EXTRAS)}] first") from None
        todo.extend(_requirements(name))
    return seen


def missing_on_device(needed: dict[str, str], device: set[str]) -> dict[str, str]:
    """The needed distributions the device image does not have."""
    return {name: version for name, version in sorted(needed.items()) if name not in device}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.parse_args(argv)
    try:
        missing = missing_on_device(closure(), device_packages())
    except ValueError as err:
        print(f"gpu_wheels: {err}", file=sys.stderr)
        return 2
    for name, version in missing.items():
        print(f"{name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
