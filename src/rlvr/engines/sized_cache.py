"""An LRU cache bounded by the memory its entries hold, keyed by a digest of their text.

Trainers and the reward server parse each dataset row once and reuse it (a row arrives G
times a step and again every epoch). A cache bounded by a count of entries grows with the
size of the rows: 65,536 large problems are gigabytes. This one is bounded by an estimate
of bytes, keys on a 16-byte digest instead of the full text, and never keeps a single
entry larger than a fixed share of it, so a stream of distinct huge rows cannot flush it
or grow the process.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from typing import Callable, Generic, TypeVar

Value = TypeVar("Value")

# Bytes an entry costs besides its text: the value object, the dict slot, the digest.
ENTRY_OVERHEAD = 600
# One entry may take at most 1/MAX_ENTRY_SHARE of the cache.
MAX_ENTRY_SHARE = 8


class SizedCache(Generic[Value]):
    """Thread-safe LRU of values built from text, holding at most about `max_bytes`."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = int(max_bytes)
        self.bytes = 0
        self._entries: OrderedDict[bytes, tuple[Value, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key_text: str, size: int, build: Callable[[], Value]) -> Value:
        """The cached value for `key_text`, or `build()`'s, kept when it fits (`size`: its estimated bytes).

        Exceptions from `build` propagate and nothing is cached.
        """
        key = digest(key_text)
        with self._lock:
            hit = self._entries.get(key)
            if hit is not None:
                self._entries.move_to_end(key)
                return hit[0]
        value = build()
        cost = size + ENTRY_OVERHEAD
        if cost * MAX_ENTRY_SHARE > self.max_bytes:
            return value
        with self._lock:
            if key not in self._entries:
                self._entries[key] = (value, cost)
                self.bytes += cost
            while self.bytes > self.max_bytes:
                _, (_, dropped) = self._entries.popitem(last=False)
                self.bytes -= dropped
        return value

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._entries.clear()
            self.bytes = 0


def digest(text: str) -> bytes:
    """A 16-byte digest of `text` (lone surrogates included, so any Python string has one)."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def shown(text: str, limit: int = 80) -> str:
    """`text` for an error message: its repr, cut to `limit` characters with its length, never echoed whole."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:limit]!r}... ({len(text)} characters)"
