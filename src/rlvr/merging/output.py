"""Output folders that appear whole or not at all (a merged model, a diff's figures)."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rlvr.merging.errors import MergeError


def check_new_folder(output: str | Path) -> Path:
    """`output` as a Path, if it is absent or an empty folder and its parent exists."""
    target = Path(output).expanduser()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise MergeError(f"{target} already exists and is not empty; pass a new output folder")
    if not target.parent.is_dir():
        raise MergeError(f"{target.parent} does not exist; create it or pass another output folder")
    return target


@contextmanager
def new_folder(output: str | Path) -> Iterator[Path]:
    """Yield a staging folder beside `output`, renamed onto it when the block ends without error.

    An error or Ctrl-C inside the block removes the staging folder: no half-written output stays.
    """
    target = check_new_folder(output)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        yield staging
        if target.exists():
            target.rmdir()
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
