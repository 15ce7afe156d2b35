"""Output files that appear whole or not at all.

`AtomicFile(path)` checks at once that `path` can be written (so a command fails before its
work, not after), hands out a temporary name in the same folder to write to, and renames it
onto `path` only on `commit()`. An error or Ctrl-C in between leaves no file, and in
particular no truncated dataset that looks valid. It imports nothing from rlvr, so every
layer may use it.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from types import TracebackType


class OutputError(ValueError):
    """An output file cannot be written (missing permission, a folder in the way, ...)."""


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


class AtomicFile:
    """A file written under a temporary name beside `path`, renamed onto `path` when complete.

    Use as a context manager (commit on success, discard on any exception, Ctrl-C included)
    or call `commit()` / `discard()` yourself. The temporary file keeps `path`'s suffix, so
    writers that pick a format from the suffix (parquet, matplotlib) still do.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.is_dir():
            raise OutputError(f"cannot write {self.path}: it is a folder")
        folder = self.path.parent
        self.temp = folder / f".{self.path.stem}-{secrets.token_hex(4)}.tmp{self.path.suffix}"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # O_EXCL: never clobber; mode 0o666 so the finished file gets the user's umask,
            # not the 0o600 that tempfile.mkstemp would leave.
            os.close(os.open(self.temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except OSError as error:
            raise OutputError(f"cannot write {self.path}: {_reason(error)}") from None
        self.done = False

    def commit(self) -> Path:
        """Rename the finished temporary file onto `path`; returns `path`."""
        if self.done:
            raise OutputError(f"{self.path} was already committed or discarded")
        try:
            os.replace(self.temp, self.path)
        except OSError as error:
            self.discard()
            raise OutputError(f"cannot write {self.path}: {_reason(error)}") from None
        self.done = True
        return self.path

    def discard(self) -> None:
        """Remove the temporary file; `path` is left as it was."""
        self.done = True
        try:
            self.temp.unlink()
        except FileNotFoundError:
            pass

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.done:
            return
        if kind is None:
            self.commit()
        else:
            self.discard()
